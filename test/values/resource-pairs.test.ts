/**
 * Requests at most limits for every container's resources of the values (issue 19 §1, "requests at most
 * limits"): found in the schemas (lib/values/resource-pairs.ts), so the backups' and restore drills'
 * Jobs and every component of the monitoring stack are held to it as the application container was. The
 * API server refuses a container whose request exceeds its limit (ValidateResourceRequirements); synth
 * refuses it at the values path with file and line, and the charts with the same words (Helm 3 and 4).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MonitoringValuesSchema } from '../../lib/monitoring/values-schema';
import { resourcePairPaths } from '../../lib/values/resource-pairs';
import { AppValuesSchema } from '../../lib/values/schema';
import { distDir } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'resource-pairs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const APP_PATHS = resourcePairPaths(AppValuesSchema);
const MONITORING_PATHS = resourcePairPaths(MonitoringValuesSchema);

/** `tree` with `value` set at each of `paths`. */
function withEach(paths: readonly string[][], value: unknown): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const path of paths) {
    let node = tree;
    for (const key of path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return tree;
}

/** A request over its limit, in cpu. */
const OVER = { requests: { cpu: '3' }, limits: { cpu: '2' } };
const message = (path: readonly string[]) => `${[...path, 'requests', 'cpu'].join('.')}: expected at most the limit (2), got 3`;

it('finds the containers of every kind in the schemas', () => {
  expect(APP_PATHS.map((p) => p.join('.'))).toEqual(expect.arrayContaining(['resources', 'migration.resources', 'waitForDependencies.resources', 'backups.resources', 'backups.drill.resources']));
  expect(MONITORING_PATHS.map((p) => p.join('.'))).toEqual(
    expect.arrayContaining(['prometheus.resources', 'alertmanager.resources', 'grafana.resources', 'loki.resources', 'tracing.collector.resources', 'tracing.tempo.resources', 'postgresExporter.resources']),
  );
});

describe('synth refuses each, at its values path with file and line', () => {
  it.each([
    ['the application chart', { applications: { worker: withEach(APP_PATHS, OVER) } }, APP_PATHS.map((p) => ['applications', 'worker', ...p])],
    ['the monitoring chart', { monitoring: withEach(MONITORING_PATHS, OVER) }, MONITORING_PATHS.map((p) => ['monitoring', ...p])],
  ])('%s', (_, overlay, paths) => {
    const dir = join(scratch, `values-${Math.random().toString(36).slice(2)}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    writeFileSync(join(dir, 'qa.yaml'), stringify({ prerequisites: { secrets: { 'worker-qa': { 'worker-redis': { keys: ['password'] } } } }, ...overlay }, { aliasDuplicateObjects: false }));
    const problems = synthProblems(dir).map((line) => line.replace(/^.*?values-\w+\//, 'values/'));
    for (const path of paths) {
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^values/qa\\.yaml:\\d+:\\d+: ${message(path).replace(/[.()]/g, '\\$&')}$`)));
    }
    expect(problems).toHaveLength(paths.length);
  });
});

describe('a request or limit that is no quantity', () => {
  // Found by bench/faults.mjs: the comparison parsed what the schema refuses and synth stopped with an
  // unlocated `"[object Object]" is not a Kubernetes quantity` (the monitoring chart's resources). The
  // schema's problem, located, is the answer.
  const cases = [{ a: 1 }, '', '{{ .Release.Name }}', 'ü-é-中'].flatMap((value) => [
    ['monitoring.prometheus.resources', { monitoring: { prometheus: { resources: { requests: { cpu: value }, limits: { cpu: '1' } } } } }, value] as const,
    ['applications.worker.resources', { applications: { worker: { resources: { requests: { cpu: value }, limits: { cpu: '1' } } } } }, value] as const,
  ]);
  it.each(cases)('%s.requests.cpu %j: one located problem from the schema, no internal message', (path, overlay) => {
    const dir = join(scratch, `values-${Math.random().toString(36).slice(2)}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    writeFileSync(join(dir, 'qa.yaml'), stringify({ prerequisites: { secrets: { 'worker-qa': { 'worker-redis': { keys: ['password'] } } } }, ...overlay }));
    const problems = synthProblems(dir);
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) expect(line).toMatch(new RegExp(`qa\\.yaml:\\d+:\\d+: ${path.replace(/\./g, '\\.')}\\.requests\\.cpu: `));
    expect(problems.join('\n')).not.toContain('is not a Kubernetes quantity');
  });
});

describe.each(helmVersions)('$label refuses each with synth’s words', ({ binary }) => {
  const template = (chart: string, values: Record<string, unknown>) => {
    const file = join(scratch, `${chart}-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, stringify(values, { aliasDuplicateObjects: false }));
    const dir = join(distDir, 'helm', chart);
    const namespace = chart === 'monitoring' ? 'monitoring' : `${chart}-production`;
    return helm(binary, ['template', chart, dir, '-n', namespace, '-f', join(dir, 'values-production.yaml'), '-f', file]);
  };
  it.each([...APP_PATHS.map((p) => ['worker', p] as const), ...MONITORING_PATHS.map((p) => ['monitoring', p] as const)])('%s: %s', (chart, path) => {
    const result = template(chart, withEach([path], OVER));
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')[0].replace(/^Error: execution error at \([^)]*\): /, '')).toBe(message(path));
  });
});
