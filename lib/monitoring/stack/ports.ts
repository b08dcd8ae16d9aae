/** The ports the components listen on (one place, for the workloads, Services and NetworkPolicies). */
export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  alertmanagerCluster: 9094,
  grafana: 3000,
  loki: 3100,
  alloy: 12345,
  nodeExporter: 9100,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  blackboxExporter: 9115,
  /** The data stores' exporters (lib/monitoring/stack/data-store-exporters.ts). */
  postgresExporter: 9187,
  redisExporter: 9121,
  kubelet: 10250,
  /** cert-manager's controller metrics, and Velero's server metrics (Services of their own charts). */
  certManager: 9402,
  velero: 8085,
} as const;

/**
 * The sub paths Prometheus and Alertmanager serve under, inside the cluster as behind the routes
 * (`--web.external-url` ends with them, and `--web.route-prefix` follows it): their probes, the
 * Grafana data source, Prometheus' own scrape and its Alertmanager client use them too. Grafana's is
 * a value (`ingress.path`, GF_SERVER_SERVE_FROM_SUB_PATH). No route rewrites a path, so both traffic
 * providers pass requests through unchanged.
 */
export const SUB_PATHS = { prometheus: '/prometheus', alertmanager: '/alertmanager' } as const;

/**
 * Prometheus' URL inside the cluster (its Service in the monitoring namespace, under its sub path): the
 * Grafana data source uses it, and synth refuses an application's `rollout.analysis.prometheusAddress`
 * that differs from it while this stack is the one in use (Argo Rollouts appends /api/v1/query).
 */
export function prometheusInClusterUrl(namespace: string): string {
  return `http://prometheus.${namespace}.svc:${PORTS.prometheus}${SUB_PATHS.prometheus}`;
}
