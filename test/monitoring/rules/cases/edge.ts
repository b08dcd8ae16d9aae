/**
 * Cases of the edge alerts (lib/monitoring/rules/edge.ts), with series as Envoy Gateway's proxies and
 * the ingress-nginx controller expose them: either provider gives the same route labels.
 */
import { type AlertSpec, type RecordingCase, selector } from '../promtool';
import { percent } from './format';

const envoy = { job: 'edge-envoy', instance: '10.1.2.3:19001', pod: 'envoy-gateway-system-platform-7d9f8' };
const nginx = { job: 'edge-ingress-nginx', instance: '10.1.2.4:10254', pod: 'ingress-nginx-controller-5c7d9' };
const cluster = 'httproute/api-production/api/rule/0';
const api = { namespace: 'api-production', route: 'api' };

/** Envoy: `ok` 2xx and `errors` 5xx responses a minute from the api route's cluster. */
function envoyTraffic(ok: number, errors: number): Record<string, string> {
  const rq = (code: string) => selector('envoy_cluster_upstream_rq_xx', { ...envoy, envoy_cluster_name: cluster, envoy_response_code_class: code });
  return { [rq('2')]: `0+${ok}x20`, [rq('5')]: `0+${errors}x20` };
}

/** ingress-nginx: `ok` 200 and `errors` 502 responses a minute for the api Ingress. */
function nginxTraffic(ok: number, errors: number): Record<string, string> {
  const rq = (status: string) => selector('nginx_ingress_controller_requests', { ...nginx, namespace: 'api-staging', ingress: 'api', service: 'api', method: 'GET', status });
  return { [rq('200')]: `0+${ok}x20`, [rq('502')]: `0+${errors}x20` };
}

/** Envoy's request time histogram (milliseconds): 60 requests a minute, all between 1 and 2.5 s. */
function envoySlow(slowest: '250' | '2500'): Record<string, string> {
  const buckets = ['100', '250', '1000', '2500', '+Inf'];
  return Object.fromEntries(
    buckets.map((le) => [selector('envoy_cluster_upstream_rq_time_bucket', { ...envoy, envoy_cluster_name: cluster, le }), buckets.indexOf(le) >= buckets.indexOf(slowest) ? '0+60x20' : '0x20']),
  );
}

const errorDescription = (share: string, namespace: string, threshold: number, duration: string) =>
  `${share} of the requests to route api in ${namespace} were answered with a 5xx status at the traffic entry over the last 5 minutes (threshold ${percent(threshold)}), for ${duration}: the application's errors, or the entry's own (no ready backend, timeouts).`;

export const edgeSpecs: AlertSpec[] = [
  {
    alertname: 'EdgeHighErrorRate',
    priority: 'P0',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires on 10% of 5xx at the Envoy proxies',
        series: envoyTraffic(540, 60),
        evalTime: '15m',
        fires: [
          {
            labels: api,
            summary: 'The traffic entry answers 10% of the requests of route api in api-production with a 5xx',
            description: errorDescription('10%', 'api-production', t.edgeErrorRatio, t.edgeErrorRatioFor),
          },
        ],
      },
      {
        name: 'fires on 20% of 5xx at the ingress-nginx controller',
        series: nginxTraffic(480, 120),
        evalTime: '15m',
        fires: [
          {
            labels: { namespace: 'api-staging', route: 'api' },
            summary: 'The traffic entry answers 20% of the requests of route api in api-staging with a 5xx',
            description: errorDescription('20%', 'api-staging', t.edgeErrorRatio, t.edgeErrorRatioFor),
          },
        ],
      },
      { name: 'is silent on 1% of 5xx', series: { ...envoyTraffic(594, 6), ...nginxTraffic(594, 6) }, evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'EdgeHighLatency',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when every request takes 1 to 2.5 s (Envoy counts milliseconds)',
        series: envoySlow('2500'),
        evalTime: '15m',
        fires: [
          {
            labels: api,
            summary: 'Requests of route api in api-production take 2.485s (p99) at the traffic entry',
            description: `The 99th percentile duration of the requests to route api in api-production, measured at the traffic entry, has been above ${t.edgeLatencyP99Seconds}s for ${t.edgeLatencyFor} (2.485s).`,
          },
        ],
      },
      { name: 'is silent when every request takes at most 250 ms', series: envoySlow('250'), evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'EdgeRateLimiting',
    priority: 'P1',
    component: 'security',
    cases: (t) => {
      const envoyLimited = (perMinute: number) => ({ [selector('envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited', envoy)]: `0+${perMinute}x20` });
      const nginxLimited = (perMinute: number) => ({
        [selector('nginx_ingress_controller_requests', { ...nginx, namespace: 'api-staging', ingress: 'api', service: 'api', method: 'GET', status: '429' })]: `0+${perMinute}x20`,
      });
      const fires = (rate: string) => [
        {
          labels: {},
          summary: `The traffic entry rejects ${rate} requests per second by its rate limits`,
          description: `The traffic entry has rejected more than ${t.rateLimitedPerSecond} requests per second by its per-client rate limits for ${t.rateLimitedFor} (${rate}/s): a client hammering the platform, or limits too low for real traffic.`,
        },
      ];
      return [
        { name: 'fires on 20 rejections a second at the Envoy proxies for 5m', series: envoyLimited(1200), evalTime: '15m', fires: fires('20') },
        { name: 'fires on 15 responses 429 a second at the ingress-nginx controller', series: nginxLimited(900), evalTime: '15m', fires: fires('15') },
        { name: 'is silent on 5 rejections a second', series: { ...envoyLimited(300) }, evalTime: '15m', fires: [] },
      ];
    },
  },
];

export const edgeRecordingCases: RecordingCase[] = [
  {
    name: 'edge requests per route from Envoy Gateway cluster names',
    series: envoyTraffic(540, 60),
    evalTime: '10m',
    expr: 'namespace_route:edge_requests:rate5m',
    samples: [{ labels: 'namespace_route:edge_requests:rate5m{namespace="api-production", route="api"}', value: 10 }],
  },
  {
    name: 'edge 5xx ratio is 0, not absent, without errors (ingress-nginx)',
    series: nginxTraffic(600, 0),
    evalTime: '10m',
    expr: 'namespace_route:edge_requests_errors:ratio_rate5m',
    samples: [{ labels: 'namespace_route:edge_requests_errors:ratio_rate5m{namespace="api-staging", route="api"}', value: 0 }],
  },
];
