/**
 * lib/synth/output-listing.ts and its use under the output lock (checkLockedOutput in
 * lib/synth/output-access.ts): one walk of the output, relative `/`-separated paths by kind, taken
 * after a killed run's output was put back.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeDirectoryInBackground } from '../../lib/synth/atomic-dir';
import { checkLockedOutput } from '../../lib/synth/output-access';
import { listOutput } from '../../lib/synth/output-listing';

const FILES = ['manifests/dev/api/deployment.yaml', 'manifests/dev/api/service.yaml', 'helm/api/Chart.yaml', 'README.md'];

let root: string;
let target: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'output-listing-'));
  target = join(root, 'dist');
});

function writeFiles(dir: string, paths: readonly string[]): void {
  for (const path of paths) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `${path}\n`);
  }
}

describe('listOutput', () => {
  it('lists files, folders and other entries by kind, relative and /-separated, links not followed', () => {
    writeFiles(target, FILES);
    symlinkSync(join(target, 'helm'), join(target, 'manifests', 'helm-link'));
    const listing = listOutput(target);
    expect(listing.error).toBeUndefined();
    expect([...listing.files].sort()).toEqual([...FILES].sort());
    expect([...listing.folders].sort()).toEqual(['helm', 'helm/api', 'manifests', 'manifests/dev', 'manifests/dev/api']);
    expect(listing.others).toEqual(['manifests/helm-link']);
  });

  it('gives the same paths for the folder named with a trailing slash or relative to the working folder', () => {
    writeFiles(target, FILES);
    const listing = listOutput(target);
    expect(listOutput(`${target}/`)).toEqual(listing);
    expect(listOutput(relative(process.cwd(), target))).toEqual(listing);
  });

  it('says why a folder cannot be listed, and lists nothing', () => {
    const missing = listOutput(target);
    expect((missing.error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect([missing.files, missing.folders, missing.others]).toEqual([[], [], []]);
  });
});

describe('checkLockedOutput', () => {
  it('lists the output as it is', () => {
    writeFiles(target, FILES);
    expect(checkLockedOutput(target)).toEqual(listOutput(target));
  });

  it('lists the output a run killed between the two renames left beside the missing target, once put back', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFiles(join(root, `.dist.previous-${dead}`), FILES);
    writeFiles(join(root, `.dist.staging-${dead}`), ['manifests/dev/api/deployment.yaml']);
    const listing = checkLockedOutput(target);
    expect(listing.error).toBeUndefined();
    expect([...listing.files].sort()).toEqual([...FILES].sort());
    expect(readdirSync(root)).toEqual(['dist']);
    // The writer takes it as the target's: nothing else produced, nothing written.
    const produce = (write: (path: string, content: string) => boolean) => {
      for (const path of FILES) write(path, `${path}\n`);
    };
    expect(await writeDirectoryInBackground(target, produce, { listing })).toBe('unchanged');
  });

  it('refuses a target that is a file, before anything beside it is touched', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(target, 'mine\n');
    writeFiles(join(root, `.dist.staging-${dead}`), FILES);
    expect(() => checkLockedOutput(target)).toThrow(/not a folder/);
    expect(readdirSync(root).sort()).toEqual([`.dist.staging-${dead}`, 'dist']);
  });
});
