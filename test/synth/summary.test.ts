/**
 * The summary `npm run synth` ends with (lib/synth/summary.ts): objects added, changed and removed per
 * environment and chart against the previous output, after a values change; nothing with --quiet.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../support/helm';
import { runSynth } from '../support/synth-cli';

/** Objects in the committed manifests of `folder` (under dist/manifests), one per YAML document. */
const committedObjects = (folder = ''): number =>
  readdirSync(join(projectRoot, 'dist', 'manifests', folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .reduce((sum, entry) => sum + parseAllDocuments(readFileSync(join(entry.parentPath, entry.name), 'utf8')).length, 0);

/** Files of the committed dist/ outside manifests/ (helm/ without its packages, environments/). */
const committedOtherFiles = (): number =>
  ['helm', 'environments']
    .flatMap((folder) => readdirSync(join(projectRoot, 'dist', folder), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && !entry.parentPath.split(sep).includes('packages')).length;

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
    const all = committedObjects();
    expect(first.stdout).toContain(`  ${'dev/api'.padEnd(32)} ${committedObjects('dev/api')} added, 0 changed, 0 removed\n`);
    expect(first.stdout).toMatch(
      new RegExp(`synth: wrote .*dist/: objects ${all} added, 0 changed, 0 removed, 0 unchanged; other files \\(helm/, environments/\\): ${committedOtherFiles()} added, 0 changed, 0 removed\n$`),
    );
    const again = runSynth(['--values', values, '--out', out]);
    expect(again.stdout).toMatch(new RegExp(`^synth: .*dist/ unchanged \\(${all} objects in manifests/\\)\n$`));
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
    expect(lines.at(-1)).toMatch(
      /^synth: wrote .*dist\/: objects [1-9]\d* added, [1-9]\d* changed, [1-9]\d* removed, \d+ unchanged; other files \(helm\/, environments\/\): \d+ added, [1-9]\d* changed, \d+ removed$/,
    );
  }, 30_000);

  it('a change to files other than manifests (a chart README here) is counted as such, not called unchanged', () => {
    const readme = join(out, 'helm', 'api', 'README.md');
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}edited by hand\n`);
    const result = runSynth(['--values', values, '--out', out]);
    expect(result.stdout).toMatch(/^synth: wrote .*dist\/: objects unchanged \(\d+ in manifests\/\); other files \(helm\/, environments\/\): 0 added, 1 changed, 0 removed\n$/);
    expect(readFileSync(readme, 'utf8')).not.toContain('edited by hand');
  });

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
