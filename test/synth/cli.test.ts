/**
 * The command line of the compiled synth (main.ts, lib/synth/command-line.ts): help, both option
 * spellings, refused mistakes (exit code 1, one message and the usage, no stack trace, the output
 * untouched).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSynth, scratchProject } from '../support/synth-cli';

const USAGE_LINE = /^usage: npm run synth -- \[--values DIR\] \[--out DIR\] \[--env NAME\[,NAME\.\.\.\]\]/;

/** Every file under dir (relative paths) with its content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

function expectRefused(result: { status: number; stdout: string; stderr: string }, message: RegExp) {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(USAGE_LINE);
}

describe('synth command line', () => {
  it('--help prints the usage and exits 0 without writing anything', () => {
    const project = scratchProject();
    for (const flag of ['--help', '-h']) {
      const result = runSynth([flag], project.root);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(USAGE_LINE);
      expect(result.stdout).toMatch(/--env NAME\[,NAME\.\.\.\] +only these environments/);
      expect(result.stderr).toBe('');
    }
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
  });

  it('--env=NAME works like --env NAME', () => {
    const project = scratchProject();
    expect(runSynth(['--env=dev', '--out', 'a'], project.root).status).toBe(0);
    expect(runSynth(['--env', 'dev', '--out', 'b'], project.root).status).toBe(0);
    const a = readTree(join(project.root, 'a'));
    expect(readdirSync(join(project.root, 'a', 'manifests'))).toEqual(['dev']);
    expect(readTree(join(project.root, 'b'))).toEqual(a);
  });

  it('refuses an unknown option and a positional argument', () => {
    const project = scratchProject();
    expectRefused(runSynth(['--output', 'x'], project.root), /^synth: unknown option --output$/);
    expectRefused(runSynth(['production'], project.root), /^synth: unexpected argument production \(options only\)$/);
    expectRefused(runSynth(['--env'], project.root), /^synth: --env needs a value$/);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
  });

  it('refuses --env into the default output, which would lose the other environments', () => {
    const project = scratchProject();
    expectRefused(
      runSynth(['--env', 'dev'], project.root),
      /^synth: --env writes only the environments listed, and dist\/ is replaced as a whole: the other environments would be deleted\. Preview into another folder \(--out \/tmp\/preview\), or run without --env$/,
    );
    expectRefused(runSynth(['--env', 'dev', '--out', 'dist'], project.root), /^synth: --env writes only the environments listed/);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
  });

  it('refuses an --out that is a regular file, and a missing --values folder', () => {
    const project = scratchProject();
    const file = join(project.root, 'out.yaml');
    writeFileSync(file, 'kind: Mine\n');
    expectRefused(runSynth(['--out', 'out.yaml'], project.root), /^synth: --out out\.yaml: not a folder \(the output folder is replaced as a whole; choose another --out\)$/);
    expect(readFileSync(file, 'utf8')).toBe('kind: Mine\n');
    expectRefused(runSynth(['--values', 'nowhere'], project.root), /^synth: --values nowhere: no such folder$/);
  });

  it('refuses an --out that would delete what synth did not write: the project, the values, a folder of other files', () => {
    const project = scratchProject();
    const before = readTree(project.root);
    expectRefused(runSynth(['--out', '.'], project.root), /^synth: --out \.: holds the working folder; the output folder is replaced as a whole: choose a folder of its own/);
    expectRefused(runSynth(['--out', '..'], project.root), /: holds the working folder;/);
    expectRefused(runSynth(['--out', 'values'], project.root), /^synth: --out values: holds the values \(values\);/);
    mkdirSync(join(project.root, 'precious'));
    writeFileSync(join(project.root, 'precious', 'notes.txt'), 'mine\n');
    expectRefused(runSynth(['--out', 'precious'], project.root), /^synth: --out precious: holds notes\.txt, which npm run synth did not write;/);
    expect(readTree(project.root)).toEqual({ ...before, [join('precious', 'notes.txt')]: 'mine\n' });
    // An earlier output (manifests/, helm/) and an empty folder are replaced.
    mkdirSync(join(project.root, 'empty'));
    expect(runSynth(['--out', 'empty'], project.root).status).toBe(0);
    expect(runSynth(['--out', 'empty'], project.root).status).toBe(0);
  });

  it('a values folder without any environment file is an error, not an empty output', () => {
    const project = scratchProject();
    for (const env of ['dev', 'production', 'staging']) rmSync(join(project.values, `${env}.yaml`));
    const result = runSynth([], project.root);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'values: no environment file: add one <env>.yaml per environment beside base.yaml (e.g. values/dev.yaml)',
      'synth: 1 problem(s) in the values; dist/ was not changed',
    ]);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
  });
});
