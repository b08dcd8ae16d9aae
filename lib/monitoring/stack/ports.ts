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
  kubelet: 10250,
} as const;
