/**
 * Chart versions move with content (lib/helm/chart-files.ts): <base version>+<digest of the chart's
 * other files>. The same values give the same versions; a change to one application's values changes
 * that chart's version and no other; packages add the environment (package.test.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../charts/platform';
import { projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const root = mkdtempSync(join(tmpdir(), 'chart-version-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const versions = (files: Map<string, string>) =>
  Object.fromEntries([...files].filter(([path]) => /^helm\/[^/]+\/Chart\.yaml$/.test(path)).map(([path, text]) => [path.split('/')[1], (parse(text) as { version: string }).version]));

// Each test synthesizes the whole platform two or three times: more than the 5 s default on a loaded machine.
it('a chart’s version changes with its content, and only then', { timeout: 30_000 }, () => {
  const before = versions(synthesize({ valuesDir: join(projectRoot, 'values') }));
  expect(versions(synthesize({ valuesDir: join(projectRoot, 'values') }))).toEqual(before);
  for (const version of Object.values(before)) expect(version).toMatch(/^0\.1\.0\+[0-9a-f]{12}$/);

  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  const base = join(root, 'values', 'base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace('    env:\n      QUEUE_NAME: orders\n', '    env:\n      QUEUE_NAME: orders-v2\n'));
  const after = versions(synthesize({ valuesDir: join(root, 'values') }));
  expect(after.worker).not.toBe(before.worker);
  expect({ ...after, worker: undefined }).toEqual({ ...before, worker: undefined });
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
