/**
 * The compiled synth (build/main.js) on an output large enough for the worker thread to write it
 * (more than 400 files): a first run into an empty directory, an unchanged re-run that leaves the
 * output untouched, and a re-run after one value changed that replaces only what changed. With 20
 * applications, a helper thread releases applications too, and a worker thread draws half of the
 * network pictures: the files are those of a synth on one thread.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the benchmark, without types
import { generateValues } from '../../bench/generate.mjs';
import { runSynth } from '../support/synth-cli';
import { synthesizeEach } from '../../charts/platform';
import { renderSvgs } from '../../lib/network-graph/render';

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

describe('synth of 20 applications (a helper thread releases applications too)', () => {
  it('writes the files of a synth on one thread, pictures too: the same bytes, in the same places, the stage times only when asked', async () => {
    // base.yaml of 20 applications is over 64 KiB: build/main.js starts a helper thread (charts/platform.ts worthAHelper);
    // synthesizeEach() runs on this thread alone.
    const root = mkdtempSync(join(tmpdir(), 'helper-thread-'));
    const values = join(root, 'values');
    const out = join(root, 'dist');
    generateValues(20, values);
    const result = runSynth(['--values', values, '--out', out, '--quiet'], undefined, { env: { SYNTH_STAGE_TIMES: '1' } });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^synth stage times \(ms\): \{"start-up":[\d.]+,.*"evaluation production":[\d.]+.*\}$/m);
    const expected = new Map<string, string>();
    const pictures = synthesizeEach({ valuesDir: values }, (path, content) => expected.set(path, content));
    // Drawn here on this thread alone; build/main.js drew every second one on a worker thread (more than 48 pictures).
    expect(pictures.length).toBeGreaterThan(48);
    const alone = await renderSvgs(
      pictures.map((p) => p.dot),
      () => undefined,
      Number.POSITIVE_INFINITY,
    );
    for (const [i, svg] of alone.entries()) expected.set(pictures[i].path, svg);
    const written = [...files(out).keys()];
    expect(written.sort()).toEqual([...expected.keys()].sort());
    expect(written.filter((path) => readFileSync(join(out, path), 'utf8') !== expected.get(path))).toEqual([]);
  });

  it('replaces what changed and keeps what the helper thread found unchanged, whose content it does not send back', () => {
    const root = mkdtempSync(join(tmpdir(), 'helper-unchanged-'));
    const values = join(root, 'values');
    const out = join(root, 'dist');
    const fresh = join(root, 'fresh');
    generateValues(20, values);
    synth(values, fresh);
    synth(values, out);
    // One object of every application changed by hand: the output differs from the first job on, so every
    // file the helper thread found unchanged (sent without its content) is placed while staging.
    const edited: string[] = [];
    for (const chart of readdirSync(join(out, 'manifests', 'dev')).filter((name) => name !== 'monitoring')) {
      const file = join(out, 'manifests', 'dev', chart, readdirSync(join(out, 'manifests', 'dev', chart)).sort()[0]);
      writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
      edited.push(chart);
    }
    expect(edited.length).toBe(20);
    const result = runSynth(['--values', values, '--out', out]);
    expect(result.status).toBe(0);
    const total = [...files(fresh).keys()].filter((path) => path.startsWith('manifests/')).length;
    expect(result.stdout).toContain(`objects 0 added, 20 changed, 0 removed, ${total - 20} unchanged\n`);
    const expected = files(fresh);
    const written = files(out);
    expect([...written.keys()].sort()).toEqual([...expected.keys()].sort());
    expect([...written.keys()].filter((path) => readFileSync(join(out, path), 'utf8') !== readFileSync(join(fresh, path), 'utf8'))).toEqual([]);
  });
});
