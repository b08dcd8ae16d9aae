/** lib/synth/output-listing.ts: one walk of the output, relative `/`-separated paths by kind. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
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
