/** HTTP traffic of the applications: request rate, error ratios and latency percentiles. */
import type { DashboardDefinition } from './dashboard';
import { timeseries } from './panels';
import { APP, BY_APP, CLIENT_ERRORS, errorRatio, latencyQuantile, legend, requestRate } from './promql';

const BY_ROUTE = `${BY_APP}, route`;

export function httpDashboard(): DashboardDefinition {
  return {
    uid: 'platform-http',
    title: 'HTTP',
    description: 'Request rate, error ratios and latency percentiles of each application, from its http_requests_total and http_request_duration_seconds metrics.',
    tags: ['http'],
    time: { from: 'now-3h', to: 'now' },
    refresh: '1m',
    sections: [
      {
        title: 'Traffic',
        panels: [
          timeseries({
            title: 'Request rate',
            description: 'Requests per second served by each application.',
            queries: [{ expr: requestRate(BY_APP, '$__rate_interval'), legend: legend(BY_APP) }],
            unit: 'reqps',
          }),
          timeseries({
            title: 'Request rate by status class',
            description: 'Requests per second by class of response status (2xx, 3xx, 4xx, 5xx).',
            queries: [
              {
                expr: `sum by (${BY_APP}, class) (label_replace(rate(http_requests_total{${APP}}[$__rate_interval]), "class", "\${1}xx", "status", "([0-9])[0-9][0-9]"))`,
                legend: `${legend(BY_APP)} {{class}}`,
              },
            ],
            unit: 'reqps',
            stack: true,
          }),
          timeseries({
            title: 'Request rate by route',
            description: 'Requests per second by route template.',
            queries: [{ expr: requestRate(BY_ROUTE, '$__rate_interval'), legend: legend(BY_ROUTE) }],
            unit: 'reqps',
            width: 24,
          }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          timeseries({
            title: 'Server error ratio (5xx)',
            description: 'Share of requests answered with a 5xx: failures of the application, counted against its SLO.',
            queries: [{ expr: errorRatio(BY_APP, '$__rate_interval'), legend: legend(BY_APP) }],
            unit: 'percentunit',
          }),
          timeseries({
            title: 'Client error ratio (4xx)',
            description: 'Share of requests answered with a 4xx: a sudden rise often means a broken client or a changed API.',
            queries: [{ expr: errorRatio(BY_APP, '$__rate_interval', CLIENT_ERRORS), legend: legend(BY_APP) }],
            unit: 'percentunit',
          }),
        ],
      },
      {
        title: 'Latency',
        panels: [
          ...[0.5, 0.95, 0.99].map(latencyPercentile),
          timeseries({
            title: 'Average latency',
            description: 'Mean request duration: total time spent serving requests divided by their number.',
            queries: [
              {
                expr: `sum by (${BY_APP}) (rate(http_request_duration_seconds_sum{${APP}}[$__rate_interval])) / sum by (${BY_APP}) (rate(http_request_duration_seconds_count{${APP}}[$__rate_interval]))`,
                legend: legend(BY_APP),
              },
            ],
            unit: 's',
          }),
          timeseries({
            title: 'Latency p99 by route',
            description: '99th percentile of the request duration by route template.',
            queries: [{ expr: latencyQuantile(0.99, BY_ROUTE), legend: legend(BY_ROUTE) }],
            unit: 's',
          }),
        ],
      },
    ],
  };
}

function latencyPercentile(quantile: number) {
  const percentile = Math.round(quantile * 100);
  return timeseries({
    title: `Latency p${percentile}`,
    description: `${percentile}th percentile of the request duration, interpolated within the histogram buckets.`,
    queries: [{ expr: latencyQuantile(quantile, BY_APP), legend: legend(BY_APP) }],
    unit: 's',
    width: 8,
  });
}
