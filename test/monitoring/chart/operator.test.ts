/**
 * Operator mode (`monitoring.mode: operator`): ServiceMonitors, a PrometheusRule and the dashboard
 * ConfigMaps instead of the stack, in the plain manifests and, identically, from the Helm chart.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildAlertRules } from '../../../lib/monitoring/alert-rules';
import { withoutHelmOnly, withoutPlainOnly } from '../../helm/helm-only';
import { type K8sObject, sortObjects } from '../../support/dist';
import { helmTemplate, helmVersions } from '../../support/helm';
import { monitoringValuesOf, synthesizeEdited } from './support';

const files = synthesizeEdited((base) =>
  base.replace('  mode: standalone\n', '  mode: operator\n').replace('  controllers:\n', '  controllers:\n    prometheusOperator: { version: "0.85.0", namespace: monitoring }\n'),
);
const plain = (env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);

describe.each(['dev', 'production'])('operator mode in %s', (env) => {
  it('has ServiceMonitors, a PrometheusRule and the dashboards, and nothing of the standalone stack', () => {
    const kinds = plain(env)
      .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)
      .sort();
    expect(kinds).toEqual([
      // The cluster's ACME issuer is not part of the stack: the chart has it in both modes.
      `ClusterIssuer//letsencrypt-${env === 'production' ? 'production' : 'staging'}`,
      'ConfigMap/monitoring/grafana-dashboard-data-stores',
      'ConfigMap/monitoring/grafana-dashboard-edge',
      'ConfigMap/monitoring/grafana-dashboard-errors',
      'ConfigMap/monitoring/grafana-dashboard-http',
      'ConfigMap/monitoring/grafana-dashboard-overview',
      'ConfigMap/monitoring/grafana-dashboard-releases',
      'ConfigMap/monitoring/grafana-dashboard-resources',
      'ConfigMap/monitoring/grafana-dashboard-slo',
      // The data stores' exporters run in both modes; the operator's Prometheus finds them by ServiceMonitor.
      'Deployment/monitoring/postgres-exporter-orders-db',
      'Deployment/monitoring/postgres-exporter-postgresql',
      'Deployment/monitoring/redis-exporter-redis',
      'Namespace//monitoring',
      'PrometheusRule/monitoring/extra-rules',
      'PrometheusRule/monitoring/platform-rules',
      'Service/monitoring/postgres-exporter-orders-db',
      'Service/monitoring/postgres-exporter-postgresql',
      'Service/monitoring/redis-exporter-redis',
      `ServiceMonitor/api-${env}/api`,
      'ServiceMonitor/monitoring/postgres-exporter-orders-db',
      'ServiceMonitor/monitoring/postgres-exporter-postgresql',
      'ServiceMonitor/monitoring/redis-exporter-redis',
      `ServiceMonitor/web-${env}/web`,
      `ServiceMonitor/worker-${env}/worker`,
    ]);
  });

  it('selects each application Service by name and instance, with the operator selector label', () => {
    const monitor = plain(env).find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'api') as K8sObject & { spec: Record<string, unknown> };
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(monitor.spec).toMatchObject({
      namespaceSelector: { matchNames: [`api-${env}`] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } },
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
  });

  it("scrapes each data store's exporter with the labels the rules read (job, data_store)", () => {
    const monitor = plain(env).find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'redis-exporter-redis') as K8sObject & { spec: Record<string, unknown> };
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(monitor.spec).toEqual({
      namespaceSelector: { matchNames: ['monitoring'] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis-exporter-redis', 'app.kubernetes.io/instance': 'monitoring' } },
      endpoints: [
        {
          port: 'metrics',
          interval: monitoringValuesOf(env).prometheus.scrapeInterval,
          scheme: 'http',
          relabelings: [
            { targetLabel: 'job', replacement: 'redis' },
            { targetLabel: 'data_store', replacement: 'redis' },
          ],
        },
      ],
    });
  });

  it('puts the same rule groups in the PrometheusRule', () => {
    const values = monitoringValuesOf(env);
    const rule = plain(env).find((o) => o.kind === 'PrometheusRule') as K8sObject & { spec: unknown };
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(rule.spec).toEqual(JSON.parse(JSON.stringify(buildAlertRules(values.alerts, { runbookBaseUrl: values.runbookBaseUrl, environment: env }))));
  });

  it('labels the dashboards for the Grafana sidecar', () => {
    for (const dashboard of plain(env).filter((o) => o.kind === 'ConfigMap')) {
      expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    }
  });
});

describe.each(helmVersions)('$label', ({ binary }) => {
  it('renders operator mode like the plain manifests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'monitoring-chart-'));
    for (const [path, text] of files) {
      if (!path.startsWith('helm/monitoring/')) continue;
      const target = join(dir, path.slice('helm/monitoring/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const rendered = helmTemplate(binary, ['monitoring', dir, '-f', join(dir, 'values-production.yaml'), '-n', 'monitoring']) as K8sObject[];
    expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain('production'))));
  });
});
