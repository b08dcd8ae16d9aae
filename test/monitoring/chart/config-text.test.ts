/**
 * Text that reaches generated configuration (Prometheus rules and configuration, Alertmanager, Grafana,
 * Loki, Alloy) cannot carry a template: Prometheus annotations and Alertmanager fields are Go templates
 * themselves, so `{{x}}` in a value would break them (`promtool check rules`) or be executed. Every
 * string of the monitoring values refuses it, in synth and in the chart's schema with Helm 3 and 4.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MonitoringValuesSchema } from '../../../lib/monitoring/values-schema';
import { checkAgainstSchema } from '../../../lib/values/schema-check';
import { helm, helmVersions, projectRoot } from '../../support/helm';
import { edit, runSynth, scratchProject } from '../../support/synth-cli';
import { monitoringValuesOf } from './support';

type Leaf = { path: (string | number)[]; value: string };

function stringLeaves(node: unknown, path: (string | number)[] = []): Leaf[] {
  if (typeof node === 'string') return [{ path, value: node }];
  if (Array.isArray(node)) return node.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

function withValue(root: unknown, path: (string | number)[], value: string): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/**
 * Rules written in values are Prometheus rules: their annotations and labels are templates Prometheus
 * expands by design (`{{ $labels.namespace }}`), their expressions PromQL that promtool checks at synth
 * time (test/monitoring/chart/extra-rules.test.ts); Helm writes them with toJson, never as a template.
 */
const isRuleText = (path: (string | number)[]) => (path[0] === 'applications' && path[2] === 'rules') || (path[0] === 'rules' && path[1] === 'groups');

describe('monitoring values and template text', () => {
  const values = monitoringValuesOf('production');
  const leaves = stringLeaves(values).filter((leaf) => !isRuleText(leaf.path));

  it('every string value refuses "{{x}}" wherever it is put (synth schema)', () => {
    expect(leaves.length).toBeGreaterThan(40);
    const accepted: string[] = [];
    for (const leaf of leaves) {
      for (const at of new Set([0, Math.floor(leaf.value.length / 2), leaf.value.length])) {
        const candidate = `${leaf.value.slice(0, at)}{{x}}${leaf.value.slice(at)}`;
        if (checkAgainstSchema(MonitoringValuesSchema, withValue(values, leaf.path, candidate)).length === 0) accepted.push(`${leaf.path.join('.')} = ${candidate}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('synth refuses a template in runbookBaseUrl (issue input) with its location', () => {
    const project = scratchProject();
    edit(join(project.values, 'base.yaml'), (t) => t.replace(/^ {2}runbookBaseUrl: .*$/m, '  runbookBaseUrl: "https://wiki.example.com/x?e={{x}}"'));
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^values\/base\.yaml:\d+:\d+: monitoring\.runbookBaseUrl: expected an http\(s\) URL without a trailing slash \(RFC 3986 characters only: no spaces, quotes, braces or backslashes\), got "https:\/\/wiki\.example\.com\/x\?e=\{\{x\}\}"$/m,
    );
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    const chartDir = join(projectRoot, 'dist', 'helm', 'monitoring');
    it.each([
      ['runbookBaseUrl', 'runbookBaseUrl', '{"runbookBaseUrl":"https://wiki.example.com/x?e={{x}}"}'],
      ['an email address', 'from', '{"alertmanager":{"email":{"from":"{{x}}@example.com"}}}'],
      ['a webhook URL', 'url', '{"alertmanager":{"webhook":{"url":"https://hooks.example.com/{{x}}"}}}'],
    ])('refuses a template in %s', (_what, field, json) => {
      const file = join(mkdtempSync(join(tmpdir(), 'config-text-')), 'values.yaml');
      writeFileSync(file, json); // JSON is YAML
      const result = helm(binary, ['template', 'monitoring', chartDir, '-n', 'monitoring', '-f', file]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
      expect(result.stderr).toMatch(new RegExp(`${field}.*(Does not match pattern|does not match pattern)`));
    });
  });
});
