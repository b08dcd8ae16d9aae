/**
 * Rules written in values (lib/monitoring/rules/extra-rules.ts): an application's own (`metrics.rules`)
 * and the platform's groups (`monitoring.rules.groups`) reach the rule file with the labels the routing
 * reads, the same from Helm 3 and 4 as in the plain manifests (operator mode: their own
 * PrometheusRule); promtool checks them at synth time and a problem names the values path; the rules a
 * schema cannot say are refused by synth and by the chart with the same words.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../../charts/platform';
import { checkRuleFiles } from '../../../lib/monitoring/rules/promtool-check';
import { type K8sObject, distDir, plainObjects } from '../../support/dist';
import { helm, helmTemplate, helmVersions } from '../../support/helm';
import { findBinary, runTool } from '../../support/processes';
import { synthProblems, valuesCopyWith } from '../../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type Rule = { alert?: string; record?: string; labels?: Record<string, string> };
const extraOf = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules') as K8sObject & { data: Record<string, string> }).data['extra.yaml'];
const groupsOf = (text: string) => (parse(text) as { groups: Array<{ name: string; interval?: string; rules: Rule[] }> }).groups;

/** A copy of the shipped chart with a synth's files, to render with Helm. */
function chartOf(files: Map<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'monitoring-chart-'));
  roots.push(dir);
  for (const [path, text] of files) {
    if (!path.startsWith('helm/monitoring/')) continue;
    const target = join(dir, path.slice('helm/monitoring/'.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return dir;
}

const PLATFORM_GROUP = `    groups:
      - name: shop.capacity
        interval: 1m
        rules:
          - record: namespace:http_requests:rate5m
            expr: sum by (namespace) (rate(http_requests_total[5m]))
          - alert: ShopTrafficDropped
            expr: sum(namespace:http_requests:rate5m) < 1
            for: 15m
            priority: P2
            component: application
            labels: { team: shop, severity: ignored }
            annotations: { summary: "Shop traffic dropped below 1 request a second" }
`;

describe("an application's own rules", () => {
  it('are its group application.<name> in every environment, alerts labelled for routing', () => {
    for (const env of ['dev', 'staging', 'production']) {
      const groups = groupsOf(extraOf(plainObjects(env, 'monitoring')));
      expect(groups.map((g) => g.name)).toEqual(['application.api']);
      const [record, alert] = groups[0].rules;
      expect(record).toEqual({ record: 'job_route:http_requests:rate5m', expr: 'sum by (namespace, job, route) (rate(http_requests_total{job="api"}[5m]))' });
      expect(alert.labels).toEqual({ priority: 'P1', severity: 'warning', component: 'application', environment: env });
      expect(alert).not.toHaveProperty('priority');
    }
  });

  it('are a file promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'extra-rules-'));
    roots.push(dir);
    writeFileSync(join(dir, 'extra.yaml'), extraOf(plainObjects('production', 'monitoring')));
    const result = runTool(findBinary('promtool'), ['check', 'rules', 'extra.yaml'], dir);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS: 2 rules found/);
  });

  it('are refused at their values path when promtool refuses them', () => {
    const values = valuesCopyWith(roots, 'base.yaml', (text) => text.replace('[15m])) == 0\n', '[15m])) == 0 +\n'));
    const problems = synthProblems(values);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/base\.yaml:\d+:\d+: applications\.api\.metrics\.rules\[1\]\.expr: promtool: could not parse expression: 1:\d+: parse error: unexpected end of input$/);
  });

  it('are parsed with the PromQL grammar where promtool is missing', () => {
    const path = process.env.PATH;
    const notes: string[] = [];
    try {
      process.env.PATH = '';
      const at = (rule?: number) => ({ environment: 'dev', path: ['metrics', 'rules', ...(rule === undefined ? [] : [rule])], prefixes: [['applications', 'api']] });
      const problems = checkRuleFiles([{ name: 'dev', text: 'groups: []\n', groups: [{ name: 'application.api', exprs: ['up == 1', 'sum(rate(x[5m])'], at }] }], (note) => notes.push(note));
      expect(problems).toEqual([
        { environment: 'dev', path: ['metrics', 'rules', 1, 'expr'], prefixes: [['applications', 'api']], message: 'could not parse expression at character 16 (PromQL grammar; promtool was not found)' },
      ]);
      expect(notes.join('')).toMatch(/promtool not found/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("the platform's rule groups", () => {
  const values = valuesCopyWith(roots, 'base.yaml', (text) => text.replace('    groups: []\n', PLATFORM_GROUP));
  const files = synthesize({ valuesDir: values });
  const plain = (env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);

  it('come before the applications’ groups, alerts labelled as the values say (component) and for routing', () => {
    const groups = groupsOf(extraOf(plain('staging')));
    expect(groups.map((g) => [g.name, g.interval])).toEqual([
      ['shop.capacity', '1m'],
      ['application.api', undefined],
    ]);
    expect(groups[0].rules[1].labels).toEqual({ team: 'shop', priority: 'P2', severity: 'info', component: 'application', environment: 'staging' });
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it('renders the same rule file, and in operator mode a PrometheusRule of their own', () => {
      const chart = chartOf(files);
      for (const env of ['dev', 'production']) {
        const rendered = helmTemplate(binary, ['monitoring', chart, '-f', join(chart, `values-${env}.yaml`), '-n', 'monitoring']) as K8sObject[];
        expect(extraOf(rendered), env).toBe(extraOf(plain(env)));
      }
      const operator = helmTemplate(binary, ['monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-n', 'monitoring', '--set', 'mode=operator']) as Array<K8sObject & { spec: unknown }>;
      expect(operator.find((o) => o.kind === 'PrometheusRule' && o.metadata.name === 'extra-rules')?.spec).toEqual(parse(extraOf(plain('dev'))));
    });

    it.each([
      [
        'a group named like the charts’',
        { rules: { groups: [{ name: 'platform.mine', rules: [{ record: 'a:b:c', expr: 'up' }] }] } },
        "rules.groups[0].name: application.* and platform.* are the charts' group names",
      ],
      [
        'a group defined twice',
        {
          rules: {
            groups: [
              { name: 'g', rules: [{ record: 'a:b:c', expr: 'up' }] },
              { name: 'g', rules: [{ record: 'a:b:d', expr: 'up' }] },
            ],
          },
        },
        'rules.groups[1].name: group g is defined twice',
      ],
      [
        'an alert without a priority',
        { rules: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0' }] }] } },
        'rules.groups[0].rules[0].priority: required for an alert (P0, P1 or P2: its severity and routing)',
      ],
      ['a rule both alert and record', { rules: { groups: [{ name: 'g', rules: [{ alert: 'A', record: 'a:b:c', expr: 'up' }] }] } }, 'rules.groups[0].rules[0]: expected exactly one of alert or record'],
      ['a recording rule with a for', { rules: { groups: [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', for: '5m' }] }] } }, 'rules.groups[0].rules[0].for: only applies to an alert'],
    ])('refuses %s, as synth does', (_name, overlay, message) => {
      const file = join(mkdtempSync(join(tmpdir(), 'extra-rules-values-')), 'values.json');
      roots.push(dirname(file));
      writeFileSync(file, JSON.stringify(overlay));
      const chart = join(distDir, 'helm', 'monitoring');
      const result = helm(binary, ['template', 'monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-f', file, '-n', 'monitoring']);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
      const synthed = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}  rules: ${JSON.stringify((overlay as { rules: unknown }).rules)}\n`);
      expect(synthProblems(synthed).join('\n')).toContain(`monitoring.${message}`);
    });

    // An application's rules given to the monitoring chart by hand (applications.<name>.rules), which
    // synth derives from the application's metrics.rules: the same refusals as there.
    it.each([
      ['an alert without a priority', { alert: 'A', expr: 'up == 0' }, 'priority: required for an alert (P0, P1 or P2: its severity and routing)'],
      ['a rule both alert and record', { alert: 'A', record: 'a:b:c', expr: 'up', priority: 'P1' }, ': expected exactly one of alert or record'],
      ['a recording rule with a for', { record: 'a:b:c', expr: 'up', for: '5m' }, 'for: only applies to an alert'],
      ['a recording rule with a priority', { record: 'a:b:c', expr: 'up', priority: 'P2' }, 'priority: only applies to an alert'],
    ])('refuses an application’s rule that is %s, as synth does', (_name, rule, message) => {
      const file = join(mkdtempSync(join(tmpdir(), 'extra-rules-values-')), 'values.json');
      roots.push(dirname(file));
      writeFileSync(file, JSON.stringify({ applications: { web: { rules: [rule] } } }));
      const chart = join(distDir, 'helm', 'monitoring');
      const result = helm(binary, ['template', 'monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-f', file, '-n', 'monitoring']);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`applications.web.rules[0]${message.startsWith(':') ? '' : '.'}${message}`);
      const synthed = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}\napplications:\n  web:\n    metrics: { rules: [${JSON.stringify(rule)}] }\n`);
      expect(synthProblems(synthed).join('\n')).toContain(`applications.web.metrics.rules[0]${message.startsWith(':') ? '' : '.'}${message}`);
    });
  });
});
