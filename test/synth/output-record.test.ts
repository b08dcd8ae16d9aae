/**
 * The output record (lib/synth/output-record.ts): what it proves of a file without reading it, what it
 * refuses to prove (a file changed since, a file written too recently to trust its time stamp, a record
 * that is not one or of another folder), and a synth that uses it: a hand edit that keeps the size is
 * still found and replaced, and the record is in the project's cache folder, never in or beside the output.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputRecord, recordFile } from '../../lib/synth/output-record';
import { projectRoot } from '../support/helm';
import { runSynth } from '../support/synth-cli';

/** The record file of a test's output folder: beside it (the synth keeps it in the project's cache folder). */
const fileOf = (target: string) => join(dirname(target), 'record');

/** An output folder with `files`, and a record proving each, saved as if RACY_MS had passed. */
function recorded(files: Record<string, string>): { target: string } {
  const target = join(mkdtempSync(join(tmpdir(), 'output-record-')), 'dist');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(target, path, '..'), { recursive: true });
    writeFileSync(join(target, path), content);
  }
  const record = new OutputRecord(target, fileOf(target));
  for (const [path, content] of Object.entries(files)) expect(record.holds(path, content).holds).toBe(true);
  record.save(new Set(Object.keys(files)), Date.now() + 10_000);
  return { target };
}

describe('output record', () => {
  it('proves a recorded file unchanged, or changed, from its status and digest alone', () => {
    const { target } = recorded({ 'a/one.yaml': 'kind: One\n', 'b/two.yaml': 'kind: Two\n' });
    expect(readFileSync(fileOf(target), 'utf8').split('\n').slice(0, 2)).toEqual(['platform-cdk8s output record 2', `output: ${target}`]);
    const record = new OutputRecord(target, fileOf(target));
    expect(record.knows('a/one.yaml', 'kind: One\n')).toBe(true);
    expect(record.knows('a/one.yaml', 'kind: Uno\n')).toBe(false);
    expect(record.knows('b/two.yaml', 'kind: Two\n')).toBe(true);
    // Never recorded: the record cannot say.
    expect(record.knows('c/three.yaml', 'kind: Three\n')).toBeUndefined();
  });

  it('does not vouch for a file written since, even of the same size, nor for one replaced by another file', () => {
    const { target } = recorded({ 'one.yaml': 'kind: One\n', 'two.yaml': 'kind: Two\n' });
    writeFileSync(join(target, 'one.yaml'), 'kind: Uno\n');
    writeFileSync(join(target, 'two.tmp'), 'kind: Two\n');
    renameSync(join(target, 'two.tmp'), join(target, 'two.yaml'));
    const record = new OutputRecord(target, fileOf(target));
    expect(record.knows('one.yaml', 'kind: One\n')).toBeUndefined();
    expect(record.knows('two.yaml', 'kind: Two\n')).toBeUndefined();
    // Read instead: the edit is seen.
    expect(record.holds('one.yaml', 'kind: One\n').holds).toBe(false);
    expect(record.holds('two.yaml', 'kind: Two\n').holds).toBe(true);
  });

  it('does not vouch for a file another of the same size and time was copied over, times kept (cp -p)', () => {
    // Files written in the same kernel tick share their modification time to the nanosecond.
    const target = join(mkdtempSync(join(tmpdir(), 'output-record-')), 'dist');
    mkdirSync(target);
    writeFileSync(join(target, 'one.yaml'), 'kind: One\n');
    writeFileSync(join(target, 'two.yaml'), 'kind: Two\n');
    const tick = new Date(Date.now() - 60_000);
    for (const name of ['one.yaml', 'two.yaml']) utimesSync(join(target, name), tick, tick);
    const record = new OutputRecord(target, fileOf(target));
    for (const [name, content] of [
      ['one.yaml', 'kind: One\n'],
      ['two.yaml', 'kind: Two\n'],
    ])
      expect(record.holds(name, content).holds).toBe(true);
    record.save(new Set(['one.yaml', 'two.yaml']), Date.now() + 10_000);
    const before = statSync(join(target, 'one.yaml'));
    expect(spawnSync('cp', ['-p', join(target, 'two.yaml'), join(target, 'one.yaml')]).status).toBe(0);
    const after = statSync(join(target, 'one.yaml'));
    // Same inode, size and modification time: only the change time tells.
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    const next = new OutputRecord(target, fileOf(target));
    expect(next.knows('one.yaml', 'kind: One\n')).toBeUndefined();
    expect(next.holds('one.yaml', 'kind: One\n').holds).toBe(false);
    expect(next.knows('two.yaml', 'kind: Two\n')).toBe(true);
  });

  it('leaves out a file modified within two seconds of the record (its time stamp could be reused)', () => {
    const target = join(mkdtempSync(join(tmpdir(), 'output-record-')), 'dist');
    mkdirSync(target);
    writeFileSync(join(target, 'new.yaml'), 'kind: New\n');
    const record = new OutputRecord(target, fileOf(target));
    expect(record.holds('new.yaml', 'kind: New\n').holds).toBe(true);
    record.save(new Set(['new.yaml']), statSync(join(target, 'new.yaml')).ctimeMs + 1500);
    expect(new OutputRecord(target, fileOf(target)).knows('new.yaml', 'kind: New\n')).toBeUndefined();
    record.save(new Set(['new.yaml']), statSync(join(target, 'new.yaml')).ctimeMs + 2500);
    expect(new OutputRecord(target, fileOf(target)).knows('new.yaml', 'kind: New\n')).toBe(true);
  });

  it('drops the entries of paths no longer produced, and reads nothing from a record of another format', () => {
    const { target } = recorded({ 'one.yaml': 'kind: One\n', 'two.yaml': 'kind: Two\n' });
    const record = new OutputRecord(target, fileOf(target));
    expect(record.knows('one.yaml', 'kind: One\n')).toBe(true);
    expect(record.knows('two.yaml', 'kind: Two\n')).toBe(true);
    record.save(new Set(['one.yaml']), Date.now() + 10_000);
    expect(new OutputRecord(target, fileOf(target)).knows('two.yaml', 'kind: Two\n')).toBeUndefined();
    const good = readFileSync(fileOf(target), 'utf8');
    expect(new OutputRecord(target, fileOf(target)).knows('one.yaml', 'kind: One\n')).toBe(true);
    const header = `platform-cdk8s output record 2\noutput: ${target}\n`;
    for (const text of [
      '',
      good.replace('record 2', 'record 1'),
      good.replace(`output: ${target}`, `output: ${target}-other`),
      `${header}short\t1\t2\t3\t4\tone.yaml\n`,
      `${header}${'x'.repeat(22)}\tone\t2\t3\t4\tone.yaml\n`,
    ]) {
      writeFileSync(fileOf(target), text);
      expect(new OutputRecord(target, fileOf(target)).knows('one.yaml', 'kind: One\n'), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('removes the records of other output folders not written for 30 days when it writes one', () => {
    const { target } = recorded({ 'one.yaml': 'kind: One\n' });
    const folder = dirname(target);
    writeFileSync(join(folder, 'old.record'), 'x');
    writeFileSync(join(folder, 'recent.record'), 'x');
    writeFileSync(join(folder, 'old.txt'), 'x');
    const day = 24 * 3600;
    const now = Date.now() / 1000;
    utimesSync(join(folder, 'old.record'), now - 31 * day, now - 31 * day);
    utimesSync(join(folder, 'recent.record'), now - 29 * day, now - 29 * day);
    utimesSync(join(folder, 'old.txt'), now - 31 * day, now - 31 * day);
    const record = new OutputRecord(target, join(folder, 'new.record'));
    expect(record.holds('one.yaml', 'kind: One\n').holds).toBe(true);
    record.save(new Set(['one.yaml']), Date.now() + 10_000);
    expect(readdirSync(folder).sort()).toEqual(['dist', 'new.record', 'old.txt', 'recent.record', 'record']);
  });
});

describe('synth with an output record', () => {
  it('keeps the record in the project’s cache folder, and still finds and replaces a hand edit that keeps the size', async () => {
    const root = mkdtempSync(join(tmpdir(), 'output-record-synth-'));
    const out = join(root, 'dist');
    const fresh = join(root, 'fresh');
    for (const dir of [fresh, out]) expect(runSynth(['--out', dir, '--quiet']).status).toBe(0);
    // Past the racy time of the files just written: the next synth records them.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(runSynth(['--out', out, '--quiet']).status).toBe(0);
    const file = recordFile(out, projectRoot);
    expect(file).toBeDefined();
    const lines = readFileSync(file as string, 'utf8')
      .trimEnd()
      .split('\n');
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(lines.length - 2).toBe(files.length);
    // Nothing in or beside the output; an output written once (nothing proven yet) has no record.
    expect(readdirSync(root).sort()).toEqual(['dist', 'fresh']);
    expect(recordFile(fresh, projectRoot)).not.toBe(file);
    // The same size, another content.
    const edited = join(out, 'manifests', 'dev', readdirSync(join(out, 'manifests', 'dev'))[0]);
    const manifest = join(edited, readdirSync(edited).sort()[0]);
    const text = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, text.replace('apiVersion', 'apiVersioN'));
    const result = runSynth(['--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/objects 0 added, 1 changed, 0 removed/);
    expect(readFileSync(manifest, 'utf8')).toBe(text);
    for (const entry of files) {
      const path = join(entry.parentPath, entry.name).slice(out.length);
      expect(readFileSync(join(out, path), 'utf8'), path).toBe(readFileSync(join(fresh, path), 'utf8'));
    }
  });
});
