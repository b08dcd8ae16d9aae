/**
 * Generated text (lib/template/text.ts) renders the same in JavaScript and with the real Helm 3 and
 * Helm 4: interpolated text filled with any values, precomputed text for the releases it was built
 * for; and both fail loudly where they cannot render what the builder would.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Scope, engineHelpers, release } from '../../../lib/template/expr';
import { evaluateManifest } from '../../../lib/template/evaluate';
import { type Node, refs } from '../../../lib/template/manifest';
import { interpolatedText, precomputedText, textHelpers } from '../../../lib/template/text';
import { writeTemplate } from '../../../lib/template/yaml-writer';
import { helm, helmTemplate, helmVersions } from '../../support/helm';

interface Values {
  ratio: number;
  window: string;
  team: string;
  receivers: Array<{ name: string; channel: string }>;
  labels: Record<string, string>;
  enabled: boolean;
}

const v = refs<Values>();
const base: Values = {
  ratio: 0.05,
  window: '5m',
  team: 'core',
  receivers: [{ name: 'slack', channel: '#alerts' }],
  labels: { cluster: 'eu-1' },
  enabled: true,
};

const scope = (values: Values): Scope => ({
  values,
  release: { name: 'rel', namespace: 'ns', service: 'Helm' },
  chart: { name: 'demo', version: '0.1.0', appVersion: '1.0' },
  vars: new Map(),
});

type Input = { ratio: number; window: string; team: string; receivers: Values['receivers']; labels: Record<string, string>; namespace: string; enabled: boolean };
const build = (i: Input) => ({
  groups: [
    {
      name: `errors-${i.team}`,
      rules: [
        {
          alert: 'HighErrorRate',
          expr: `sum(rate(http_requests_total{code=~"5..", namespace="${i.namespace}"}[${i.window}]))\n  / sum(rate(http_requests_total[${i.window}]))\n  > ${i.ratio}\n`,
          for: i.window,
          labels: { severity: 'critical', team: i.team, ...i.labels },
          annotations: { summary: 'Errors above {{ $value }} for ${i.ratio}', ratio: i.ratio, on: i.enabled },
        },
      ],
    },
  ],
  receivers: i.receivers.map((r) => ({ name: r.name, slack_configs: [{ channel: r.channel, title: `[${r.name}] {{ .CommonLabels.alertname }}` }] })),
});

const input = { ratio: v.ratio, window: v.window, team: v.team, receivers: v.receivers, labels: v.labels, namespace: release.namespace, enabled: v.enabled };
const yamlText = interpolatedText({ name: 'test rules', format: 'yaml', input, build, shape: scope(base) });
const jsonText = interpolatedText({ name: 'test dashboard', format: 'json', input, build, shape: scope(base) });
const cases: Array<{ name: string; values: Values }> = [
  { name: 'defaults', values: base },
  {
    name: 'special characters and other numbers',
    values: { ratio: 1e-7, window: '1h', team: 'a "quoted" <team> & co: #1', receivers: [{ name: 'pager\\duty', channel: 'x\ny' }], labels: { cluster: 'on-call: yes' }, enabled: false },
  },
];

const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(6))}%`;
const computedText = precomputedText({
  name: 'computed',
  format: 'yaml',
  input: { ratio: v.ratio, team: v.team },
  build: (i) => ({ description: `threshold ${percent(i.ratio)}`, team: i.team }),
  releases: cases.map((c) => scope(c.values)),
});
const tree: Node = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x' },
  data: { 'rules.yaml': yamlText, 'dashboard.json': jsonText, 'computed.yaml': computedText },
};

function renderWithHelm(binary: string, values: Values): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'text-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), stringify(values));
  writeFileSync(join(dir, 'templates', 'object.yaml'), writeTemplate(tree, { chartName: 'demo' }));
  writeFileSync(join(dir, 'templates', '_helpers.tpl'), `${engineHelpers('demo')}\n${textHelpers('demo')}`);
  const docs = helmTemplate(binary, ['rel', dir, '--namespace', 'ns']);
  return docs[0] as Record<string, unknown>;
}

function helmError(binary: string, values: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'text-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), stringify(values));
  writeFileSync(join(dir, 'templates', 'object.yaml'), writeTemplate(tree, { chartName: 'demo' }));
  writeFileSync(join(dir, 'templates', '_helpers.tpl'), `${engineHelpers('demo')}\n${textHelpers('demo')}`);
  const result = helm(binary, ['template', 'rel', dir, '--namespace', 'ns']);
  expect(result.status).not.toBe(0);
  return result.stderr;
}

describe.each(helmVersions)('$label fills interpolated text like JavaScript', ({ binary }) => {
  it.each(cases)('$name', ({ values }) => {
    expect(renderWithHelm(binary, values)).toEqual(evaluateManifest(tree, scope(values)));
  });

  it('fails when a list has another length than the chart was generated for', () => {
    const stderr = helmError(binary, { ...base, receivers: [...base.receivers, { name: 'b', channel: 'c' }] });
    expect(stderr).toContain('receivers: expected 1 items, got 2 items');
  });

  it('fails when a value inside a multi-line text has a line break', () => {
    expect(helmError(binary, { ...base, window: '5m\n' })).toContain('window: expected a single line');
  });

  it('fails when precomputed text was not generated for the values', () => {
    expect(helmError(binary, { ...base, ratio: 0.2 })).toContain('computed: these values match none of the environments the chart was generated for');
  });
});

describe('interpolated text in JavaScript', () => {
  it('parses to what the builder makes of the values, keeping values readable in the text', () => {
    const text = evaluateManifest(yamlText, scope(base)) as string;
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(build({ ...base, namespace: 'ns' }))));
    expect(text).toContain('expr: |\n');
    expect(text).toContain('  > 0.05\n');
    expect(JSON.parse(evaluateManifest(jsonText, scope(base)) as string)).toEqual(JSON.parse(JSON.stringify(build({ ...base, namespace: 'ns' }))));
  });

  it('writes the values into the Helm template, not the default values', () => {
    const template = writeTemplate(tree, { chartName: 'demo' });
    expect(template).toContain('(include "demo.line" (list $.Values.ratio "ratio"))');
    expect(template).toContain('(toJson (index (index $.Values.receivers 0) "name"))');
    expect(template).not.toContain('0.05');
  });

  it('refuses arithmetic on a value', () => {
    const scaled = interpolatedText({ name: 'scaled', format: 'yaml', input: { ratio: v.ratio }, build: (i) => ({ percent: i.ratio * 100 }), shape: scope(base) });
    expect(() => scaled.evaluate(scope(base))).toThrow('scaled: the text filled with this release\'s values differs from the builder\'s output at percent (expected 5, written "NaN")');
  });

  it('refuses branching on a value', () => {
    const branching = interpolatedText({ name: 'branching', format: 'yaml', input: { on: v.enabled }, build: (i) => ({ mode: i.on ? 'on' : 'off' }), shape: scope(base) });
    expect(() => branching.evaluate(scope({ ...base, enabled: false }))).toThrow('at mode (expected "off", written "on")');
  });

  it('refuses an altered marker', () => {
    expect(() => interpolatedText({ name: 'upper', format: 'yaml', input: { team: v.team }, build: (i) => ({ team: i.team.toUpperCase() }), shape: scope(base) })).toThrow(
      'upper: the builder altered a value marker',
    );
  });

  it('precomputes text for the releases it knows, and refuses other values', () => {
    expect(parse(computedText.evaluate(scope(base)))).toEqual({ description: 'threshold 5%', team: 'core' });
    expect(() => computedText.evaluate(scope({ ...base, ratio: 0.2 }))).toThrow('computed: these values match none of the environments');
  });

  it('refuses a list of another length than the default values', () => {
    expect(() => yamlText.evaluate(scope({ ...base, receivers: [] }))).toThrow('receivers: expected 1 items, got 0 items');
  });
});
