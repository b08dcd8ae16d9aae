/**
 * What a run writes does not depend on how much it prints; an output this user cannot replace is
 * refused before anything moves, and the next run is not blocked; special files (FIFOs, devices, /proc)
 * are refused by type, never opened, by every command.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/helm';
import { runSynth } from '../support/synth-cli';

/** Every file under dir (relative paths) with its bytes. */
function readTree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name));
  }
  return out;
}

const root = mkdtempSync(join(tmpdir(), 'output-safety-'));
cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
afterAll(() => {
  spawnSync('chmod', ['-R', 'u+rwX', root]);
  rmSync(root, { recursive: true, force: true });
});

describe('--quiet', () => {
  it('writes the same bytes as a run that prints its summary (the network pictures included)', () => {
    const loud = runSynth(['--out', 'loud'], root);
    const quiet = runSynth(['--out', 'quiet', '--quiet'], root);
    expect([loud.status, quiet.status]).toEqual([0, 0]);
    expect(quiet.stdout).toBe('');
    const written = readTree(join(root, 'loud'));
    expect(Object.keys(written).filter((path) => path.endsWith('network.svg'))).toHaveLength(3);
    expect(readTree(join(root, 'quiet'))).toEqual(written);
    // And over an earlier output: --quiet changes nothing that a loud run would leave.
    expect(runSynth(['--out', 'loud', '--quiet'], root).status).toBe(0);
    expect(readTree(join(root, 'loud'))).toEqual(written);
  });
});

/**
 * Runs the synth as another user when this one is root (who may write anything), so that an output
 * owned by root is really not writable; otherwise takes the write permission away (chmod).
 */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
function synthAsUser(args: readonly string[], cwd: string) {
  const result = spawnSync(process.execPath, [join(projectRoot, 'build', 'main.js'), ...args], { cwd, encoding: 'utf8', ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('an output this user cannot replace', () => {
  it('is refused before anything moves, with the folder and what to do; once given back, the next run works', () => {
    const project = join(root, 'project');
    cpSync(join(root, 'values'), join(project, 'values'), { recursive: true });
    // A project folder of this user (or of `nobody`), holding a dist/ made by root (as after `sudo npm run synth`) or made read-only.
    expect(runSynth(['--values', join(project, 'values'), '--out', join(project, 'dist'), '--quiet'], root).status).toBe(0);
    for (const dir of [root, project, join(project, 'values')]) chmodSync(dir, 0o755);
    if (asRoot) chownSync(project, NOBODY, NOBODY);
    else spawnSync('chmod', ['-R', 'a-w', join(project, 'dist')]);
    const before = readTree(join(project, 'dist'));

    const refused = synthAsUser([], project);
    expect(refused.stdout).toBe('');
    const user = asRoot ? NOBODY : process.getuid?.();
    const owner = statSync(join(project, 'dist')).uid;
    expect(refused.stderr.trim()).toBe(
      `synth: cannot replace dist/: dist/ is not writable by this user (uid ${user}; it belongs to uid ${owner}, mode ${asRoot ? '755' : '555'}), and its entries are replaced; nothing was changed. ` +
        `Give it back to this user (sudo chown -R ${user}:${asRoot ? NOBODY : process.getgid?.()} dist), or remove it (sudo rm -rf dist), or choose another output folder (--out), then run again`,
    );
    expect(refused.status).toBe(1);
    // Nothing moved, nothing left beside it.
    expect(readTree(join(project, 'dist'))).toEqual(before);
    expect(readdirSync(project).sort()).toEqual(['dist', 'values']);

    // Given back as the message says: the next run works (no leftover blocks it).
    if (asRoot) spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, join(project, 'dist')]);
    else spawnSync('chmod', ['-R', 'u+w', join(project, 'dist')]);
    const next = synthAsUser(['--quiet'], project);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(readdirSync(project).sort()).toEqual(['dist', 'values']);
  });

  it('a folder inside the output that is not writable is named', () => {
    const project = join(root, 'inner');
    expect(runSynth(['--out', join(project, 'dist'), '--quiet'], root).status).toBe(0);
    for (const dir of [root, project]) chmodSync(dir, 0o755);
    const inner = join(project, 'dist', 'manifests', 'dev');
    if (asRoot) {
      spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, project]);
      chownSync(inner, 0, 0);
    } else chmodSync(inner, 0o555);
    const refused = synthAsUser(['--values', join(root, 'values'), '--out', 'dist'], project);
    expect(refused.stderr).toMatch(
      /^synth: cannot replace dist\/: dist\/manifests\/dev\/ is not writable by this user \(uid \d+; it belongs to uid \d+, mode \d+\), and its entries are replaced; nothing was changed\. /,
    );
    expect(refused.status).toBe(1);
    expect(readdirSync(project)).toEqual(['dist']);
  });
});

describe('an output folder this user cannot read', () => {
  it('is refused with one line naming it and its owner, exit 1, no stack trace', () => {
    const project = join(root, 'unreadable');
    const out = join(project, 'dist');
    mkdirSync(join(out, 'manifests'), { recursive: true });
    for (const dir of [root, join(root, 'values'), project]) chmodSync(dir, 0o755);
    // Listable by nobody but its owner... and not even by its owner: no read permission (root reads anyway, hence the other user).
    chmodSync(out, 0o333);
    const refused = synthAsUser(['--values', join(root, 'values'), '--out', out], project);
    const user = asRoot ? NOBODY : process.getuid?.();
    expect(refused.stderr.split('\n')[0]).toBe(
      `synth: --out dist: cannot be read by this user (EACCES; uid ${user}, it belongs to uid ${statSync(out).uid}, mode 333); give it back to this user or choose another output folder (--out)`,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(refused.status).toBe(1);
    chmodSync(out, 0o755);
  });
});

describe('special files are refused by type, never opened, by every command', () => {
  const fifo = join(root, 'fifo.yaml');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  /** Runs a compiled entry with a time limit: a stall would be killed (signal SIGTERM). */
  const run = (entry: string, args: readonly string[]) => {
    const result = spawnSync(process.execPath, [join(projectRoot, 'build', `${entry}.js`), ...args], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
  };

  it.each([
    [
      'synth --out under /proc',
      'main',
      ['--values', 'values', '--out', '/proc/synth-out'],
      /^synth: --out \/proc\/synth-out: on the proc file system, which holds views of the kernel, not files; choose another --out$/m,
    ],
    ['synth --out a FIFO', 'main', ['--out', fifo], /^synth: --out .*fifo\.yaml: not a regular file \(a FIFO\); choose another --out$/m],
    ['synth --values a FIFO', 'main', ['--values', fifo, '--out', join(root, 'unused')], /^synth: --values .*fifo\.yaml: not a regular file \(a FIFO\)$/m],
    ['package --out under /proc', 'package', ['--out', '/proc/packages'], /^package: cannot write \/proc\/packages\/: on the proc file system/m],
    ['package --dist a FIFO', 'package', ['--dist', fifo], /^package: --dist .*fifo\.yaml\/: not a regular file \(a FIFO\)$/m],
    ['validate a FIFO', 'validate', ['--no-policy', fifo], /^.*fifo\.yaml: not a regular file \(a FIFO\)$/m],
    ['validate a file under /proc', 'validate', ['--no-policy', '/proc/self/status'], /^\/proc\/self\/status: on the proc file system, which holds views of the kernel, not files$/m],
    ['diff --dir a FIFO', 'diff', ['dev', 'production', '--dir', fifo], /^diff: .*fifo\.yaml: not a regular file \(a FIFO\)$/m],
    ['check-upgrade --current a FIFO', 'check-upgrade', ['--current', fifo], /^check-upgrade: .*fifo\.yaml: not a regular file \(a FIFO\)$/m],
    ['check-upgrade a previous output under /proc', 'check-upgrade', ['/proc/self'], /^check-upgrade: \/proc\/self: on the proc file system/m],
  ])('%s', (_name, entry, args, message) => {
    const result = run(entry as string, args as string[]);
    expect(result.signal).toBeNull(); // not killed by the time limit: nothing blocked
    expect(result.output).toMatch(message as RegExp);
    expect(result.status).not.toBe(0);
    expect(existsSync('/proc/synth-out')).toBe(false);
  });
});
