/**
 * PromQL shared by the dashboards. The selectors use the dashboard variables: `$namespace`, and
 * `$job` for the applications (multi-value variables expand to a regular expression, hence `=~`).
 *
 * Naming: an application's own series carry `job="<application>"`; its container is named after the
 * application (lib/app/workload.ts) and its Deployment and HPA after the release, which the charts
 * name after the application.
 */

/** The applications' own series (HTTP metrics). */
export const APP = 'namespace=~"$namespace", job=~"$job"';

/** kube-state-metrics series of the applications' containers. */
export const APP_CONTAINERS = 'namespace=~"$namespace", container=~"$job"';

/**
 * cAdvisor series of the applications' containers. The container matcher drops the pod-level cgroup
 * (container="") and the pause container (container="POD"); `image!=""` drops the duplicate series
 * some cgroup drivers expose.
 */
export const APP_CADVISOR = `${APP_CONTAINERS}, image!=""`;

/** An application's HTTP series, grouped per namespace. */
export const BY_APP = 'namespace, job';

/** An application's container series, grouped per namespace. */
export const BY_CONTAINER = 'namespace, container';

export const SERVER_ERRORS = 'status=~"5.."';
export const CLIENT_ERRORS = 'status=~"4.."';

/** Requests per second, optionally only those matching `matchers` (e.g. SERVER_ERRORS). */
export function requestRate(by: string, window: string, matchers?: string): string {
  const selector = matchers ? `${APP}, ${matchers}` : APP;
  return `sum by (${by}) (rate(http_requests_total{${selector}}[${window}]))`;
}

/**
 * Share of requests whose status matches `statuses`, by default those answered with a 5xx. A group
 * without any such request has no matching series at all; `or ... * 0` gives it 0 instead of no value.
 */
export function errorRatio(by: string, window: string, statuses = SERVER_ERRORS): string {
  const all = requestRate(by, window);
  return `(${requestRate(by, window, statuses)} or ${all} * 0) / ${all}`;
}

export function latencyQuantile(quantile: number, by: string, window = '$__rate_interval'): string {
  return `histogram_quantile(${quantile}, sum by (${by}, le) (rate(http_request_duration_seconds_bucket{${APP}}[${window}])))`;
}

export function cpuUsage(by: string): string {
  return `sum by (${by}) (rate(container_cpu_usage_seconds_total{${APP_CADVISOR}}[$__rate_interval]))`;
}

export function memoryWorkingSet(by: string): string {
  return `sum by (${by}) (container_memory_working_set_bytes{${APP_CADVISOR}})`;
}

/**
 * Requests or limits of the applications' containers in Pending or Running pods: kube-state-metrics
 * keeps reporting them for pods that have completed or were evicted.
 */
export function containerResource(kind: 'requests' | 'limits', resource: 'cpu' | 'memory', by: string): string {
  const series = `kube_pod_container_resource_${kind}{${APP_CONTAINERS}, resource="${resource}"}`;
  const activePods = 'max by (namespace, pod) (kube_pod_status_phase{namespace=~"$namespace", phase=~"Pending|Running"}) == 1';
  return `sum by (${by}) (${series} * on (namespace, pod) group_left () (${activePods}))`;
}

/** Grafana legend of a series grouped `by` the given comma-separated labels. */
export function legend(by: string): string {
  return by
    .split(',')
    .map((label) => `{{${label.trim()}}}`)
    .join('/');
}
