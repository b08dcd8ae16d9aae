/**
 * Availability SLO of each application over a rolling 30 days. The SLI is the share of requests not
 * answered with a 5xx; the error budget is the share allowed to fail (1 - target).
 *
 * The target is only ever copied into the dashboard, never computed on: everything derived from it
 * (error budget, burn rates) is computed by PromQL, and its range is checked by the values schema, not
 * here. lib/monitoring/stack/configs.ts relies on this to keep the target a Helm value: it builds the
 * dashboards once with a marker in its place (interpolated text).
 */
import type { DashboardDefinition } from './dashboard';
import { gauge, stat, thresholds, timeseries } from './panels';
import { APP, BY_APP, SERVER_ERRORS, errorRatio, legend } from './promql';

const SLO_WINDOW = '30d';
/** 99.950%: one digit finer than a three-nines target. */
const AVAILABILITY_DECIMALS = 3;

/**
 * The windows of multiwindow burn-rate alerting (Google SRE workbook, "Alerting on SLOs") and the
 * burn rate at which each alerts: 14.4 over 1h spends 2% of a 30-day budget, 6 over 6h 5% (page);
 * 3 over 1d and 1 over 3d 10% (ticket). A burn rate of 1 spends exactly the budget in 30 days.
 */
const BURN_RATE_WINDOWS = [
  { window: '1h', threshold: 14.4 },
  { window: '6h', threshold: 6 },
  { window: '1d', threshold: 3 },
  { window: '3d', threshold: 1 },
];

/**
 * Error ratio over `window` relative to the error budget (1 - target): 1 spends the budget exactly
 * in the SLO window.
 */
export function burnRate(sloTarget: number, window: string): string {
  return `(${errorRatio(BY_APP, window)}) / (1 - ${sloTarget})`;
}

export function sloDashboard(sloTarget: number): DashboardDefinition {
  const availability = (window: string) => `1 - (${errorRatio(BY_APP, window)})`;
  const budgetRemaining = `1 - ${burnRate(sloTarget, SLO_WINDOW)}`;
  const meetsTarget = thresholds('red', [sloTarget, 'green']);
  return {
    uid: 'platform-slo',
    title: 'SLO: availability',
    description: `Availability SLO: a share of ${sloTarget} of the requests of a rolling ${SLO_WINDOW} not answered with a 5xx. SLI, error budget and burn rates.`,
    tags: ['slo'],
    time: { from: 'now-7d', to: 'now' },
    refresh: '5m',
    sections: [
      {
        title: `Availability SLO: ${sloTarget} over ${SLO_WINDOW}`,
        panels: [
          stat({
            title: 'SLO target',
            description: `Share of requests over ${SLO_WINDOW} that must not be answered with a 5xx.`,
            queries: [{ expr: `vector(${sloTarget})`, legend: 'target' }],
            unit: 'percentunit',
            decimals: AVAILABILITY_DECIMALS,
            thresholds: thresholds('text'),
            height: 6,
          }),
          stat({
            title: `Availability (${SLO_WINDOW})`,
            description: `SLI over the SLO window: share of the requests of the last ${SLO_WINDOW} not answered with a 5xx.`,
            queries: [{ expr: availability(SLO_WINDOW), legend: legend(BY_APP) }],
            unit: 'percentunit',
            decimals: AVAILABILITY_DECIMALS,
            thresholds: meetsTarget,
            height: 6,
          }),
          stat({
            title: 'Availability (time range)',
            description: 'SLI over the selected time range.',
            queries: [{ expr: availability('$__range'), legend: legend(BY_APP) }],
            unit: 'percentunit',
            decimals: AVAILABILITY_DECIMALS,
            thresholds: meetsTarget,
            height: 6,
          }),
          gauge({
            title: `Error budget remaining (${SLO_WINDOW})`,
            description: `Share of the error budget (1 - ${sloTarget} of the requests of the last ${SLO_WINDOW}) not yet spent. Below 0 the SLO is missed.`,
            queries: [{ expr: budgetRemaining, legend: legend(BY_APP) }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: thresholds('red', [0.25, 'orange'], [0.5, 'green']),
          }),
          stat({
            title: `Failed requests: allowed and observed (${SLO_WINDOW})`,
            description: `Requests the error budget allows to fail over the last ${SLO_WINDOW}, and those answered with a 5xx.`,
            queries: [
              {
                expr: `(1 - ${sloTarget}) * sum by (${BY_APP}) (increase(http_requests_total{${APP}}[${SLO_WINDOW}]))`,
                legend: `${legend(BY_APP)} allowed`,
              },
              {
                expr: `sum by (${BY_APP}) (increase(http_requests_total{${APP}, ${SERVER_ERRORS}}[${SLO_WINDOW}]))`,
                legend: `${legend(BY_APP)} failed`,
              },
            ],
            unit: 'short',
            decimals: 0,
            thresholds: thresholds('text'),
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Error budget remaining',
            description: `Share of the error budget left, over the ${SLO_WINDOW} before each point. Each point reads ${SLO_WINDOW} of data, hence the 1h step.`,
            queries: [{ expr: budgetRemaining, legend: legend(BY_APP) }],
            unit: 'percentunit',
            max: 1,
            interval: '1h',
            thresholds: thresholds('red', [0, 'green']),
            thresholdLines: true,
          }),
        ],
      },
      {
        title: 'Burn rate',
        panels: [
          ...BURN_RATE_WINDOWS.map(({ window, threshold }) =>
            stat({
              title: `Burn rate ${window}`,
              description: `Error ratio of the last ${window} divided by the error budget. Red from ${threshold}, the multiwindow burn-rate alert threshold for this window.`,
              queries: [{ expr: burnRate(sloTarget, window), legend: legend(BY_APP) }],
              unit: 'none',
              decimals: 2,
              thresholds: thresholds('green', [threshold, 'red']),
            }),
          ),
          timeseries({
            title: 'Burn rate by window',
            description: 'Burn rate over each alerting window. Above 1 (dashed) the budget runs out before the end of the SLO window.',
            queries: BURN_RATE_WINDOWS.map(({ window }) => ({ expr: burnRate(sloTarget, window), legend: `${legend(BY_APP)} ${window}` })),
            unit: 'none',
            thresholds: thresholds('green', [1, 'orange']),
            thresholdLines: true,
          }),
          timeseries({
            title: 'Availability (SLI)',
            description: `Share of requests not answered with a 5xx; the dashed line is the target, ${sloTarget}.`,
            queries: [{ expr: availability('$__rate_interval'), legend: legend(BY_APP) }],
            unit: 'percentunit',
            max: 1,
            includeZero: false,
            thresholds: meetsTarget,
            thresholdLines: true,
          }),
        ],
      },
    ],
  };
}
