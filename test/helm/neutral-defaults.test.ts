/**
 * Each chart's own values.yaml is neutral (issue 22 §3): no environment's hosts or namespaces (the
 * environments' are in values-<env>.yaml), and it renders with Helm 3 and Helm 4 as it is. The monitoring
 * chart takes scrape targets through values with Helm alone (prometheus.extraScrapeConfigs) and refuses an
 * application it was not synthesized for, or a list shape no environment has, in one short line that
 * says what to do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { charts, distDir } from '../support/dist';
import { helm, helmTemplate, helmVersions, projectRoot } from '../support/helm';

const environments = readdirSync(join(projectRoot, 'values'))
  .filter((file) => file.endsWith('.yaml') && file !== 'base.yaml')
  .map((file) => file.slice(0, -'.yaml'.length));
const domains = environments
  .map((env) => (parse(readFileSync(join(projectRoot, 'values', `${env}.yaml`), 'utf8')) as { environment?: { domain?: string } }).environment?.domain)
  .filter((d): d is string => d !== undefined);
const valuesOf = (chart: string) => readFileSync(join(distDir, 'helm', chart, 'values.yaml'), 'utf8');

describe.each(charts())('%s: values.yaml', (chart) => {
  it('names no environment’s namespace', () => {
    const apps = charts().filter((c) => c !== 'monitoring');
    for (const namespace of apps.flatMap((app) => [...environments, 'default'].map((env) => `${app}-${env}`))) expect(valuesOf(chart)).not.toMatch(new RegExp(`\\b${namespace}\\b`));
  });

  it('names no host under an environment’s domain', () => {
    const hosts = [...valuesOf(chart).matchAll(/^\s*(?:-\s+)?(?:host:\s+)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)\s*$/gm)].map((m) => m[1]).filter((h) => !/^\d/.test(h));
    for (const host of hosts) for (const domain of domains) expect(host === domain || host.endsWith(`.${domain}`), `${host} is under ${domain}`).toBe(false);
    if (chart !== 'worker') expect(valuesOf(chart)).toContain('chart-example.local');
  });

  it.each(helmVersions.map((h) => ({ ...h })))('renders as it is with $label', ({ binary }) => {
    expect((helmTemplate(binary, [chart, join(distDir, 'helm', chart), '-n', 'shop']) as unknown[]).length).toBeGreaterThan(10);
  });
});

const NEW_APPLICATION = JSON.stringify({
  monitored: true,
  namespace: 'shop',
  selector: { 'app.kubernetes.io/name': 'shop' },
  port: 'http',
  metricsPath: '/metrics',
  publicUrls: [],
  healthUrls: [],
  scrapeInterval: '30s',
  rules: [],
  tracesToStack: false,
});

describe.each(helmVersions)('the monitoring chart with Helm alone, $label', ({ binary }) => {
  const chart = join(distDir, 'helm', 'monitoring');
  const dev = join(chart, 'values-dev.yaml');

  it('monitors no application by default (each environment names its own)', () => {
    const values = parse(valuesOf('monitoring')) as { applications: Record<string, { monitored: boolean; publicUrls: unknown[]; healthUrls: unknown[] }> };
    for (const app of Object.values(values.applications)) expect(app).toMatchObject({ monitored: false, publicUrls: [], healthUrls: [] });
  });

  it('takes scrape targets of its own through values (prometheus.extraScrapeConfigs)', () => {
    const job = { job_name: 'shop', static_configs: [{ targets: ['shop.shop.svc:9090'] }] };
    const objects = helmTemplate(binary, ['monitoring', chart, '-n', 'monitoring', '-f', dev, '--set-json', `prometheus.extraScrapeConfigs=${JSON.stringify([job])}`]) as Array<{
      kind: string;
      data?: Record<string, string>;
    }>;
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['prometheus.yml'] !== undefined)?.data?.['prometheus.yml'] ?? '';
    expect((parse(config) as { scrape_configs: unknown[] }).scrape_configs).toContainEqual(job);
  });

  it('refuses an application it was not synthesized for, in one short line saying what to do', () => {
    const result = helm(binary, ['template', 'monitoring', chart, '-n', 'monitoring', '-f', dev, '--set-json', `applications.shop=${NEW_APPLICATION}`]);
    expect(result.status).toBe(1);
    const message = result.stderr.split('\n')[0].replace(/^Error: execution error at \([^)]*\): /, '');
    expect(message).toBe(
      'applications.shop: the chart scrapes, probes and alerts on the applications it was synthesized for (api, web, worker); add shop to values/ and run npm run synth (other scrape targets: prometheus.extraScrapeConfigs)',
    );
    expect(result.stderr.length).toBeLessThan(400);
  });

  it('refuses a list shape no environment has, in one short line', () => {
    const result = helm(binary, ['template', 'monitoring', chart, '-n', 'monitoring', '-f', dev, '--set-json', 'applications.api.publicUrls=["https://a.example.com/","https://b.example.com/"]']);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')[0]).toMatch(/: Prometheus configuration: these values give a list or map a shape that none of the environments of values\/ has .*: change values\/ and run npm run synth$/);
    expect(result.stderr.length).toBeLessThan(500);
  });
});
