/**
 * The compiled synth (build/main.js) on an output large enough for the worker thread to write it
 * (more than 400 files): a first run into an empty directory, the same files as a synth on one thread
 * (build/main.js releases applications on a helper thread too), an unchanged re-run that leaves the
 * output untouched, and a re-run after one value changed that replaces only what changed.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the benchmark, without types
import { generateValues } from '../../bench/generate.mjs';
import { runSynth } from '../support/synth-cli';
import { synthesize } from '../../charts/platform';

const APPLICATIONS = 8;

/** Every file under dir (relative path → inode); fails on anything but files and directories. */
function files(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) continue;
    expect(entry.isFile(), `${path} is a regular file`).toBe(true);
    out.set(path.slice(dir.length + 1), statSync(path).ino);
  }
  return out;
}

function synth(values: string, out: string): void {
  const result = runSynth(['--values', values, '--out', out]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

describe(`synth of ${APPLICATIONS} applications (written by the worker thread)`, () => {
  let root: string;
  let values: string;
  let out: string;
  let first: Map<string, number>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'large-output-'));
    values = join(root, 'values');
    out = join(root, 'dist');
    generateValues(APPLICATIONS, values);
    synth(values, out);
    first = files(out);
  });

  it('writes every application in every environment, the same bytes as a second fresh run', () => {
    expect(first.size).toBeGreaterThan(400);
    const apps = readdirSync(join(out, 'manifests', 'production')).sort();
    expect(apps).toHaveLength(APPLICATIONS + 1); // and monitoring
    const again = join(root, 'again');
    synth(values, again);
    expect([...files(again).keys()].sort()).toEqual([...first.keys()].sort());
    const differing = [...first.keys()].filter((path) => readFileSync(join(out, path), 'utf8') !== readFileSync(join(again, path), 'utf8'));
    expect(differing).toEqual([]);
  });

  it('leaves an unchanged output untouched', () => {
    const directory = statSync(out).ino;
    synth(values, out);
    expect(statSync(out).ino).toBe(directory);
    expect(files(out)).toEqual(first);
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.'))).toEqual([]);
  });

  it('holds the files of a synth on one thread: the applications the helper thread released are the same bytes, in the same places', () => {
    // build/main.js releases applications on a helper thread as well (lib/synth/helper-thread.ts); synthesize() runs on this one.
    const expected = synthesize({ valuesDir: values });
    const written = [...first.keys()].filter((path) => !path.endsWith('.svg'));
    expect(written.sort()).toEqual([...expected.keys()].sort());
    expect(written.filter((path) => readFileSync(join(out, path), 'utf8') !== expected.get(path))).toEqual([]);
  });

  it('after one value changed, replaces the changed files and links the others', () => {
    const overlay = join(values, 'production.yaml');
    const text = readFileSync(overlay, 'utf8');
    const changed = text.replace(/^(\s+logLevel:) warn$/m, '$1 error');
    expect(changed).not.toBe(text);
    writeFileSync(overlay, changed);
    synth(values, out);
    const after = files(out);
    expect([...after.keys()].sort()).toEqual([...first.keys()].sort());
    const rewritten = [...after].filter(([path, ino]) => first.get(path) !== ino).map(([path]) => path);
    expect(rewritten.length).toBeGreaterThan(0);
    expect(rewritten.length).toBeLessThan(after.size / 4);
    // The production manifests, the charts' production values and so their versions (Chart.yaml: lib/helm/chart-files.ts).
    for (const path of rewritten) expect(path, 'only production manifests, chart values and versions change').toMatch(/^manifests\/production\/|^helm\/[^/]+\/(values-production\.yaml|Chart\.yaml)$/);
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.'))).toEqual([]);
  });
});
