/**
 * The summary `npm run synth` ends with (lib/synth/summary.ts): objects added, changed and removed per
 * environment and chart against the previous output, after a values change; nothing with --quiet.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/helm';
import { runSynth } from '../support/synth-cli';

describe('synth summary', () => {
  const root = mkdtempSync(join(tmpdir(), 'summary-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const values = join(root, 'values');
  const out = join(root, 'dist');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });

  it('counts every object as added into an empty folder, then nothing after a run that changes nothing', () => {
    const first = runSynth(['--values', values, '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('  dev/api                          15 added, 0 changed, 0 removed\n');
    expect(first.stdout).toMatch(/synth: wrote .*dist\/ \(manifests\/, helm\/, environments\/\): 296 added, 0 changed, 0 removed, 0 unchanged\n$/);
    const again = runSynth(['--values', values, '--out', out]);
    expect(again.stdout).toMatch(/^synth: .*dist\/ unchanged \(296 objects in manifests\/\)\n$/);
  }, 30_000);

  it('after a values change: the changed, added and removed objects of each chart', () => {
    // dev: worker logs at info (its ConfigMap changes) and api gets a PodDisruptionBudget (added);
    // production: web loses its Ingress (removed).
    const dev = join(values, 'dev.yaml');
    writeFileSync(dev, `${readFileSync(dev, 'utf8')}\napplications:\n  worker: { logLevel: info }\n  api: { replicaCount: 2, pdb: { enabled: true, minAvailable: 1 } }\n`);
    const production = join(values, 'production.yaml');
    writeFileSync(production, readFileSync(production, 'utf8').replace('applications:\n', 'applications:\n  web:\n    ingress: { enabled: false }\n'));
    const result = runSynth(['--values', values, '--out', out]);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('  dev/worker '))).toMatch(/0 added, [1-9]\d* changed, 0 removed$/);
    expect(lines.find((l) => l.startsWith('  dev/api '))).toMatch(/1 added, [1-9]\d* changed, 0 removed$/);
    expect(lines.find((l) => l.startsWith('  production/web '))).toMatch(/0 added, \d+ changed, [1-9]\d* removed$/);
    // Applications of an environment whose values did not change are not listed.
    expect(lines.filter((l) => /^ {2}(staging\/(api|web|worker)|production\/(api|worker)|dev\/web) /.test(l))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^synth: wrote .*dist\/ \(manifests\/, helm\/, environments\/\): [1-9]\d* added, [1-9]\d* changed, [1-9]\d* removed, \d+ unchanged$/);
  }, 30_000);

  it('--quiet prints nothing', () => {
    const dev = join(values, 'dev.yaml');
    writeFileSync(dev, readFileSync(dev, 'utf8').replace('logLevel: info', 'logLevel: warn'));
    const result = runSynth(['--values', values, '--out', out, '--quiet']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
    expect(readFileSync(join(out, 'manifests', 'dev', 'worker', 'configmap.yaml'), 'utf8')).toContain('LOG_LEVEL: warn');
  }, 30_000);
});
