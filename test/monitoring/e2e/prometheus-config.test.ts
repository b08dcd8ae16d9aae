/**
 * The generated prometheus.yml: the jobs and relabelling the rules rely on, and the real `promtool check
 * config` accepting it, with kubernetes_sd replaced by the same targets given statically (Debian's
 * Prometheus 2.42 is built without Kubernetes discovery) and the service account files made local.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildAlertRules, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import { type PrometheusConfigOptions, buildPrometheusConfig, edgeScrapeConfig } from '../../../lib/monitoring/prometheus-config';
import { findBinary, runTool, scratchDir } from '../../support/processes';
import { type PrometheusYml, discoveredNode, discoveredPod, withTargets } from './loopback';

const options: PrometheusConfigOptions = {
  scrapeInterval: '30s',
  evaluationInterval: '30s',
  alertmanagers: { static: ['alertmanager-0.alertmanager.monitoring.svc:9093', 'alertmanager-1.alertmanager.monitoring.svc:9093'] },
  ruleFiles: ['/etc/prometheus/rules/platform.yaml'],
  applications: [
    { name: 'api', namespace: 'api-production', metricsPath: '/metrics', port: 'http', scrapeInterval: '5s' },
    { name: 'worker', namespace: 'worker-production', metricsPath: '/internal/metrics', port: '9102', scrapeInterval: '30s' },
  ],
  monitoringNamespace: 'monitoring',
  blackboxTargets: ['https://api.example.com/health/ready'],
  externalLabels: { environment: 'production', cluster: 'eu-1' },
  argoRolloutsTargets: ['argo-rollouts-metrics.argo-rollouts.svc:8090'],
  grafanaMetricsPath: '/monitoring/metrics',
  dataStores: { postgresql: { 'orders-db': { host: 'orders-db.data.internal', port: 5432 } }, redis: { cache: { host: 'redis.data.svc', port: 6379 } } },
};
const envoyPods = { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'platform' }, port: 19001 };

type Relabel = { source_labels?: string[]; target_label?: string; regex?: string; action?: string; replacement?: string };
const built = buildPrometheusConfig(options) as PrometheusYml & { global: { external_labels: Record<string, string> }; rule_files: string[] };
// As the chart writes it (lib/monitoring/stack/configs.ts): the traffic entry's job appended.
const config = { ...built, scrape_configs: [...built.scrape_configs, ...(edgeScrapeConfig('gatewayAPI', envoyPods).scrape_configs as PrometheusYml['scrape_configs'])] };
const job = (name: string) => {
  const found = config.scrape_configs.find((scrape) => scrape.job_name === name);
  if (!found) throw new Error(`no job ${name}`);
  return found as typeof found & { relabel_configs: Relabel[]; metrics_path?: string };
};

describe('prometheus.yml', () => {
  it('scrapes the stack, the cluster and each application', () => {
    expect(config.scrape_configs.map((scrape) => scrape.job_name)).toEqual([
      'prometheus',
      'alertmanager',
      'kube-state-metrics',
      'loki',
      'grafana',
      'node-exporter',
      'kubelet',
      'cadvisor',
      'blackbox-http',
      'argo-rollouts',
      'postgresql',
      'redis',
      'blackbox-tcp',
      'application/api-production/api',
      'application/worker-production/worker',
      'edge-envoy',
    ]);
  });

  it('gives application series job = application name, namespace, pod and app', () => {
    const api = job('application/api-production/api');
    expect(api.metrics_path).toBe('/metrics');
    expect(api.scrape_interval).toBe('5s');
    expect(job('application/worker-production/worker').scrape_interval).toBe('30s');
    expect(api.relabel_configs).toContainEqual({ target_label: 'job', replacement: 'api' });
    expect(api.relabel_configs.map((relabel) => relabel.target_label).filter(Boolean)).toEqual(['job', 'namespace', 'pod', 'app', 'rollouts_pod_template_hash']);
    expect(api.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' });
    expect(job('application/worker-production/worker').relabel_configs).toContainEqual({
      source_labels: ['__meta_kubernetes_pod_container_port_number'],
      regex: '9102',
      action: 'keep',
    });
  });

  it('probes the blackbox targets through the exporter, only when there are some', () => {
    expect(job('blackbox-http').relabel_configs.at(-1)).toEqual({ target_label: '__address__', replacement: 'blackbox-exporter.monitoring.svc:9115' });
    const none = buildPrometheusConfig({ ...options, blackboxTargets: [] }) as PrometheusYml;
    expect(none.scrape_configs.map((scrape) => scrape.job_name)).not.toContain('blackbox-http');
  });

  it('scrapes the Argo Rollouts controller only when the cluster runs it, keeping the pods’ rollouts-pod-template-hash', () => {
    expect(job('argo-rollouts')).toEqual({ job_name: 'argo-rollouts', static_configs: [{ targets: ['argo-rollouts-metrics.argo-rollouts.svc:8090'] }] });
    const none = buildPrometheusConfig({ ...options, argoRolloutsTargets: [] }) as PrometheusYml;
    expect(none.scrape_configs.map((scrape) => scrape.job_name)).not.toContain('argo-rollouts');
    expect(job('application/api-production/api').relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], target_label: 'rollouts_pod_template_hash' });
  });

  it('scrapes Grafana under its sub path, only when the stack runs it', () => {
    expect(job('grafana')).toEqual({ job_name: 'grafana', metrics_path: '/monitoring/metrics', static_configs: [{ targets: ['grafana.monitoring.svc:3000'] }] });
    const none = buildPrometheusConfig({ ...options, grafanaMetricsPath: undefined }) as PrometheusYml;
    expect(none.scrape_configs.map((scrape) => scrape.job_name)).not.toContain('grafana');
  });

  it('scrapes each data store exporter and probes each address, labelled data_store', () => {
    expect(job('postgresql')).toEqual({ job_name: 'postgresql', static_configs: [{ targets: ['postgres-exporter-orders-db.monitoring.svc:9187'], labels: { data_store: 'orders-db' } }] });
    expect(job('redis')).toEqual({ job_name: 'redis', static_configs: [{ targets: ['redis-exporter-cache.monitoring.svc:9121'], labels: { data_store: 'cache' } }] });
    expect(job('blackbox-tcp')).toMatchObject({
      params: { module: ['tcp_connect'] },
      static_configs: [
        { targets: ['orders-db.data.internal:5432'], labels: { data_store: 'orders-db', kind: 'postgresql' } },
        { targets: ['redis.data.svc:6379'], labels: { data_store: 'cache', kind: 'redis' } },
      ],
    });
  });

  it("keeps the traffic entry's pods by their labels and metrics port, without overwriting their series' namespace", () => {
    const nginx = edgeScrapeConfig('ingress', { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' }, port: 10254 }).scrape_configs[0];
    expect(nginx).toMatchObject({ job_name: 'edge-ingress-nginx', metrics_path: '/metrics', kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['ingress-nginx'] } }] });
    const edge = job('edge-envoy');
    expect(edge.metrics_path).toBe('/stats/prometheus');
    expect(edge.relabel_configs).toEqual([
      { source_labels: ['__meta_kubernetes_pod_label_gateway_envoyproxy_io_owning_gateway_name'], regex: 'platform', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '(19001)', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    ]);
  });

  it('is the same object, in the same order, for the same input', () => {
    const shuffled = { ...options, externalLabels: { cluster: 'eu-1', environment: 'production' } };
    expect(stringify(buildPrometheusConfig(shuffled))).toBe(stringify(built));
    expect(Object.keys(config.global.external_labels)).toEqual(['cluster', 'environment']);
  });

  it('finds the Alertmanagers through DNS (every A record of a headless Service), or takes static addresses', () => {
    const dns = buildPrometheusConfig({ ...options, alertmanagers: { dns: { name: 'alertmanager-peers.monitoring.svc', port: 9093 } } }) as PrometheusYml & { alerting: unknown };
    const discovery = { dns_sd_configs: [{ names: ['alertmanager-peers.monitoring.svc'], type: 'A', port: 9093 }] };
    expect(dns.alerting).toEqual({ alertmanagers: [{ api_version: 'v2', ...discovery }] });
    expect(dns.scrape_configs.find((scrape) => scrape.job_name === 'alertmanager')).toEqual({ job_name: 'alertmanager', ...discovery });
    const statics = { static_configs: [{ targets: ['alertmanager-0.alertmanager.monitoring.svc:9093', 'alertmanager-1.alertmanager.monitoring.svc:9093'] }] };
    expect((config as unknown as { alerting: unknown }).alerting).toEqual({ alertmanagers: [{ api_version: 'v2', ...statics }] });
    expect(job('alertmanager')).toEqual({ job_name: 'alertmanager', ...statics });
  });

  it('refuses an application listed twice', () => {
    expect(() => buildPrometheusConfig({ ...options, applications: [options.applications[0], options.applications[0]] })).toThrow(/api-production\/api is listed twice/);
  });

  describe('promtool check config', () => {
    let scratch: ReturnType<typeof scratchDir>;
    beforeAll(() => {
      scratch = scratchDir('promtool-config');
    });
    afterAll(() => scratch.remove());

    it('accepts it, with the generated rule file', () => {
      const rulesFile = join(scratch.path, 'platform.yaml');
      writeFileSync(rulesFile, stringify(buildAlertRules(defaultAlertThresholds, { runbookBaseUrl: 'https://runbooks.example.com', environment: 'production' })));
      for (const file of ['token', 'ca.crt']) writeFileSync(join(scratch.path, file), 'placeholder\n');
      const node = [discoveredNode('node-1', '10.0.0.11')];
      const pod = (namespace: string, appName: string, portName: string) => [discoveredPod('10.1.0.5:8080', { namespace, name: `${appName}-0`, appName, portName })];
      const statics = Object.fromEntries(config.scrape_configs.filter((scrape) => scrape.static_configs).map((scrape) => [scrape.job_name, scrape.static_configs ?? []]));
      const checked = withTargets(
        { ...config, rule_files: [rulesFile] },
        {
          ...statics,
          'node-exporter': node,
          kubelet: node,
          cadvisor: node,
          'application/api-production/api': pod('api-production', 'api', 'http'),
          'application/worker-production/worker': pod('worker-production', 'worker', 'metrics'),
          'edge-envoy': pod('envoy-gateway-system', 'envoy', 'metrics'),
        },
      );
      const text = stringify(checked).replaceAll('/var/run/secrets/kubernetes.io/serviceaccount', scratch.path);
      writeFileSync(join(scratch.path, 'prometheus.yml'), text);
      const result = runTool(findBinary('promtool'), ['check', 'config', 'prometheus.yml'], scratch.path);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/SUCCESS: prometheus\.yml is valid prometheus config file syntax/);
      expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
    });

    it('accepts the DNS discovery of the Alertmanagers', () => {
      const dns = buildPrometheusConfig({ ...options, alertmanagers: { dns: { name: 'alertmanager-peers.monitoring.svc', port: 9093 } } }) as PrometheusYml;
      const checked = { ...dns, rule_files: [], scrape_configs: dns.scrape_configs.filter((scrape) => scrape.job_name === 'alertmanager') };
      writeFileSync(join(scratch.path, 'prometheus-dns.yml'), stringify(checked));
      const result = runTool(findBinary('promtool'), ['check', 'config', 'prometheus-dns.yml'], scratch.path);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/SUCCESS: prometheus-dns\.yml is valid prometheus config file syntax/);
    });
  });
});
