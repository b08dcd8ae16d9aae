/**
 * prometheus.yml as a plain object.
 *
 * Scrape jobs: cert-manager and Velero (their Services, for the certificate and backup alerts),
 * Prometheus and Alertmanager themselves, kube-state-metrics and blackbox-exporter (Services
 * of the monitoring namespace), Loki, Grafana, node-exporter, the kubelet and cAdvisor on every node (node
 * discovery, with the pod's service account token), and one job per application (pod discovery in its
 * namespace). Application series get `job` = the application name, `namespace`, `pod` and `app`; the
 * alert rules tell application targets from the others by the `app` label.
 */
import { PORTS } from './stack/ports';

interface ScrapedApplication {
  /** The application's name: its pods' app.kubernetes.io/name label, and the `job` of its series. */
  name: string;
  namespace: string;
  /** HTTP path of the metrics endpoint, e.g. /metrics. */
  metricsPath: string;
  /** Container port serving the metrics: its name (e.g. http) or its number. */
  port: string;
  /** How often it is scraped (its job's scrape_interval), e.g. 5s. */
  scrapeInterval: string;
}

/**
 * Where the Alertmanagers are: Prometheus sends every alert to each of them, and scrapes them.
 * - `dns`: every address a DNS name resolves to (A records), e.g. a headless Service, which lists
 *   each pod of the StatefulSet: the configuration does not depend on the number of replicas;
 * - `static`: fixed addresses (host:port), e.g. a local Alertmanager in the end-to-end test.
 */
type AlertmanagerTargets = { dns: { name: string; port: number } } | { static: string[] };

export interface PrometheusConfigOptions {
  scrapeInterval: string;
  evaluationInterval: string;
  alertmanagers: AlertmanagerTargets;
  /** Paths of the rule files, as mounted in the Prometheus container. */
  ruleFiles: string[];
  applications: ScrapedApplication[];
  /** Namespace of kube-state-metrics, blackbox-exporter and Loki (their Services). */
  monitoringNamespace: string;
  /** URLs probed by the blackbox exporter's http_2xx module. */
  blackboxTargets: string[];
  /** Added to every series and alert leaving this Prometheus, e.g. cluster and environment. */
  externalLabels: Record<string, string>;
  /**
   * Namespaces of cert-manager and Velero, which every cluster of the platform runs: their Services
   * `cert-manager` and `velero` are scraped for the certificate and backup alerts (a missing one is a
   * target down, and its alerts could not fire).
   */
  certManagerNamespace?: string;
  veleroNamespace?: string;
  /**
   * The sub paths Prometheus and Alertmanager serve under (their `--web.route-prefix`), e.g.
   * /prometheus: Prometheus scrapes itself and reaches the Alertmanagers under them. Default: none.
   */
  subPaths?: { prometheus: string; alertmanager: string };
  /** The Argo Rollouts controller's metrics address (host:port), when the cluster runs it: scraped for the rollout alerts. */
  argoRolloutsTargets: string[];
  /** Grafana's metrics path (its sub path, then /metrics), when the stack runs Grafana: scraped as job grafana. */
  grafanaMetricsPath?: string;
  /**
   * The data stores watched (lib/monitoring/data-stores/), by kind and name: their exporters'
   * Services (`<kind>-exporter-<name>` in the monitoring namespace) are scraped as the jobs
   * `postgresql` and `redis`, and blackbox-exporter probes each address with `tcp_connect` (job
   * `blackbox-tcp`); every series carries `data_store` = the name.
   */
  dataStores?: Record<'postgresql' | 'redis', Record<string, { host: string; port: number }>>;
  /** The exporters' Service addresses of a data store (defaults to the stack's Services). */
  exporterAddress?: (kind: 'postgresql' | 'redis', name: string) => string;
}

/** Pods of the traffic entry: their namespace, labels and metrics port. */
export interface EdgePods {
  namespace: string;
  podLabels: Record<string, string>;
  port: number;
}

const serviceAccount = '/var/run/secrets/kubernetes.io/serviceaccount';

function applicationJob(app: ScrapedApplication) {
  const portMeta = /^[0-9]+$/.test(app.port) ? '__meta_kubernetes_pod_container_port_number' : '__meta_kubernetes_pod_container_port_name';
  return {
    job_name: `application/${app.namespace}/${app.name}`,
    scrape_interval: app.scrapeInterval,
    metrics_path: app.metricsPath,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [app.namespace] } }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: app.name, action: 'keep' },
      { source_labels: [portMeta], regex: app.port, action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      { target_label: 'job', replacement: app.name },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], target_label: 'app' },
      // Argo Rollouts labels each version's pods with its pod template hash: the release analysis and the
      // canary dashboard tell the new version from the stable one by it (absent on Deployment pods).
      { source_labels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], target_label: 'rollouts_pod_template_hash' },
    ],
  };
}

/** The kubelet of every node, over HTTPS with the service account's token (RBAC: nodes/metrics). */
function kubeletJob(jobName: string, metricsPath: string) {
  return {
    job_name: jobName,
    scheme: 'https',
    metrics_path: metricsPath,
    authorization: { credentials_file: `${serviceAccount}/token` },
    tls_config: { ca_file: `${serviceAccount}/ca.crt` },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_node_address_InternalIP'], target_label: '__address__', replacement: `$1:${PORTS.kubelet}` },
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'instance' },
    ],
  };
}

function blackboxJob(targets: string[], monitoringNamespace: string) {
  return probeJob('blackbox-http', 'http_2xx', [{ targets }], monitoringNamespace);
}

/** A job whose targets blackbox-exporter probes with `module` (its address relabelled to the exporter's). */
function probeJob(jobName: string, module: string, staticConfigs: Array<{ targets: string[]; labels?: Record<string, string> }>, monitoringNamespace: string) {
  return {
    job_name: jobName,
    metrics_path: '/probe',
    params: { module: [module] },
    static_configs: staticConfigs,
    relabel_configs: [
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: `blackbox-exporter.${monitoringNamespace}.svc:${PORTS.blackboxExporter}` },
    ],
  };
}

const EXPORTER_PORTS = { postgresql: PORTS.postgresExporter, redis: PORTS.redisExporter } as const;
const EXPORTER_PREFIXES = { postgresql: 'postgres-exporter-', redis: 'redis-exporter-' } as const;

/** The exporters of the data stores (one job per kind) and the TCP probes of their addresses. */
function dataStoreJobs(options: PrometheusConfigOptions) {
  const stores = options.dataStores ?? { postgresql: {}, redis: {} };
  const address = options.exporterAddress ?? ((kind, name) => `${EXPORTER_PREFIXES[kind]}${name}.${options.monitoringNamespace}.svc:${EXPORTER_PORTS[kind]}`);
  const kinds = (['postgresql', 'redis'] as const).filter((kind) => Object.keys(stores[kind]).length > 0);
  const probes = kinds.flatMap((kind) => Object.entries(stores[kind]).map(([name, store]) => ({ targets: [`${store.host}:${store.port}`], labels: { data_store: name, kind } })));
  return [
    ...kinds.map((kind) => ({ job_name: kind, static_configs: Object.keys(stores[kind]).map((name) => ({ targets: [address(kind, name)], labels: { data_store: name } })) })),
    ...(probes.length > 0 ? [probeJob('blackbox-tcp', 'tcp_connect', probes, options.monitoringNamespace)] : []),
  ];
}

/** Prometheus' name of a pod label's meta label: every character outside [a-zA-Z0-9_] becomes _ (kubernetes_sd). */
function podLabelMeta(key: string): string {
  return `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * The scrape job of the environment's traffic entry, as `{ scrape_configs: [job] }` (appended to the
 * configuration by lib/monitoring/stack/configs.ts, the provider's only): Envoy Gateway's proxies (job
 * `edge-envoy`, /stats/prometheus) or the ingress-nginx controller (job `edge-ingress-nginx`, /metrics),
 * found by pod discovery in their namespace, kept by each pod label and by the metrics port.
 */
export function edgeScrapeConfig(provider: 'gatewayAPI' | 'ingress', pods: EdgePods) {
  return provider === 'ingress' ? { scrape_configs: [edgeJob('edge-ingress-nginx', '/metrics', pods)] } : { scrape_configs: [edgeJob('edge-envoy', '/stats/prometheus', pods)] };
}

function edgeJob(jobName: string, metricsPath: string, pods: EdgePods) {
  return {
    job_name: jobName,
    metrics_path: metricsPath,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [pods.namespace] } }],
    relabel_configs: [
      ...Object.entries(pods.podLabels).map(([key, value]) => ({ source_labels: [podLabelMeta(key)], regex: value, action: 'keep' })),
      // A regex is text: the port in a group keeps it text in the generated YAML (a lone value would be a number).
      { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: `(${pods.port})`, action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      // No `namespace` target label: ingress-nginx's series carry the namespace of their Ingress.
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    ],
  };
}

/** The service discovery of a job or an alerting section that reaches the Alertmanagers. */
function alertmanagerDiscovery(targets: AlertmanagerTargets) {
  return 'dns' in targets ? { dns_sd_configs: [{ names: [targets.dns.name], type: 'A', port: targets.dns.port }] } : { static_configs: [{ targets: targets.static }] };
}

/**
 * The configuration copies its values as is (no arithmetic or formatting on them), so that the
 * monitoring chart keeps them Helm values (lib/monitoring/stack/configs.ts); the choices it makes on
 * its options (the Alertmanager discovery, a port name or number, whether there are blackbox targets)
 * are fixed per chart.
 */
export function buildPrometheusConfig(options: PrometheusConfigOptions): object {
  const service = (name: string, port: number) => `${name}.${options.monitoringNamespace}.svc:${port}`;
  const names = options.applications.map((app) => `${app.namespace}/${app.name}`);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`application ${duplicate} is listed twice`);
  const sortedLabels = Object.fromEntries(Object.entries(options.externalLabels).sort(([a], [b]) => a.localeCompare(b)));
  const prefixes = options.subPaths;
  return {
    global: {
      scrape_interval: options.scrapeInterval,
      evaluation_interval: options.evaluationInterval,
      external_labels: sortedLabels,
    },
    alerting: { alertmanagers: [{ api_version: 'v2', ...(prefixes ? { path_prefix: prefixes.alertmanager } : {}), ...alertmanagerDiscovery(options.alertmanagers) }] },
    rule_files: options.ruleFiles,
    scrape_configs: [
      { job_name: 'prometheus', ...(prefixes ? { metrics_path: `${prefixes.prometheus}/metrics` } : {}), static_configs: [{ targets: [`localhost:${PORTS.prometheus}`] }] },
      { job_name: 'alertmanager', ...(prefixes ? { metrics_path: `${prefixes.alertmanager}/metrics` } : {}), ...alertmanagerDiscovery(options.alertmanagers) },
      { job_name: 'kube-state-metrics', honor_labels: true, static_configs: [{ targets: [service('kube-state-metrics', PORTS.kubeStateMetrics)] }] },
      { job_name: 'loki', static_configs: [{ targets: [service('loki', PORTS.loki)] }] },
      ...(options.grafanaMetricsPath ? [{ job_name: 'grafana', metrics_path: options.grafanaMetricsPath, static_configs: [{ targets: [service('grafana', PORTS.grafana)] }] }] : []),
      {
        job_name: 'node-exporter',
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_node_address_InternalIP'], target_label: '__address__', replacement: `$1:${PORTS.nodeExporter}` },
          { source_labels: ['__meta_kubernetes_node_name'], target_label: 'instance' },
        ],
      },
      kubeletJob('kubelet', '/metrics'),
      kubeletJob('cadvisor', '/metrics/cadvisor'),
      ...(options.blackboxTargets.length > 0 ? [blackboxJob(options.blackboxTargets, options.monitoringNamespace)] : []),
      ...(options.argoRolloutsTargets.length > 0 ? [{ job_name: 'argo-rollouts', static_configs: [{ targets: options.argoRolloutsTargets }] }] : []),
      ...dataStoreJobs(options),
      ...options.applications.map(applicationJob),
      ...(options.certManagerNamespace ? [{ job_name: 'cert-manager', static_configs: [{ targets: [`cert-manager.${options.certManagerNamespace}.svc:${PORTS.certManager}`] }] }] : []),
      ...(options.veleroNamespace ? [{ job_name: 'velero', static_configs: [{ targets: [`velero.${options.veleroNamespace}.svc:${PORTS.velero}`] }] }] : []),
    ],
  };
}
