/** Runs the compiled synth (build/main.js) on a copy of values/, into a scratch output directory. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../charts/platform';
import { ValuesError } from '../../lib/values/problems';
import { projectRoot } from './helm';

export interface SynthRun {
  status: number;
  stdout: string;
  stderr: string;
}

function ensureBuilt(): string {
  const main = join(projectRoot, 'build', 'main.js');
  if (!existsSync(main)) {
    const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), 'main'], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  }
  return main;
}

export interface SynthRunOptions {
  /** Added to the environment of the process. */
  readonly env?: Readonly<Record<string, string>>;
  /** Milliseconds before the process is killed (then `signal` is SIGTERM); default: none. */
  readonly timeout?: number;
}

/** Runs the compiled synth with `args` in `cwd` and waits for it to exit. */
export function runSynth(args: readonly string[], cwd = projectRoot, options: SynthRunOptions = {}): SynthRun & { signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, [ensureBuilt(), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...options.env }, timeout: options.timeout });
  return { status: result.status ?? -1, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch copy of values/ and an output dir holding a sentinel file, for bad-input tests. */
export function scratchProject(): { root: string; values: string; out: string; sentinel: string } {
  const root = mkdtempSync(join(tmpdir(), 'synth-'));
  const values = join(root, 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const out = join(root, 'dist');
  mkdirSync(out);
  // An earlier output holds manifests/ and helm/ only (anything else makes the synth refuse the folder).
  mkdirSync(join(out, 'manifests'));
  const sentinel = join(out, 'manifests', 'previous-output.yaml');
  writeFileSync(sentinel, 'kind: Previous\n');
  return { root, values, out, sentinel };
}

export function edit(file: string, change: (text: string) => string): void {
  const text = readFileSync(file, 'utf8');
  const changed = change(text);
  if (changed === text) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(file, changed);
}

/** The problem lines of a synth of `valuesDir` in this process (fails when the synth does not fail). */
export function synthProblems(valuesDir: string): string[] {
  try {
    synthesize({ valuesDir });
  } catch (error) {
    if (error instanceof ValuesError) return error.message.split('\n');
    throw error;
  }
  throw new Error('synth did not fail');
}

/**
 * A scratch copy of values/ with `edit` applied to one of its files (the edit must change it); returns
 * the copy's values folder. `roots` collects the scratch folders for the caller to remove.
 */
export function valuesCopyWith(roots: string[], file: string, edit: (text: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'values-copy-'));
  roots.push(root);
  const dir = join(root, 'values');
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(join(dir, file), edited);
  return dir;
}

/** Synthesizes `valuesDir` in this process and writes the output files under `outDir` (a dist/ of its own). */
export function synthInto(valuesDir: string, outDir: string): void {
  for (const [path, content] of synthesize({ valuesDir })) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), content);
  }
}
