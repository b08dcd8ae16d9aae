/** The first dashboard to open: golden signals of every application, workload health, alerts. */
import type { DashboardDefinition } from './dashboard';
import { stat, thresholds, timeseries, valueMapping } from './panels';
import { APP_CONTAINERS, BY_APP, BY_CONTAINER, cpuUsage, errorRatio, latencyQuantile, legend, memoryWorkingSet, requestRate } from './promql';
import { burnRate } from './slo';

export function overviewDashboard(sloTarget: number): DashboardDefinition {
  return {
    uid: 'platform-overview',
    title: 'Overview',
    description: 'Golden signals of the applications, health of their workloads, firing alerts and endpoint probes.',
    tags: ['overview'],
    time: { from: 'now-3h', to: 'now' },
    refresh: '1m',
    sections: [
      {
        title: 'Golden signals',
        panels: [
          stat({
            title: 'Request rate',
            description: 'Requests per second served by each application.',
            queries: [{ expr: requestRate(BY_APP, '$__rate_interval'), legend: legend(BY_APP) }],
            unit: 'reqps',
            decimals: 1,
            thresholds: thresholds('text'),
          }),
          stat({
            title: 'Error budget burn rate (1h)',
            description: `5xx ratio of the last hour relative to the error budget of the ${sloTarget} availability SLO: at 1 the budget lasts exactly 30 days, at 14.4 an hour spends 2% of it.`,
            queries: [{ expr: burnRate(sloTarget, '1h'), legend: legend(BY_APP) }],
            unit: 'none',
            decimals: 2,
            thresholds: thresholds('green', [1, 'orange'], [14.4, 'red']),
          }),
          stat({
            title: 'Latency p99',
            description: '99th percentile of the request duration, from the http_request_duration_seconds histogram.',
            queries: [{ expr: latencyQuantile(0.99, BY_APP), legend: legend(BY_APP) }],
            unit: 's',
            thresholds: thresholds('text'),
          }),
          stat({
            title: 'Availability (time range)',
            description: `Share of requests not answered with a 5xx over the selected time range. Red below the SLO target, ${sloTarget}.`,
            queries: [{ expr: `1 - (${errorRatio(BY_APP, '$__range')})`, legend: legend(BY_APP) }],
            unit: 'percentunit',
            decimals: 3,
            thresholds: thresholds('red', [sloTarget, 'green']),
          }),
          timeseries({
            title: 'Requests per second',
            description: 'Request rate of each application.',
            queries: [{ expr: requestRate(BY_APP, '$__rate_interval'), legend: legend(BY_APP) }],
            unit: 'reqps',
            width: 8,
          }),
          timeseries({
            title: 'Error ratio (5xx)',
            description: 'Share of requests answered with a 5xx, and the error budget of the SLO (dashed): above it, the budget shrinks.',
            queries: [
              { expr: errorRatio(BY_APP, '$__rate_interval'), legend: legend(BY_APP) },
              { expr: `vector(1 - ${sloTarget})`, legend: 'error budget' },
            ],
            unit: 'percentunit',
            dashedSeries: '^error budget$',
            width: 8,
          }),
          timeseries({
            title: 'Latency p95',
            description: '95th percentile of the request duration.',
            queries: [{ expr: latencyQuantile(0.95, BY_APP), legend: legend(BY_APP) }],
            unit: 's',
            width: 8,
          }),
        ],
      },
      {
        title: 'Workloads',
        panels: [
          stat({
            title: 'Unavailable replicas',
            description: 'Replicas of each Deployment and Argo Rollout that are not available (not ready for minReadySeconds): kube-state-metrics for Deployments, the Argo Rollouts controller for Rollouts.',
            queries: [
              {
                expr:
                  'label_replace(sum by (namespace, deployment) (kube_deployment_status_replicas_unavailable{namespace=~"$namespace", deployment=~"$job"}), "workload", "$1", "deployment", "(.+)")' +
                  ' or label_replace(sum by (namespace, name) (rollout_info_replicas_unavailable{namespace=~"$namespace", name=~"$job"}), "workload", "$1", "name", "(.+)")',
                legend: legend('namespace, workload'),
              },
            ],
            unit: 'none',
            decimals: 0,
            thresholds: thresholds('green', [1, 'red']),
            height: 8,
          }),
          stat({
            title: 'Container restarts (time range)',
            description: 'Restarts of the application containers over the selected time range.',
            queries: [
              {
                expr: `round(sum by (${BY_CONTAINER}) (increase(kube_pod_container_status_restarts_total{${APP_CONTAINERS}}[$__range])))`,
                legend: legend(BY_CONTAINER),
              },
            ],
            unit: 'none',
            decimals: 0,
            thresholds: thresholds('green', [1, 'orange']),
            height: 8,
          }),
          timeseries({
            title: 'CPU usage',
            description: 'CPU used by the application containers, in cores.',
            queries: [{ expr: cpuUsage(BY_CONTAINER), legend: legend(BY_CONTAINER) }],
            unit: 'short',
            width: 6,
          }),
          timeseries({
            title: 'Memory working set',
            description: 'Working set of the application containers: the memory the kernel counts against the limit.',
            queries: [{ expr: memoryWorkingSet(BY_CONTAINER), legend: legend(BY_CONTAINER) }],
            unit: 'bytes',
            width: 6,
          }),
        ],
      },
      {
        title: 'Alerts and probes',
        panels: [
          stat({
            title: 'Firing alerts',
            description: 'Alerts firing in Prometheus, by severity.',
            queries: [{ expr: 'count by (severity) (ALERTS{alertstate="firing"})', legend: '{{severity}}' }],
            unit: 'none',
            noValue: '0',
            colorMode: 'background',
            thresholds: thresholds('green', [1, 'red']),
            width: 8,
          }),
          stat({
            title: 'Scrape targets down',
            description: 'Targets Prometheus failed to scrape at the last attempt, by job.',
            queries: [{ expr: 'count by (job) (up == 0)', legend: '{{job}}' }],
            unit: 'none',
            noValue: '0',
            colorMode: 'background',
            thresholds: thresholds('green', [1, 'red']),
            width: 8,
          }),
          stat({
            title: 'Endpoint probes',
            description: 'Result of the last blackbox-exporter probe of each endpoint.',
            queries: [{ expr: 'min by (instance) (probe_success)', legend: '{{instance}}' }],
            unit: 'none',
            colorMode: 'background',
            mappings: [valueMapping({ 0: ['down', 'red'], 1: ['up', 'green'] })],
            thresholds: thresholds('red', [1, 'green']),
            width: 8,
          }),
          timeseries({
            title: 'Probe duration',
            description: 'Duration of the blackbox-exporter probes, DNS lookup and TLS handshake included.',
            queries: [{ expr: 'max by (instance) (probe_duration_seconds)', legend: '{{instance}}' }],
            unit: 's',
            width: 24,
          }),
        ],
      },
    ],
  };
}
