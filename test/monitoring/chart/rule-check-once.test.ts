/**
 * The rules written in values are checked once per synth, by the main thread, before any chart is
 * released: the helper thread that takes the monitoring chart's job (charts/platform.ts) does not
 * check them again, so promtool runs once and its "not found" note is printed once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the benchmark, without types
import { generateValues } from '../../../bench/generate.mjs';
import { loadMonitoringReleases } from '../../../lib/monitoring/stack/synth';
import { namespaceOf } from '../../../lib/synth/synthesize';
import { loadEnvironment } from '../../../lib/values/load';
import { ValuesError } from '../../../lib/values/problems';
import { runSynth } from '../../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const NO_RULES = '  rules:\n    disabled: {}\n    groups: []\n';

/** Values of `applications` generated applications whose base.yaml holds the rule group `group` (YAML lines under `groups:`). */
function valuesWithRules(applications: number, group: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rule-check-once-')), 'values');
  roots.push(dir);
  generateValues(applications, dir);
  const base = join(dir, 'base.yaml');
  const text = readFileSync(base, 'utf8');
  expect(text).toContain(NO_RULES);
  writeFileSync(base, text.replace(NO_RULES, `  rules:\n    disabled: {}\n    groups:\n${group}`));
  return dir;
}

const rule = (i: number, expr: string) =>
  `          - alert: Custom${i}\n            expr: ${expr}\n            for: 5m\n            priority: P2\n            annotations: { summary: s${i}, description: d${i} }\n`;

describe('rules written in values', () => {
  it('are checked unless the caller says another thread checked them', () => {
    const dir = valuesWithRules(2, `      - name: extra\n        rules:\n${rule(0, 'sum(rate(http_requests_total[5m]) > 1')}`);
    const base = loadEnvironment(dir, null);
    const environments = ['dev', 'staging', 'production'].map((env) => loadEnvironment(dir, env));
    const options = { version: '0.1.0', namespaceOf };
    expect(() => loadMonitoringReleases(base, environments, options)).toThrow(ValuesError);
    expect(loadMonitoringReleases(base, environments, { ...options, checkRules: false }).releases.map((r) => r.environment)).toEqual(['dev', 'staging', 'production']);
  });

  it('without promtool, give one note in a synth on two threads, whichever thread releases the monitoring chart', () => {
    // 20 applications: a helper thread; 400 rules: the main thread checks them before its first claim,
    // so the helper usually claims the monitoring chart (the note came twice then).
    const rules = Array.from({ length: 400 }, (_, i) => rule(i, `sum(rate(http_requests_total{job="api"}[5m])) > ${i + 1}`)).join('');
    const dir = valuesWithRules(20, `      - name: extra\n        rules:\n${rules}`);
    const out = join(dir, '..', 'dist');
    const result = runSynth(['--values', dir, '--out', out, '--quiet'], undefined, { env: { PATH: join(dir, 'no-such-folder'), PROMTOOL: '' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.match(/promtool not found/g)).toHaveLength(1);
  });
});
