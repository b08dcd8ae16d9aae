/**
 * The PromQL of the release analysis (lib/delivery/analysis-template.ts): how the new version of an
 * application is judged from the request metrics it exposes (http_requests_total with a `status`
 * label, http_request_duration_seconds histogram), scraped with the pod's
 * `rollouts_pod_template_hash` label (lib/monitoring/prometheus-config.ts keeps it), so that only the
 * new version's pods are measured, never the whole service.
 *
 * Rules, decided here and tested with the real promtool (test/delivery/analysis-promql.test.ts):
 * - **A trigger holds 5 minutes.** Each minute's ratio (or p95) is computed over that minute
 *   (`rate(...[1m])`); a measurement returns the lowest of the last five minutes (`min_over_time` of a
 *   `[5m:1m]` subquery), so it is above a threshold only when every one of the five was. A breach of
 *   four minutes never fails a measurement; one of five fails the next measurement (one a minute).
 * - **Minutes without requests** to the new version (a rate of 0, so 0/0 = NaN, or no series yet)
 *   neither start nor continue a trigger: such a minute is dropped (`>= 0` drops NaN), and fewer than
 *   five minutes with requests in the window give 0, "nothing held". A quiet release is therefore
 *   never rolled back by its own silence...
 * - **...nor passed by it**: the `requests` measurement at the end of each phase needs at least
 *   `rollout.analysis.minRequests` requests to the new version in the whole phase; with fewer it is
 *   inconclusive, and Argo Rollouts pauses the rollout for a person to promote or abort (a canary
 *   whose metrics are not scraped at all ends up here too).
 * Argument placeholders (`{{args.<name>}}`) are filled by Argo Rollouts from the step's args.
 */

/** Argument names of the release analysis, as the Rollout passes them. */
export const ANALYSIS_ARGS = {
  namespace: 'namespace',
  canaryHash: 'canary-hash',
  count: 'count',
  minutes: 'minutes',
  maxErrorRatio: 'max-error-ratio',
  maxP95Seconds: 'max-p95-seconds',
} as const;

/** How long a trigger must hold, in minutes (the release policy of issue 12), and the step of the check. */
const HOLD_MINUTES = 5;

const arg = (name: string) => `{{args.${name}}}`;

/** The new version's series: its namespace and pod template hash. */
const newVersion = `namespace="${arg(ANALYSIS_ARGS.namespace)}", rollouts_pod_template_hash="${arg(ANALYSIS_ARGS.canaryHash)}"`;

/** The 5xx ratio of the new version over one minute; NaN without requests, nothing without series. */
export const minuteErrorRatio = `(sum(rate(http_requests_total{${newVersion}, status=~"5.."}[1m])) or on() vector(0)) / sum(rate(http_requests_total{${newVersion}}[1m]))`;

/** The new version's p95 latency (seconds) over one minute; NaN without requests. */
export const minuteP95 = `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${newVersion}}[1m])))`;

/**
 * The value a minute-series held for the last HOLD_MINUTES minutes: the lowest of them when every
 * one had requests, else 0 (see the module comment).
 */
export function held(minuteSeries: string): string {
  const withRequests = `(${minuteSeries}) >= 0`;
  const window = `[${HOLD_MINUTES}m:1m]`;
  return `(min_over_time((${withRequests})${window}) and on() count_over_time((${withRequests})${window}) >= ${HOLD_MINUTES}) or on() vector(0)`;
}

/** Requests the new version served in the phase (`minutes` argument); 0 without series. */
export const phaseRequests = `sum(increase(http_requests_total{${newVersion}}[${arg(ANALYSIS_ARGS.minutes)}m])) or on() vector(0)`;

/** The success and failure conditions (Argo Rollouts' expression language) of a threshold. */
export function thresholdConditions(argName: string): { successCondition: string; failureCondition: string } {
  return { successCondition: `result[0] <= ${arg(argName)}`, failureCondition: `result[0] > ${arg(argName)}` };
}
