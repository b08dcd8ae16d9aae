/**
 * Chart versions that order (lib/helm/chart-versions.ts, issue 22 §2): the committed charts have the
 * versions recorded in charts/versions.yaml for their content; other content gets an unreleased
 * SemVer pre-release above the recorded version (that chart only, the same for the same content), and
 * `npm run chart-versions` records the next version, which SemVer orders after the previous one. No
 * version names an environment (packages: package.test.ts, chart-repository.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../charts/platform';
import { VERSIONS_FILE, bumpChartVersions, chartDigests, chartVersionsText, readChartVersions } from '../../lib/helm/chart-versions';
import { distDir } from '../support/dist';
import { projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const root = mkdtempSync(join(tmpdir(), 'chart-version-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const versions = (files: Map<string, string>) =>
  Object.fromEntries([...files].filter(([path]) => /^helm\/[^/]+\/Chart\.yaml$/.test(path)).map(([path, text]) => [path.split('/')[1], (parse(text) as { version: string }).version]));

const recorded = readChartVersions(join(projectRoot, VERSIONS_FILE));

/** A copy of values/ where the worker's environment (and so its chart's content) differs. */
function changedWorker(): string {
  const dir = join(root, `values-${Math.random().toString(36).slice(2)}`);
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  const base = join(dir, 'base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace('    env:\n      QUEUE_NAME: orders\n', '    env:\n      QUEUE_NAME: orders-v2\n'));
  return dir;
}

it('the committed charts have the versions recorded for their content (else: npm run chart-versions)', () => {
  for (const chart of ['api', 'monitoring', 'web', 'worker']) {
    const chartDir = join(distDir, 'helm', chart);
    const { version } = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { version: string };
    expect(recorded.get(chart)?.version, `${chart}: run npm run chart-versions, then npm run synth`).toBe(version);
    expect(semver.prerelease(version), `${chart} ${version}: its content has no recorded version; run npm run chart-versions, then npm run synth`).toBeNull();
  }
});

// Each test synthesizes the whole platform two or three times: more than the 5 s default on a loaded machine.
it('other content gets an unreleased version above the recorded one, for that chart only, the same for the same content', { timeout: 60_000 }, () => {
  const before = versions(synthesize({ valuesDir: join(projectRoot, 'values') }));
  expect(Object.keys(before).sort()).toEqual([...recorded.keys()].sort());
  for (const [chart, version] of Object.entries(before)) expect(version).toBe(recorded.get(chart)?.version);

  const changed = changedWorker();
  const after = versions(synthesize({ valuesDir: changed }));
  expect(versions(synthesize({ valuesDir: changed }))).toEqual(after);
  expect({ ...after, worker: undefined }).toEqual({ ...before, worker: undefined });
  const worker = after.worker;
  expect(worker).toMatch(/^\d+\.\d+\.\d+-dev\.[0-9a-z]+$/);
  expect(semver.gt(worker, before.worker)).toBe(true);
  expect(semver.lt(worker, semver.inc(before.worker, 'patch') as string)).toBe(true);
});

it('npm run chart-versions records the next version of a changed chart, which orders after the previous one', { timeout: 60_000 }, () => {
  const changed = changedWorker();
  const files = synthesize({ valuesDir: changed });
  const { versions: next, changes } = bumpChartVersions(recorded, chartDigests(files));
  expect(changes).toEqual([{ chart: 'worker', from: recorded.get('worker')?.version, to: semver.inc(recorded.get('worker')?.version as string, 'patch') }]);
  const file = join(root, 'versions.yaml');
  writeFileSync(file, chartVersionsText(next));
  expect(readChartVersions(file)).toEqual(next);
  const released = versions(synthesize({ valuesDir: changed, chartVersionsFile: file }));
  expect(released.worker).toBe(next.get('worker')?.version);
  expect(semver.gt(released.worker, recorded.get('worker')?.version as string)).toBe(true);
  expect(semver.gt(released.worker, versions(files).worker)).toBe(true);
  // A minor or major bump of a chart named, even unchanged.
  const { changes: minor } = bumpChartVersions(next, chartDigests(files), new Map([['api', 'minor']]));
  expect(minor).toEqual([{ chart: 'api', from: recorded.get('api')?.version, to: semver.inc(recorded.get('api')?.version as string, 'minor') }]);
});

it('the command: --check fails on a chart without its version, and a run records it', { timeout: 60_000 }, () => {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), 'chart-versions'], { cwd: projectRoot, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [join(projectRoot, 'build', 'chart-versions.js'), ...args], { cwd, encoding: 'utf8' });
  expect(run(['--check'], projectRoot).status).toBe(0);
  const project = join(root, 'project');
  mkdirSync(join(project, 'charts'), { recursive: true });
  cpSync(join(projectRoot, VERSIONS_FILE), join(project, VERSIONS_FILE));
  const values = changedWorker();
  const check = run(['--check', '--values', values], project);
  expect(check.stderr).toBe(`chart-versions: worker: its content changed since ${recorded.get('worker')?.version}: run npm run chart-versions\n`);
  expect(check.status).toBe(1);
  const bump = run(['--values', values], project);
  expect(bump.stderr).toBe('');
  expect(bump.stdout.split('\n')[0]).toBe(`chart-versions: worker ${recorded.get('worker')?.version} -> ${semver.inc(recorded.get('worker')?.version as string, 'patch')}`);
  expect(run(['--check', '--values', values], project).status).toBe(0);
  expect(run(['--values', values, '--bogus'], project).stderr).toMatch(/^chart-versions: unknown option --bogus\nusage: /);
});

it('every Chart.yaml has the home, sources and icon of values/base.yaml, which only base.yaml sets', { timeout: 30_000 }, () => {
  const files = synthesize({ valuesDir: join(projectRoot, 'values') });
  const charts = [...files].filter(([path]) => /^helm\/[^/]+\/Chart\.yaml$/.test(path)).map(([, text]) => parse(text) as Record<string, unknown>);
  expect(charts.map((chart) => chart.name).sort()).toEqual(['api', 'monitoring', 'web', 'worker']);
  for (const chart of charts) {
    expect(chart).toMatchObject({
      home: 'https://github.com/example/platform-cdk8s#readme',
      sources: ['https://github.com/example/platform-cdk8s'],
      icon: 'https://raw.githubusercontent.com/example/platform-cdk8s/main/docs/icon.svg',
    });
  }
  // The icon is in the repository, where the URL points on its main branch.
  expect(readFileSync(join(projectRoot, 'docs', 'icon.svg'), 'utf8')).toMatch(/^<svg /);

  const values = join(root, 'links', 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const dev = join(values, 'dev.yaml');
  writeFileSync(dev, `${readFileSync(dev, 'utf8')}charts: { home: https://dev.example.com, sources: [https://dev.example.com], icon: https://dev.example.com/i.svg }\n`);
  const base = join(values, 'base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace(/^charts:\n( {2}.*\n)+/m, ''));
  expect(synthProblems(values)).toEqual([
    expect.stringMatching(/values\/base\.yaml: charts: required value is missing \(home, sources and icon of every Chart\.yaml\)$/),
    expect.stringMatching(/values\/dev\.yaml:\d+:\d+: charts: only in .*values\/base\.yaml: a chart's Chart\.yaml is the same in every environment$/),
  ]);
});
