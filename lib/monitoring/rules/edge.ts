/**
 * The traffic entry (the edge): every route's requests, 5xx ratio and latency as the entry sees them
 * (it also sees what never reaches the application: no ready backend, timeouts, rejections), from the
 * provider the environment uses (lib/monitoring/prometheus-config.ts, jobs edge-envoy and
 * edge-ingress-nginx):
 * - Envoy Gateway's proxies: per backend cluster, which Envoy Gateway names
 *   `httproute/<namespace>/<route>/rule/<n>` (envoy_cluster_upstream_rq_xx, envoy_cluster_upstream_rq_time
 *   in milliseconds), and its local rate limit filter's counter (stat prefix http_local_rate_limiter:
 *   envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited);
 * - the ingress-nginx controller: per Ingress (nginx_ingress_controller_requests,
 *   nginx_ingress_controller_request_duration_seconds); its rate limits answer with the controller's
 *   `limit-req-status-code`, counted here as status 429 (the controller's default is 503: set
 *   limit-req-status-code and limit-conn-status-code to 429 in its ConfigMap, README "Traffic entry").
 * Recording rules put both under the same labels, `namespace` and `route` (the HTTPRoute or Ingress,
 * named after the application), which the alerts and the edge dashboard read.
 */
import { type AlertGroupDefinition, type RuleGroup, percent } from './model';
import type { AlertThresholds } from './thresholds';

const BY_ROUTE = 'namespace, route';

/** Envoy's per-cluster series with the route's namespace and name taken from Envoy Gateway's cluster name. */
function envoyByRoute(series: string): string {
  return `label_replace(label_replace(${series}, "namespace", "$1", "envoy_cluster_name", "httproute/([^/]+)/.*"), "route", "$1", "envoy_cluster_name", "httproute/[^/]+/([^/]+)/.*")`;
}

/** ingress-nginx's per-Ingress series with the Ingress as the route (their namespace is the Ingress's). */
function nginxByRoute(series: string): string {
  return `label_replace(${series}, "route", "$1", "ingress", "(.+)")`;
}

const ENVOY_ROUTES = 'envoy_cluster_name=~"httproute/.+"';

function requests(window: string, errorsOnly: boolean): string {
  const envoy = `rate(envoy_cluster_upstream_rq_xx{${ENVOY_ROUTES}${errorsOnly ? ', envoy_response_code_class="5"' : ''}}[${window}])`;
  const nginx = `rate(nginx_ingress_controller_requests${errorsOnly ? '{status=~"5.."}' : ''}[${window}])`;
  return `sum by (${BY_ROUTE}) (${envoyByRoute(envoy)}) or sum by (${BY_ROUTE}) (${nginxByRoute(nginx)})`;
}

function quantile(q: number): string {
  const envoy = `histogram_quantile(${q}, sum by (${BY_ROUTE}, le) (${envoyByRoute(`rate(envoy_cluster_upstream_rq_time_bucket{${ENVOY_ROUTES}}[5m])`)})) / 1000`;
  const nginx = `histogram_quantile(${q}, sum by (${BY_ROUTE}, le) (${nginxByRoute('rate(nginx_ingress_controller_request_duration_seconds_bucket[5m])')}))`;
  return `(${envoy}) or (${nginx})`;
}

/** The recorded edge series: per route (namespace, route), whichever provider the environment uses. */
export const edgeRecorded = {
  requestRate: 'namespace_route:edge_requests:rate5m',
  errorRatio: 'namespace_route:edge_requests_errors:ratio_rate5m',
  latencyP95: 'namespace_route:edge_request_duration_seconds:p95_rate5m',
  latencyP99: 'namespace_route:edge_request_duration_seconds:p99_rate5m',
  /** Requests per second the entry's rate limits reject, summed over the entry. */
  rateLimited: 'edge_requests_rate_limited:rate5m',
} as const;

export function edgeRecordingGroup(): RuleGroup {
  return {
    name: 'platform.edge.recording',
    rules: [
      { record: edgeRecorded.requestRate, expr: requests('5m', false) },
      // 0 (not absent) for a route that serves requests without errors.
      { record: edgeRecorded.errorRatio, expr: `(${requests('5m', true)} or ${edgeRecorded.requestRate} * 0) / ${edgeRecorded.requestRate}` },
      { record: edgeRecorded.latencyP95, expr: quantile(0.95) },
      { record: edgeRecorded.latencyP99, expr: quantile(0.99) },
      {
        record: edgeRecorded.rateLimited,
        expr: 'sum(rate(envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited[5m])) or sum(rate(nginx_ingress_controller_requests{status="429"}[5m]))',
      },
    ],
  };
}

const route = 'route {{ $labels.route }} in {{ $labels.namespace }}';

export const edgeAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.edge.alerts',
  component: 'application',
  alerts: (t) => [
    {
      alert: 'EdgeHighErrorRate',
      priority: 'P0',
      expr: `${edgeRecorded.errorRatio} > ${t.edgeErrorRatio}`,
      for: t.edgeErrorRatioFor,
      summary: `The traffic entry answers {{ $value | humanizePercentage }} of the requests of ${route} with a 5xx`,
      description: `{{ $value | humanizePercentage }} of the requests to ${route} were answered with a 5xx status at the traffic entry over the last 5 minutes (threshold ${percent(t.edgeErrorRatio)}), for ${t.edgeErrorRatioFor}: the application's errors, or the entry's own (no ready backend, timeouts).`,
    },
    {
      alert: 'EdgeHighLatency',
      priority: 'P1',
      expr: `${edgeRecorded.latencyP99} > ${t.edgeLatencyP99Seconds}`,
      for: t.edgeLatencyFor,
      summary: `Requests of ${route} take {{ $value | humanizeDuration }} (p99) at the traffic entry`,
      description: `The 99th percentile duration of the requests to ${route}, measured at the traffic entry, has been above ${t.edgeLatencyP99Seconds}s for ${t.edgeLatencyFor} ({{ $value | humanizeDuration }}).`,
    },
  ],
};

export const edgeSecurityAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.edge.security.alerts',
  component: 'security',
  alerts: (t) => [
    {
      alert: 'EdgeRateLimiting',
      priority: 'P1',
      expr: `${edgeRecorded.rateLimited} > ${t.rateLimitedPerSecond}`,
      for: t.rateLimitedFor,
      summary: 'The traffic entry rejects {{ $value | humanize }} requests per second by its rate limits',
      description: `The traffic entry has rejected more than ${t.rateLimitedPerSecond} requests per second by its per-client rate limits for ${t.rateLimitedFor} ({{ $value | humanize }}/s): a client hammering the platform, or limits too low for real traffic.`,
    },
  ],
};
