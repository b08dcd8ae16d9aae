/** Errors: 5xx by route, and the ways containers fail (restarts, OOM kills, crash loops). */
import type { DashboardDefinition } from './dashboard';
import { stat, thresholds, timeseries } from './panels';
import { APP, APP_CONTAINERS, BY_APP, SERVER_ERRORS, errorRatio, legend } from './promql';

const BY_ROUTE = `${BY_APP}, route`;
const BY_POD_CONTAINER = 'namespace, pod, container';

export function errorsDashboard(): DashboardDefinition {
  return {
    uid: 'platform-errors',
    title: 'Errors',
    description: 'Server errors by route, and container failures: restarts, OOM kills, crash loops and other waiting reasons.',
    tags: ['errors'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    sections: [
      {
        title: 'Server errors',
        panels: [
          timeseries({
            title: '5xx responses by route',
            description: 'Responses with a 5xx status per second, by route and status.',
            queries: [
              {
                expr: `sum by (${BY_ROUTE}, status) (rate(http_requests_total{${APP}, ${SERVER_ERRORS}}[$__rate_interval]))`,
                legend: `${legend(BY_ROUTE)} {{status}}`,
              },
            ],
            unit: 'reqps',
          }),
          timeseries({
            title: '5xx ratio by route',
            description: 'Share of the requests of each route answered with a 5xx: tells a failing endpoint from a failing application.',
            queries: [{ expr: errorRatio(BY_ROUTE, '$__rate_interval'), legend: legend(BY_ROUTE) }],
            unit: 'percentunit',
          }),
          stat({
            title: 'Routes with the most 5xx (time range)',
            description: 'The ten routes that answered the most requests with a 5xx over the selected time range.',
            queries: [
              {
                expr: `topk(10, round(sum by (${BY_ROUTE}) (increase(http_requests_total{${APP}, ${SERVER_ERRORS}}[$__range]))) > 0)`,
                legend: legend(BY_ROUTE),
              },
            ],
            unit: 'none',
            decimals: 0,
            noValue: 'none',
            thresholds: thresholds('orange'),
            width: 24,
          }),
        ],
      },
      {
        title: 'Container failures',
        panels: [
          timeseries({
            title: 'Container restarts',
            description: 'Restarts of each application container in the preceding hour.',
            queries: [
              {
                expr: `sum by (${BY_POD_CONTAINER}) (increase(kube_pod_container_status_restarts_total{${APP_CONTAINERS}}[1h])) > 0`,
                legend: legend(BY_POD_CONTAINER),
              },
            ],
            unit: 'none',
          }),
          timeseries({
            title: 'OOM kills',
            description: 'Restarts in the preceding hour of containers whose last termination was an OOM kill: the working set reached the memory limit.',
            queries: [
              {
                expr: `sum by (${BY_POD_CONTAINER}) (increase(kube_pod_container_status_restarts_total{${APP_CONTAINERS}}[1h]) > 0 and on (${BY_POD_CONTAINER}) kube_pod_container_status_last_terminated_reason{${APP_CONTAINERS}, reason="OOMKilled"} == 1)`,
                legend: legend(BY_POD_CONTAINER),
              },
            ],
            unit: 'none',
          }),
          stat({
            title: 'Crash-looping containers',
            description: 'Containers waiting in CrashLoopBackOff: they keep exiting and the kubelet delays each restart longer.',
            queries: [
              {
                expr: `count by (namespace, container) (kube_pod_container_status_waiting_reason{${APP_CONTAINERS}, reason="CrashLoopBackOff"} == 1)`,
                legend: legend('namespace, container'),
              },
            ],
            unit: 'none',
            noValue: '0',
            colorMode: 'background',
            thresholds: thresholds('green', [1, 'red']),
            height: 8,
          }),
          stat({
            title: 'Last termination reasons',
            description: 'Containers by the reason of their last termination (OOMKilled, Error, Completed...).',
            queries: [
              {
                expr: `count by (reason) (kube_pod_container_status_last_terminated_reason{${APP_CONTAINERS}} == 1)`,
                legend: '{{reason}}',
              },
            ],
            unit: 'none',
            noValue: '0',
            thresholds: thresholds('text'),
            height: 8,
          }),
          timeseries({
            title: 'Waiting containers by reason',
            description: 'Containers that are not running, by reason: CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError...',
            queries: [
              {
                expr: `sum by (namespace, container, reason) (kube_pod_container_status_waiting_reason{${APP_CONTAINERS}})`,
                legend: `${legend('namespace, container')} {{reason}}`,
              },
            ],
            unit: 'none',
          }),
        ],
      },
    ],
  };
}
