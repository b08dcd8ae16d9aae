/**
 * The manifest types catch a real misspelling: a copy of lib/app/pod-template.ts with
 * `terminationGracePeriodSeconds` misspelled fails the real `tsc --noEmit`, naming the field.
 * The copy sits beside the original (so that its imports resolve), under a `.vitest-` name (ignored
 * by git and by tsconfig's wildcards), with a tsconfig that extends the project's and checks only it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const tag = `.vitest-typecheck-${process.pid}`;
const copy = join(root, 'lib', 'app', `${tag}-pod-template.ts`);
const tsconfig = join(root, `${tag}.tsconfig.json`);

afterAll(() => {
  rmSync(copy, { force: true });
  rmSync(tsconfig, { force: true });
});

function typecheck(source: string): { status: number | null; output: string } {
  writeFileSync(copy, source);
  writeFileSync(tsconfig, JSON.stringify({ extends: './tsconfig.json', include: [], files: [copy] }));
  const result = spawnSync(tsc, ['--noEmit', '-p', tsconfig], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('manifest types', () => {
  const workload = readFileSync(join(root, 'lib', 'app', 'pod-template.ts'), 'utf8');

  it('reject a misspelled field of the pod template in lib/app/pod-template.ts (the Deployment’s and the Rollout’s), naming it', () => {
    const misspelled = workload.replace('terminationGracePeriodSeconds:', 'terminationGracePeriodSecond:');
    expect(misspelled).not.toBe(workload);
    const { status, output } = typecheck(misspelled);
    expect(status).not.toBe(0);
    expect(output).toMatch(new RegExp(`${tag}-pod-template\\.ts\\(\\d+,\\d+\\): error TS\\d+:`));
    expect(output).toContain('terminationGracePeriodSecond: no such field here');
  }, 120_000);

  it('accept the file as it is (the same check passes without the misspelling)', () => {
    const { status, output } = typecheck(workload);
    expect(output).toBe('');
    expect(status).toBe(0);
  }, 120_000);
});
