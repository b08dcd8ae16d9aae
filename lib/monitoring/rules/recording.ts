/**
 * Recording rules: the HTTP request rates, error ratios and latency percentiles the application alerts
 * and the SLO burn-rate alerts read, computed once per evaluation instead of in every alert.
 * Every series is per application: `namespace` and `job` (the application name).
 */
import type { RuleGroup } from './model';

const byApplication = 'namespace, job';

/** The windows of the multiwindow, multi-burn-rate alerts (Google SRE workbook, chapter 5). */
const sloWindows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof sloWindows)[number];

export const recorded = {
  requestRate: 'job:http_requests:rate5m',
  errorRatio: (window: SloWindow) => `job:http_requests_errors:ratio_rate${window}`,
  latencyBuckets: 'job_le:http_request_duration_seconds_bucket:rate5m',
  latencyP95: 'job:http_request_duration_seconds:p95_rate5m',
  latencyP99: 'job:http_request_duration_seconds:p99_rate5m',
} as const;

/**
 * 5xx responses per request over a window; 0 (not absent) when an application serves requests without
 * errors, so that dashboards and burn rates show a value.
 */
function errorRatio(window: SloWindow): string {
  const requests = `sum by (${byApplication}) (rate(http_requests_total[${window}]))`;
  const errors = `sum by (${byApplication}) (rate(http_requests_total{status=~"5.."}[${window}]))`;
  return `(${errors} or ${requests} * 0) / ${requests}`;
}

export function recordingRuleGroups(): RuleGroup[] {
  return [
    {
      name: 'platform.http.recording',
      rules: [
        { record: recorded.requestRate, expr: `sum by (${byApplication}) (rate(http_requests_total[5m]))` },
        {
          record: recorded.latencyBuckets,
          expr: `sum by (${byApplication}, le) (rate(http_request_duration_seconds_bucket[5m]))`,
        },
        { record: recorded.latencyP95, expr: `histogram_quantile(0.95, ${recorded.latencyBuckets})` },
        { record: recorded.latencyP99, expr: `histogram_quantile(0.99, ${recorded.latencyBuckets})` },
      ],
    },
    {
      name: 'platform.slo.recording',
      rules: sloWindows.map((window) => ({ record: recorded.errorRatio(window), expr: errorRatio(window) })),
    },
  ];
}
