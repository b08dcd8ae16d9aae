/**
 * One run at a time writes an output folder (lib/synth/output-lock.ts): two synths started at many
 * offsets on one output end with exactly one run's output, the last one to finish, and every run that
 * says it succeeded had its output in place; a second run waits for a live holder (naming it), refuses
 * after its time limit, and takes over the lock of a dead one at once.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockOutput, lockPaths } from '../../lib/synth/output-lock';
import { projectRoot } from '../support/helm';
import { edit, runSynth } from '../support/synth-cli';

/** Every file under dir (relative paths) with its content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

interface Finished {
  readonly status: number | null;
  readonly stderr: string;
  readonly endedAt: bigint;
}

/** Starts the compiled synth; resolves when it exits, with the time it exited. */
function startSynth(args: readonly string[], cwd: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'build', 'main.js'), ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr, endedAt: process.hrtime.bigint() }));
  });
}

const root = mkdtempSync(join(tmpdir(), 'output-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Two values folders that give different outputs (production's log level), and each one's output made alone. */
function twoValues() {
  const a = join(root, 'values-a');
  const b = join(root, 'values-b');
  cpSync(join(projectRoot, 'values'), a, { recursive: true });
  cpSync(join(projectRoot, 'values'), b, { recursive: true });
  edit(join(b, 'production.yaml'), (t) => t.replace('  logLevel: warn\n', '  logLevel: error\n'));
  for (const name of ['a', 'b']) expect(runSynth(['--values', `values-${name}`, '--out', `alone-${name}`], root).status).toBe(0);
  const outputs = { a: readTree(join(root, 'alone-a')), b: readTree(join(root, 'alone-b')) };
  expect(outputs.a).not.toEqual(outputs.b);
  return outputs;
}

describe('the output lock', () => {
  it('two synths at many offsets: the output is exactly the last run’s, and both succeed only because both were kept in turn', async () => {
    const outputs = twoValues();
    // The mixed outputs came with offsets of 0.45 to 0.75 s; 0 starts both at once.
    for (const [i, offset] of [0, 150, 300, 450, 600, 750].entries()) {
      const out = `pair-${i}`;
      const first = startSynth(['--values', 'values-a', '--out', out], root);
      await new Promise((resolve) => setTimeout(resolve, offset));
      const second = startSynth(['--values', 'values-b', '--out', out], root);
      const [a, b] = await Promise.all([first, second]);
      expect([a.status, b.status], `offset ${offset} ms: ${a.stderr}${b.stderr}`).toEqual([0, 0]);
      const last = a.endedAt > b.endedAt ? 'a' : 'b';
      expect(readTree(join(root, out)), `offset ${offset} ms`).toEqual(outputs[last]);
      // The run that waited said for whom (pid, command, since when).
      for (const run of [a, b].filter((r) => r.stderr.includes('waiting'))) {
        expect(run.stderr).toMatch(
          new RegExp(`^synth: waiting for ${out}/: locked by pid \\d+ \\(node \\S*build/main\\.js --values values-[ab] --out ${out}\\), since \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z \\(\\d+ s ago\\)$`, 'm'),
        );
      }
      expect(readdirSync(root).filter((name) => name.startsWith(`.${out}.`))).toEqual([]);
    }
  }, 300_000);

  it('a run waits for a live holder and refuses after its time limit, naming it; nothing is written', () => {
    expect(runSynth(['--values', 'values-a', '--out', 'held'], root).status).toBe(0);
    const before = readTree(join(root, 'held'));
    const lock = lockOutput(join(root, 'held'));
    try {
      const refused = runSynth(['--values', 'values-a', '--out', 'held'], root, { env: { OUTPUT_LOCK_WAIT_SECONDS: '1' } });
      expect(refused.status).toBe(1);
      const lines = refused.stderr.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^synth: waiting for held/: locked by pid ${process.pid} \\(`));
      expect(lines[1]).toMatch(new RegExp(`^synth: held/ is locked by pid ${process.pid} \\(.*\\), since .*; waited 1 s\\. Let that run finish or stop it \\(kill ${process.pid}\\), then run again$`));
      expect(lines).toHaveLength(2);
      expect(readTree(join(root, 'held'))).toEqual(before);
    } finally {
      lock.release();
    }
    expect(existsSync(lockPaths(join(root, 'held')).lock)).toBe(false);
    expect(existsSync(lockPaths(join(root, 'held')).record)).toBe(false);
  });

  it('a run that finds the lock before its holder has named itself waits to name it; one that never does is called unnamed', async () => {
    expect(runSynth(['--values', 'values-a', '--out', 'unnamed'], root).status).toBe(0);
    const { record } = lockPaths(join(root, 'unnamed'));
    const lock = lockOutput(join(root, 'unnamed'));
    try {
      // The holder between its mkdir and its record (CI caught a waiting run naming "another run (starting)").
      renameSync(record, `${record}.aside`);
      const waiting = startSynth(['--values', 'values-a', '--out', 'unnamed', '--quiet'], root);
      await new Promise((resolve) => setTimeout(resolve, 600));
      renameSync(`${record}.aside`, record);
      await new Promise((resolve) => setTimeout(resolve, 600));
      lock.release();
      const finished = await waiting;
      expect(finished.status, finished.stderr).toBe(0);
      expect(finished.stderr).toMatch(new RegExp(`^synth: waiting for unnamed/: locked by pid ${process.pid} \\(node .*\\), since .*\n$`));

      // A record that never comes: the run says so, and refuses after its limit like any other.
      const again = lockOutput(join(root, 'unnamed'));
      renameSync(record, `${record}.aside`);
      try {
        const refused = runSynth(['--values', 'values-a', '--out', 'unnamed'], root, { env: { OUTPUT_LOCK_WAIT_SECONDS: '2' } });
        expect(refused.status).toBe(1);
        expect(refused.stderr.trim().split('\n')).toEqual([
          'synth: waiting for unnamed/: locked by another run that has not named itself (no holder record beside the lock)',
          'synth: unnamed/ is locked by another run that has not named itself (no holder record beside the lock); waited 2 s. Let that run finish or stop it, then run again',
        ]);
      } finally {
        renameSync(`${record}.aside`, record);
        again.release();
      }
    } finally {
      lock.release();
    }
    expect(existsSync(record)).toBe(false);
  }, 60_000);

  it('the lock of a run killed while holding it is taken over at once', () => {
    expect(runSynth(['--values', 'values-a', '--out', 'killed'], root).status).toBe(0);
    edit(join(root, 'values-b', 'dev.yaml'), (t) => `${t}# changed\n`);
    // Killed with every file staged (ATOMIC_DIR_TEST_CRASH), the lock and its record left behind.
    const killed = runSynth(['--values', 'values-b', '--out', 'killed'], root, { env: { ATOMIC_DIR_TEST_CRASH: 'staged' } });
    expect(killed.signal).toBe('SIGKILL');
    const { lock, record } = lockPaths(join(root, 'killed'));
    expect(existsSync(lock)).toBe(true);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({ command: expect.stringMatching(/build\/main\.js --values values-b --out killed$/) });
    const next = runSynth(['--values', 'values-a', '--out', 'killed', '--quiet'], root, { env: { OUTPUT_LOCK_WAIT_SECONDS: '0' } });
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(root).filter((name) => name.startsWith('.killed.'))).toEqual([]);
  });

  it('a second lock in one process waits like another run’s', () => {
    const target = join(root, 'twice');
    const lock = lockOutput(target);
    try {
      expect(() => lockOutput(target, { waitMs: 0 })).toThrow(`${target}/ is locked by pid ${process.pid} (`);
      expect(() => lock.assertHeld()).not.toThrow();
    } finally {
      lock.release();
    }
    expect(() => lock.assertHeld()).toThrow(/was taken by another run while this run worked; this run's output was not kept/);
  });
});
