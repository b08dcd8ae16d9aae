/** Series shared by the cases: one application `api` in namespace `shop`, its HTTP traffic and latency. */
import { selector } from '../promtool';

export const api = { job: 'api', namespace: 'shop' };
export const apiPod = (pod: string, ip: string) => ({ ...api, pod, app: 'api', instance: `${ip}:8080` });
export const apiContainer = { namespace: 'shop', pod: 'api-7d9f8-abcde', container: 'api' };
export const kubeStateMetrics = { job: 'kube-state-metrics', instance: '10.0.1.5:8080' };

/** A counter growing by `perSample` at each of `samples` steps after 0. */
const counter = (perSample: number, samples: number) => `0+${perSample}x${samples}`;

export const requests = (status: string) => selector('http_requests_total', { ...api, method: 'GET', route: '/orders', status });

/** Requests to `api` per minute for `minutes`: `ok` answered 200, `errors` answered 500. */
export function traffic(ok: number, errors: number, minutes: number): Record<string, string> {
  return { [requests('200')]: counter(ok, minutes), [requests('500')]: counter(errors, minutes) };
}

export const latencyBuckets = ['0.1', '0.25', '0.5', '1', '2.5', '+Inf'] as const;

/**
 * 60 requests a minute to `api` for `minutes`, all taking between the bucket below `slowestBucket` and
 * `slowestBucket` seconds: the quantile q is then lower + (slowestBucket - lower) * q.
 */
export function latency(slowestBucket: (typeof latencyBuckets)[number], minutes: number): Record<string, string> {
  const from = latencyBuckets.indexOf(slowestBucket);
  return Object.fromEntries(
    latencyBuckets.map((le, index) => [selector('http_request_duration_seconds_bucket', { ...api, method: 'GET', route: '/orders', le }), index >= from ? counter(60, minutes) : `0x${minutes}`]),
  );
}
