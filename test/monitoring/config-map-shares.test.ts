/**
 * What the values write into the monitoring stack's ConfigMaps fits them (issue 19 §1, "a ConfigMap over
 * 1 MiB"): the API server refuses a ConfigMap over 1 MiB (core validation ValidateConfigMap). Each values
 * file is at most 1 MiB, yet prometheus-rules carries the built-in alerts beside the values' rules, the
 * platform's groups and the applications' own, from several files; and prometheus-config carries the
 * extra scrape jobs as JSON, longer than the YAML they were written in, beside the stack's own jobs.
 * Synth refuses each at its values path, with file and line; the monitoring chart refuses it with the
 * same words (Helm 3 and 4); the stack's own parts stay within the room kept for them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BUILT_IN_RULES_BUDGET } from '../../lib/monitoring/rules/extra-rules';
import { BUILT_IN_CONFIG_BUDGET } from '../../lib/monitoring/stack/extra-scrape-configs';
import { distDir, environments } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'rules-size-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `count` alerts of about 3 KB each (a long description), named `<prefix><i>`. */
const alerts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ alert: `${prefix}${i}`, expr: 'vector(1) > 2', for: '5m', priority: 'P2', annotations: { summary: 's', description: 'x'.repeat(3000) } }));

const MESSAGE =
  /the rules written in values \(monitoring\.rules\.groups and the applications’ metrics\.rules\) make a rule file of \d+ bytes; the ConfigMap prometheus-rules holds it beside the built-in alerts and is at most 1048576 bytes \(1 MiB\), 131072 of them kept for the built-in alerts: at most 917504$/;

let copies = 0;
function valuesWith(files: Record<string, unknown>): string {
  const dir = join(scratch, `values-${copies++}`);
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), stringify(content, { lineWidth: 0, collectionStyle: 'flow' }));
  return dir;
}
const QA_CLUSTER = { 'worker-qa': { 'worker-redis': { keys: ['password'] } } };

describe('synth', () => {
  it('refuses the platform’s groups over the room left, at monitoring.rules.groups with file and line', () => {
    const values = valuesWith({ 'qa.yaml': { prerequisites: { secrets: QA_CLUSTER }, monitoring: { rules: { groups: [{ name: 'big', rules: alerts('Big', 320) }] } } } });
    const problems = synthProblems(values).map((line) => line.replace(/^.*?values-\d+\//, 'values/'));
    expect(problems).toEqual([expect.stringMatching(/^values\/qa\.yaml:\d+:\d+: monitoring\.rules\.groups: /)]);
    expect(problems[0]).toMatch(MESSAGE);
  });

  it('counts the applications’ own rules with the platform’s, each file under 1 MiB', () => {
    // 200 alerts of the api in one file and 200 of the platform in another: about 600 KB each, 1.2 MB together.
    const values = valuesWith({
      'qa.yaml': { prerequisites: { secrets: QA_CLUSTER }, applications: { api: { metrics: { rules: alerts('Api', 200) } } }, monitoring: { rules: { groups: [{ name: 'big', rules: alerts('Big', 100) }] } } },
    });
    const problems = synthProblems(values);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(MESSAGE);
  });
});

/** `count` scrape jobs of 60 short labels each: about 540 bytes of YAML, 790 of JSON. */
const jobs = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ job_name: `j${i}`, static_configs: [{ targets: ['10.1.0.1:9100'], labels: Object.fromEntries(Array.from({ length: 60 }, (_, k) => [`l${k}`, 'v'])) }] }));
const SCRAPE_MESSAGE =
  /the scrape jobs written in values \(monitoring\.prometheus\.extraScrapeConfigs\) make scrape_configs lines of \d+ bytes; the ConfigMap prometheus-config holds it beside the stack’s own configuration and is at most 1048576 bytes \(1 MiB\), 262144 of them kept for the stack’s own configuration: at most 786432$/;

describe('extra scrape jobs', () => {
  it('synth refuses those whose lines would not fit prometheus-config, the values file under 1 MiB, at monitoring.prometheus.extraScrapeConfigs', () => {
    const values = valuesWith({ 'qa.yaml': { prerequisites: { secrets: QA_CLUSTER }, monitoring: { prometheus: { extraScrapeConfigs: jobs(1600) } } } });
    expect(readFileSync(join(values, 'qa.yaml')).length).toBeLessThan(1024 * 1024);
    const problems = synthProblems(values).map((line) => line.replace(/^.*?values-\d+\//, 'values/'));
    expect(problems).toEqual([expect.stringMatching(/^values\/qa\.yaml:\d+:\d+: monitoring\.prometheus\.extraScrapeConfigs: /)]);
    expect(problems[0]).toMatch(SCRAPE_MESSAGE);
  });

  it.each(environments())('%s: the stack’s own prometheus.yml stays within the room kept for it', (env) => {
    const configMap = parse(readFileSync(join(distDir, 'manifests', env, 'monitoring', 'prometheus-config.yaml'), 'utf8')) as { data: Record<string, string> };
    expect(Buffer.byteLength(configMap.data['prometheus.yml'], 'utf8')).toBeLessThan(BUILT_IN_CONFIG_BUDGET);
  });
});

describe('the built-in alerts', () => {
  it.each(environments())('%s: alerts.yaml stays within the room kept for it', (env) => {
    const configMap = parse(readFileSync(join(distDir, 'manifests', env, 'monitoring', 'prometheus-rules.yaml'), 'utf8')) as { data: Record<string, string> };
    expect(Buffer.byteLength(configMap.data['alerts.yaml'], 'utf8')).toBeLessThan(BUILT_IN_RULES_BUDGET);
  });
});

describe.each(helmVersions)('$label', ({ binary }) => {
  const chart = join(distDir, 'helm', 'monitoring');
  const template = (values: Record<string, unknown>) => {
    const file = join(scratch, `helm-${copies++}.yaml`);
    writeFileSync(file, stringify(values, { lineWidth: 0 }));
    return helm(binary, ['template', 'monitoring', chart, '-n', 'monitoring', '-f', join(chart, 'values-production.yaml'), '-f', file]);
  };

  it('the monitoring chart refuses the same rules with synth’s words', () => {
    const result = template({ rules: { groups: [{ name: 'big', rules: alerts('Big', 320) }] } });
    expect(result.status).toBe(1);
    const line = result.stderr.split('\n')[0];
    expect(line).toMatch(/^Error: execution error at \(monitoring\/templates\/validate-values\.yaml:\d+:\d+\): rules\.groups: /);
    expect(line).toMatch(MESSAGE);
  });

  it('the monitoring chart refuses the same scrape jobs with synth’s words', () => {
    const result = template({ prometheus: { extraScrapeConfigs: jobs(1600) } });
    expect(result.status).toBe(1);
    const line = result.stderr.split('\n')[0];
    expect(line).toMatch(/^Error: execution error at \(monitoring\/templates\/validate-values\.yaml:\d+:\d+\): prometheus\.extraScrapeConfigs: /);
    expect(line).toMatch(SCRAPE_MESSAGE);
  });

  it('and accepts rules that fit', () => {
    expect(template({ rules: { groups: [{ name: 'fits', rules: alerts('Fits', 100) }] } }).status).toBe(0);
  });
});
