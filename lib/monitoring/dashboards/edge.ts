/**
 * The traffic entry: every route as the entry sees it (requests, 5xx ratio, latency) and the requests
 * its rate limits reject, from the recorded edge series (lib/monitoring/rules/edge.ts), whichever
 * provider the environment uses (Envoy Gateway's proxies or the ingress-nginx controller). The
 * namespace variable is the shared one; routes are named after the applications (`$job`).
 */
import { edgeRecorded } from '../rules/edge';
import type { DashboardDefinition } from './dashboard';
import { stat, thresholds, timeseries } from './panels';
import { legend } from './promql';

const ROUTES = 'namespace=~"$namespace", route=~"$job"';
const BY_ROUTE = 'namespace, route';

export function edgeDashboard(): DashboardDefinition {
  const series = (name: string) => `${name}{${ROUTES}}`;
  return {
    uid: 'platform-edge',
    title: 'Traffic entry',
    description: 'The routes of the applications as the traffic entry (Envoy Gateway proxies or the ingress-nginx controller) sees them: requests, 5xx ratio, latency, and rate-limit rejections.',
    tags: ['edge', 'traffic'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    sections: [
      {
        title: 'Now',
        panels: [
          stat({
            title: '5xx ratio now',
            description: 'Each route’s share of 5xx responses at the entry over the last 5 minutes.',
            queries: [{ expr: series(edgeRecorded.errorRatio), legend: legend(BY_ROUTE) }],
            unit: 'percentunit',
            decimals: 2,
            thresholds: thresholds('green', [0.01, 'orange'], [0.05, 'red']),
            width: 12,
          }),
          stat({
            title: 'Latency p99 now',
            description: 'Each route’s 99th percentile request duration at the entry over the last 5 minutes.',
            queries: [{ expr: series(edgeRecorded.latencyP99), legend: legend(BY_ROUTE) }],
            unit: 's',
            thresholds: thresholds('green', [0.5, 'orange'], [1, 'red']),
            width: 12,
          }),
        ],
      },
      {
        title: 'Routes',
        panels: [
          timeseries({
            title: 'Requests per route',
            description: 'Requests per second each route receives at the traffic entry.',
            queries: [{ expr: series(edgeRecorded.requestRate), legend: legend(BY_ROUTE) }],
            unit: 'reqps',
            width: 12,
          }),
          timeseries({
            title: '5xx ratio per route',
            description: 'Share of each route’s requests answered with a 5xx at the entry: the application’s errors and the entry’s own (no ready backend, timeouts). The alert pages above 5% for 5 minutes.',
            queries: [{ expr: series(edgeRecorded.errorRatio), legend: legend(BY_ROUTE) }],
            unit: 'percentunit',
            thresholds: thresholds('green', [0.05, 'red']),
            thresholdLines: true,
            width: 12,
          }),
          timeseries({
            title: 'Latency p95 and p99 per route',
            description: 'Request duration at the entry, backend time included.',
            queries: [
              { expr: series(edgeRecorded.latencyP95), legend: `${legend(BY_ROUTE)} p95` },
              { expr: series(edgeRecorded.latencyP99), legend: `${legend(BY_ROUTE)} p99` },
            ],
            unit: 's',
            width: 16,
          }),
          stat({
            title: 'Rate-limit rejections',
            description: 'Requests per second the entry’s per-client rate limits reject (Envoy’s local rate limit; ingress-nginx answers them with status 429). The alert fires above 10/s for 5 minutes.',
            queries: [{ expr: edgeRecorded.rateLimited }],
            unit: 'reqps',
            thresholds: thresholds('green', [10, 'orange']),
            noValue: '0',
            width: 8,
            height: 8,
          }),
        ],
      },
    ],
  };
}
