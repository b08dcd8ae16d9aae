/**
 * Scrape jobs written in values (`prometheus.extraScrapeConfigs`, additionalScrapeConfigs) reach
 * prometheus.yml as written, the same from Helm 3 and 4, and promtool accepts the file; Prometheus'
 * NetworkPolicy opens exactly `networkPolicy.prometheusExtraEgress`; a job named like the stack's own
 * and a destination that is not one network or labelled namespaces are refused by synth and Helm alike.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { synthesize } from '../../../charts/platform';
import { extraScrapeConfigProblems } from '../../../lib/monitoring/stack/extra-scrape-configs';
import { type K8sObject, distDir } from '../../support/dist';
import { helm, helmTemplate, helmVersions } from '../../support/helm';
import { findBinary, runTool } from '../../support/processes';
import { synthProblems, valuesCopyWith } from '../../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const JOBS = `    extraScrapeConfigs:
      - job_name: payments-gateway
        scheme: https
        metrics_path: /internal/metrics
        static_configs: [{ targets: ["payments.partner.example:8443"], labels: { team: payments } }]
        tls_config: { insecure_skip_verify: false }
`;
const EGRESS = '    prometheusExtraEgress:\n      - { cidr: 203.0.113.0/24, ports: [8443] }\n';

const values = valuesCopyWith(roots, 'base.yaml', (text) => text.replace('    extraScrapeConfigs: []\n', JOBS).replace('    prometheusExtraEgress: []\n', EGRESS));
const files = synthesize({ valuesDir: values });
const plain = (env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);
const configOf = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config') as K8sObject & { data: Record<string, string> }).data['prometheus.yml'];
type Scrape = { job_name: string; [key: string]: unknown };

describe('extra scrape jobs', () => {
  it('are appended to prometheus.yml as written, after the stack’s jobs', () => {
    const jobs = (parse(configOf(plain('production'))) as { scrape_configs: Scrape[] }).scrape_configs;
    expect(jobs.at(-1)).toEqual({
      job_name: 'payments-gateway',
      scheme: 'https',
      metrics_path: '/internal/metrics',
      static_configs: [{ targets: ['payments.partner.example:8443'], labels: { team: 'payments' } }],
      tls_config: { insecure_skip_verify: false },
    });
    expect(jobs.at(-2)?.job_name).toBe('tempo');
  });

  it('are a configuration promtool accepts (its pod and node discovery given statically: Debian builds it without)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'extra-scrape-'));
    roots.push(dir);
    const config = parse(configOf(plain('production'))) as { scrape_configs: Array<Scrape & { kubernetes_sd_configs?: unknown }>; rule_files: string[] };
    const checked = {
      ...config,
      rule_files: [],
      scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs: sd, ...job }) => (sd ? { ...job, static_configs: [{ targets: ['10.0.0.1:9100'] }] } : job)),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(checked).replaceAll('/var/run/secrets/kubernetes.io/serviceaccount', dir));
    for (const file of ['token', 'ca.crt']) writeFileSync(join(dir, file), 'placeholder\n');
    const result = runTool(findBinary('promtool'), ['check', 'config', 'prometheus.yml'], dir);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('a scrape timeout above the interval is a configuration promtool refuses (the rule synth and the chart apply)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'extra-scrape-'));
    roots.push(dir);
    const config = { global: { scrape_interval: '15s' }, scrape_configs: [{ job_name: 'a', scrape_interval: '10s', scrape_timeout: '30s', static_configs: [{ targets: ['10.0.0.1:9100'] }] }] };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const result = runTool(findBinary('promtool'), ['check', 'config', 'prometheus.yml'], dir);
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain('scrape timeout greater than scrape interval');
  });

  it("open exactly their destinations in Prometheus' NetworkPolicy", () => {
    const policy = plain('dev').find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'prometheus') as K8sObject & { spec: { egress: unknown[] } };
    expect(policy.spec.egress.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 8443 }] });
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it('renders the same prometheus.yml', () => {
      const chart = mkdtempSync(join(tmpdir(), 'monitoring-chart-'));
      roots.push(chart);
      for (const [path, text] of files) {
        if (!path.startsWith('helm/monitoring/')) continue;
        mkdirSync(dirname(join(chart, path.slice('helm/monitoring/'.length))), { recursive: true });
        writeFileSync(join(chart, path.slice('helm/monitoring/'.length)), text);
      }
      for (const env of ['staging', 'production']) {
        const rendered = helmTemplate(binary, ['monitoring', chart, '-f', join(chart, `values-${env}.yaml`), '-n', 'monitoring']) as K8sObject[];
        expect(configOf(rendered), env).toBe(configOf(plain(env)));
      }
    });

    it('accepts the durations Prometheus accepts: units combined, a timeout equal to the interval', () => {
      const overlay = { prometheus: { extraScrapeConfigs: [{ job_name: 'a', scrape_interval: '1m30s', scrape_timeout: '90s', static_configs: [{ targets: ['10.0.0.1:9100'] }] }] } };
      const dir = mkdtempSync(join(tmpdir(), 'extra-scrape-values-'));
      roots.push(dir);
      writeFileSync(join(dir, 'values.json'), JSON.stringify(overlay));
      const chart = join(distDir, 'helm', 'monitoring');
      const result = helm(binary, ['template', 'monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-f', join(dir, 'values.json'), '-n', 'monitoring']);
      expect(result.status, result.stderr).toBe(0);
      const synthed = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}  prometheus: ${JSON.stringify(overlay.prometheus)}\n`);
      expect(() => synthesize({ valuesDir: synthed })).not.toThrow();
    });

    it.each([
      ['a job named like the stack’s', { prometheus: { extraScrapeConfigs: [{ job_name: 'kubelet' }] } }, 'prometheus.extraScrapeConfigs[0].job_name: kubelet is one of the stack'],
      ['a job named like an application’s', { prometheus: { extraScrapeConfigs: [{ job_name: 'application/x/y' }] } }, 'prometheus.extraScrapeConfigs[0].job_name: application/x/y is one of the stack'],
      ['a job defined twice', { prometheus: { extraScrapeConfigs: [{ job_name: 'a' }, { job_name: 'a' }] } }, 'prometheus.extraScrapeConfigs[1].job_name: job a is defined twice'],
      ['a destination with neither network nor namespace', { networkPolicy: { prometheusExtraEgress: [{ ports: [80] }] } }, 'networkPolicy.prometheusExtraEgress[0]: expected exactly one of cidr'],
      ['a destination with empty namespace labels', { networkPolicy: { prometheusExtraEgress: [{ namespaceLabels: {}, ports: [80] }] } }, 'networkPolicy.prometheusExtraEgress[0]: expected exactly one of cidr'],
      [
        'a scrape timeout above the job’s interval',
        { prometheus: { extraScrapeConfigs: [{ job_name: 'a', scrape_interval: '10s', scrape_timeout: '30s' }] } },
        'prometheus.extraScrapeConfigs[0].scrape_timeout: expected at most the scrape interval (10s): Prometheus refuses',
      ],
      [
        'a scrape timeout above the stack’s interval, the job having none',
        { prometheus: { extraScrapeConfigs: [{ job_name: 'a', scrape_timeout: '1m' }] } },
        'prometheus.extraScrapeConfigs[0].scrape_timeout: expected at most the scrape interval (15s): Prometheus refuses',
      ],
      [
        'a scrape interval without a unit',
        { prometheus: { extraScrapeConfigs: [{ job_name: 'a', scrape_interval: 30 }] } },
        'prometheus.extraScrapeConfigs[0].scrape_interval: expected a Prometheus duration (e.g. 30s or 1m30s), got 30',
      ],
      [
        'a scrape timeout in words',
        { prometheus: { extraScrapeConfigs: [{ job_name: 'a', scrape_timeout: '10 seconds' }] } },
        'prometheus.extraScrapeConfigs[0].scrape_timeout: expected a Prometheus duration (e.g. 30s or 1m30s), got "10 seconds"',
      ],
    ])('refuses %s, as synth does', (_name, overlay, message) => {
      const dir = mkdtempSync(join(tmpdir(), 'extra-scrape-values-'));
      roots.push(dir);
      writeFileSync(join(dir, 'values.json'), JSON.stringify(overlay));
      const chart = join(distDir, 'helm', 'monitoring');
      const result = helm(binary, ['template', 'monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-f', join(dir, 'values.json'), '-n', 'monitoring']);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
      const [key, value] = Object.entries(overlay)[0];
      const synthed = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}  ${key}: ${JSON.stringify(value)}\n`);
      expect(synthProblems(synthed).join('\n')).toContain(`monitoring.${message}`);
    });
  });
});

describe('the names of the stack’s own jobs', () => {
  // extra-scrape-configs.ts lists them by hand: a job the stack starts writing must join that list, or
  // an extra job of that name would be accepted beside it (Prometheus refuses two jobs of one name).
  it.each(['dev', 'staging', 'production'])('every job %s’s prometheus.yml writes is refused as an extra job’s name', (env) => {
    const configMap = parse(readFileSync(join(distDir, 'manifests', env, 'monitoring', 'prometheus-config.yaml'), 'utf8')) as { data: Record<string, string> };
    const names = (parse(configMap.data['prometheus.yml']) as { scrape_configs: Array<{ job_name: string }> }).scrape_configs.map((job) => job.job_name);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      expect(
        extraScrapeConfigProblems([{ job_name: name, static_configs: [{ targets: ['a.b.svc:80'] }] }], '15s').map((p) => p.message),
        name,
      ).toContainEqual(expect.stringContaining(`${name} is one of the stack's own jobs`));
    }
  });
});
