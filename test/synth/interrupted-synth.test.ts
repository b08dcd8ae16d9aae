/**
 * A synth killed (SIGKILL) at each point of the output swap (lib/synth/atomic-dir.ts): the output is
 * at every instant complete, old or new, or, in the one instant between the two renames, absent with
 * the old output beside it; the next synth puts it back and removes every leftover. The compiled synth
 * kills itself at the point named by ATOMIC_DIR_TEST_CRASH (a hook for this test only).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, runSynth, scratchProject } from '../support/synth-cli';

/** Every file under dir (relative paths) with its content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

/** A project whose dist/ holds a full synth and a packaged chart (a kept output), and values changed since. */
function projectWithChange() {
  const project = scratchProject();
  expect(runSynth([], project.root).status).toBe(0);
  mkdirSync(join(project.out, 'helm', 'packages'), { recursive: true });
  writeFileSync(join(project.out, 'helm', 'packages', 'api-0.1.0.tgz'), 'package');
  const old = readTree(project.out);
  const production = join(project.values, 'production.yaml');
  edit(production, (t) => t.replace('  logLevel: warn\n', '  logLevel: error\n'));
  const undo = () => edit(production, (t) => t.replace('  logLevel: error\n', '  logLevel: warn\n'));
  // The new output, as an uninterrupted synth writes it elsewhere (plus the kept package).
  const fresh = join(project.root, '..', `${project.root.split('/').pop()}-fresh`);
  expect(runSynth(['--out', fresh], project.root).status).toBe(0);
  const changed = { ...readTree(fresh), 'helm/packages/api-0.1.0.tgz': 'package' };
  expect(changed).not.toEqual(old);
  return { ...project, old, changed, undo };
}

const crash = (root: string, point: string) => runSynth([], root, { env: { ATOMIC_DIR_TEST_CRASH: point } });
const leftovers = (root: string) =>
  readdirSync(root)
    .filter((name) => name.startsWith('.dist.'))
    .map((name) => name.replace(/-[0-9]+$/, '-<pid>'))
    .sort();

describe('a synth killed during the output swap', () => {
  it('between the two renames: dist/ is absent, the old output beside it; the next synth restores it', () => {
    const project = projectWithChange();
    const killed = crash(project.root, 'between-renames');
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(project.out)).toBe(false);
    // The killed run's lock and its record too (lib/synth/output-lock.ts): the next run takes them over.
    expect(leftovers(project.root)).toEqual(['.dist.lock', '.dist.lock.json', '.dist.previous-<pid>', '.dist.staging-<pid>']);

    // The values as they were: the restored output is already what they give, so it is left as it is.
    project.undo();
    const next = runSynth([], project.root);
    expect(next.status).toBe(0);
    expect(readTree(project.out)).toEqual(project.old);
    // The summary compares with the restored output, not with the missing one (every file "added").
    expect(next.stdout).toMatch(/^synth: dist\/ unchanged \(\d+ objects in manifests\/\)\n$/);
    expect(readdirSync(project.root).sort()).toEqual(['dist', 'values']);
  }, 30_000);

  it('before the swap: dist/ is the old output; the next synth removes the staging folder', () => {
    const project = projectWithChange();
    expect(crash(project.root, 'staged').signal).toBe('SIGKILL');
    expect(readTree(project.out)).toEqual(project.old);
    expect(leftovers(project.root)).toEqual(['.dist.lock', '.dist.lock.json', '.dist.staging-<pid>']);

    expect(runSynth([], project.root).status).toBe(0);
    expect(readTree(project.out)).toEqual(project.changed);
    expect(readdirSync(project.root).sort()).toEqual(['dist', 'values']);
  }, 30_000);

  it('after the swap: dist/ is the new output, kept outputs included; the next synth removes the old one', () => {
    const project = projectWithChange();
    expect(crash(project.root, 'swapped').signal).toBe('SIGKILL');
    expect(readTree(project.out)).toEqual(project.changed);
    expect(leftovers(project.root)).toEqual(['.dist.lock', '.dist.lock.json', '.dist.previous-<pid>']);

    const next = runSynth([], project.root);
    expect(next.status).toBe(0);
    expect(readTree(project.out)).toEqual(project.changed);
    expect(readdirSync(project.root).sort()).toEqual(['dist', 'values']);
  }, 30_000);
});
