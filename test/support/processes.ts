/**
 * Running the real Prometheus and Alertmanager binaries from tests: one-shot tools (promtool, amtool),
 * long-running servers on 127.0.0.1 that are always stopped, and scratch directories that are always removed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The first of `names` found on PATH. Debian installs Alertmanager as `prometheus-alertmanager`,
 * the upstream tarball as `alertmanager`.
 */
export function findBinary(...names: string[]): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not in this directory
      }
    }
  }
  throw new Error(`none of ${names.join(', ')} is on PATH: install the Debian packages prometheus and prometheus-alertmanager`);
}

export function runTool(binary: string, args: readonly string[], cwd?: string): ToolResult {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch directory; `remove()` deletes it with everything in it. */
export function scratchDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      server.close(() => resolve(address.port));
    });
  });
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` with the last error. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

interface Started {
  name: string;
  child: ChildProcess;
  output: string[];
}

/** Servers started by a test file; `stopAll()` in afterAll stops every one of them, whatever happened. */
export class Processes {
  private readonly started: Started[] = [];

  /** Starts a server; `env`, when given, is its whole environment (e.g. an exporter's variables from a manifest). */
  start(name: string, binary: string, args: readonly string[], env?: Readonly<Record<string, string>>): ChildProcess {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    const entry: Started = { name, child, output: [] };
    const keep = (chunk: Buffer) => entry.output.push(chunk.toString('utf8'));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.started.push(entry);
    return child;
  }

  /** The output of a server so far, for failure messages. */
  output(name: string): string {
    return this.started.find((entry) => entry.name === name)?.output.join('') ?? '';
  }

  /** Stops one server (SIGTERM, then SIGKILL after `graceMs`), e.g. to take a target down during a test. */
  async stop(name: string, graceMs = 5_000): Promise<void> {
    const entry = this.started.find((started) => started.name === name);
    if (entry) await stop(entry.child, graceMs);
  }

  /** SIGTERM to each server still running, SIGKILL to those still there after `graceMs`. */
  async stopAll(graceMs = 5_000): Promise<void> {
    await Promise.all(this.started.map((entry) => stop(entry.child, graceMs)));
    this.started.length = 0;
  }
}

function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
