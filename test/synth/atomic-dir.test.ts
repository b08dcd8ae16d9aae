/**
 * lib/synth/atomic-dir.ts: the output directory is replaced in one step, or not touched at all when
 * nothing differs; a failure leaves it as it was. Checked on the file system (contents, inodes,
 * leftovers), on the main thread and with the worker thread writing, and with the target listed by the
 * caller (as a synth does under its output lock: output-access.ts, checkLockedOutput) or here.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type WriteFile, writeDirectoryInBackground } from '../../lib/synth/atomic-dir';
import { checkLockedOutput } from '../../lib/synth/output-access';

const FILES: Record<string, string> = {
  'manifests/dev/api/deployment.yaml': 'kind: Deployment\n',
  'manifests/dev/api/service.yaml': 'kind: Service\n',
  'helm/api/Chart.yaml': 'name: api\n',
};

let root: string;
let target: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'atomic-dir-'));
  target = join(root, 'dist');
});

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Every file under dir (relative paths) with its content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

const inode = (path: string) => statSync(path).ino;
const produceAll =
  (files: Record<string, string>) =>
  (write: WriteFile): void => {
    for (const [path, content] of Object.entries(files)) write(path, content);
  };
/** Entries beside the target: a staging or previous directory left behind would show here. */
const besideTarget = () => readdirSync(root).sort();

for (const [inThreadFiles, listed] of [
  [400, false],
  [0, false],
  [400, true],
] as const) {
  describe(`${inThreadFiles === 0 ? 'written by the worker thread' : 'written on the main thread'}${listed ? ', the target listed by the caller' : ''}`, () => {
    const write = (produce: (write: WriteFile) => void, keep?: string[]) => writeDirectoryInBackground(target, produce, { keep, inThreadFiles, listing: listed ? checkLockedOutput(target) : undefined });

    it('creates a missing target', async () => {
      expect(await write(produceAll(FILES))).toBe('created');
      expect(readTree(target)).toEqual(FILES);
      expect(besideTarget()).toEqual(['dist']);
    });

    it('leaves an unchanged target untouched: same inodes, same modification times', async () => {
      writeTree(target, FILES);
      const before = Object.keys(FILES).map((p) => statSync(join(target, p)));
      const dirBefore = statSync(target);
      expect(await write(produceAll(FILES))).toBe('unchanged');
      const after = Object.keys(FILES).map((p) => statSync(join(target, p)));
      expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
      expect(statSync(target).ino).toBe(dirBefore.ino);
      expect(besideTarget()).toEqual(['dist']);
    });

    it('replaces a target where one file changed, linking the unchanged files', async () => {
      writeTree(target, FILES);
      const unchanged = inode(join(target, 'manifests/dev/api/deployment.yaml'));
      const changed = { ...FILES, 'manifests/dev/api/service.yaml': 'kind: Service\nspec: {}\n' };
      expect(await write(produceAll(changed))).toBe('replaced');
      expect(readTree(target)).toEqual(changed);
      expect(inode(join(target, 'manifests/dev/api/deployment.yaml'))).toBe(unchanged);
      expect(besideTarget()).toEqual(['dist']);
    });

    it('removes files and folders no longer produced', async () => {
      writeTree(target, { ...FILES, 'manifests/dev/old/configmap.yaml': 'kind: ConfigMap\n' });
      expect(await write(produceAll(FILES))).toBe('replaced');
      expect(readTree(target)).toEqual(FILES);

      mkdirSync(join(target, 'manifests/empty'));
      expect(await write(produceAll(FILES))).toBe('replaced');
      expect(readdirSync(join(target, 'manifests'))).toEqual(['dev']);
    });

    it('replaces a file that is a symbolic link, never writing through it', async () => {
      writeTree(target, FILES);
      const outside = join(root, 'outside.yaml');
      writeFileSync(outside, 'kind: Service\n');
      const service = join(target, 'manifests/dev/api/service.yaml');
      rmSync(service);
      symlinkSync(outside, service);
      expect(await write(produceAll(FILES))).toBe('replaced');
      expect(statSync(service).isFile()).toBe(true);
      expect(readTree(target)).toEqual(FILES);
      expect(readFileSync(outside, 'utf8')).toBe('kind: Service\n');
    });

    it('keeps the kept paths, changed or not, and ignores what they hold', async () => {
      writeTree(target, { ...FILES, 'helm/packages/api-0.1.0.tgz': 'package' });
      expect(await write(produceAll(FILES), [join('helm', 'packages')])).toBe('unchanged');
      const changed = { ...FILES, 'helm/api/Chart.yaml': 'name: api\nversion: 0.2.0\n' };
      expect(await write(produceAll(changed), [join('helm', 'packages')])).toBe('replaced');
      expect(readTree(target)).toEqual({ ...changed, 'helm/packages/api-0.1.0.tgz': 'package' });
    });

    it('keeps the last content of a path written twice, without changing the old file before the swap', async () => {
      writeTree(target, FILES);
      // A second name for the old file: it must still hold the old content after the run.
      const oldService = join(root, 'old-service.yaml');
      linkSync(join(target, 'manifests/dev/api/service.yaml'), oldService);
      const result = await write((w) => {
        produceAll(FILES)(w); // all unchanged so far: nothing staged
        w('manifests/dev/api/service.yaml', 'kind: Service\nspec: {}\n'); // then written again, differently
        w('manifests/dev/api/deployment.yaml', 'kind: Deployment\nspec: {}\n');
        w('manifests/dev/api/deployment.yaml', 'kind: Deployment\n'); // and back
      });
      expect(result).toBe('replaced');
      expect(readTree(target)).toEqual({ ...FILES, 'manifests/dev/api/service.yaml': 'kind: Service\nspec: {}\n' });
      expect(readFileSync(oldService, 'utf8')).toBe('kind: Service\n');
    });

    for (const when of ['while nothing differs', 'after a difference']) {
      it(`leaves the target as it was when producing fails ${when}`, async () => {
        writeTree(target, FILES);
        const inodes = Object.keys(FILES).map((p) => inode(join(target, p)));
        const failing = (w: WriteFile) => {
          w('manifests/dev/api/deployment.yaml', FILES['manifests/dev/api/deployment.yaml']);
          if (when === 'after a difference') {
            w('manifests/dev/api/service.yaml', 'kind: Changed\n');
            w('manifests/dev/api/new.yaml', 'kind: New\n');
          }
          throw new Error('bad values');
        };
        await expect(write(failing)).rejects.toThrow('bad values');
        expect(readTree(target)).toEqual(FILES);
        expect(Object.keys(FILES).map((p) => inode(join(target, p)))).toEqual(inodes);
        expect(besideTarget()).toEqual(['dist']);
      });
    }
  });
}

describe('leftovers of other runs', () => {
  /** The pid of a process that has exited. */
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

  it('restores the old output a run killed between the two renames left beside a missing target', async () => {
    const dead = deadPid();
    writeTree(join(root, `.dist.previous-${dead}`), FILES);
    writeTree(join(root, `.dist.staging-${dead}`), { ...FILES, 'helm/api/Chart.yaml': 'name: new\n' });
    expect(await writeDirectoryInBackground(target, produceAll(FILES))).toBe('unchanged');
    expect(readTree(target)).toEqual(FILES);
    expect(besideTarget()).toEqual(['dist']);
  });

  it('removes the staging and previous folders of dead runs, and leaves those of running processes', async () => {
    writeTree(target, FILES);
    const dead = deadPid();
    const running = process.ppid;
    for (const name of [`.dist.staging-${dead}`, `.dist.previous-${dead}`, `.dist.staging-${running}`, `.dist.previous-${running}`]) writeTree(join(root, name), FILES);
    expect(await writeDirectoryInBackground(target, produceAll(FILES))).toBe('unchanged');
    expect(besideTarget()).toEqual([`.dist.previous-${running}`, `.dist.staging-${running}`, 'dist'].sort());
  });

  it('refuses a target that is a regular file, leaving it as it is', async () => {
    writeFileSync(target, 'mine\n');
    await expect(writeDirectoryInBackground(target, produceAll(FILES))).rejects.toThrow(`${target} is not a directory`);
    expect(readFileSync(target, 'utf8')).toBe('mine\n');
    expect(besideTarget()).toEqual(['dist']);
  });

  it('links the kept outputs into the new output: the old output keeps them until the swap', async () => {
    writeTree(target, { ...FILES, 'helm/packages/api-0.1.0.tgz': 'package' });
    const packageInode = inode(join(target, 'helm/packages/api-0.1.0.tgz'));
    const changed = { ...FILES, 'helm/api/Chart.yaml': 'name: api\nversion: 0.2.0\n' };
    expect(await writeDirectoryInBackground(target, produceAll(changed), { keep: [join('helm', 'packages')] })).toBe('replaced');
    expect(inode(join(target, 'helm/packages/api-0.1.0.tgz'))).toBe(packageInode);
  });
});
