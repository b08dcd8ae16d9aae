/**
 * Error-budget burn-rate alerts for the availability objective, after the Google SRE workbook
 * ("Alerting on SLOs", multiwindow, multi-burn-rate): each condition needs a long window (significant
 * budget spent) and a short one (still happening), so that alerts fire fast and reset fast.
 *   page:   14.4x over 1h and 5m (2% of a 30-day budget in an hour), 6x over 6h and 30m (5% in 6 hours);
 *   ticket: 3x over 1d and 2h (10% in a day), 1x over 3d and 6h (10% in 3 days).
 */
import { type AlertGroupDefinition, percent } from './model';
import { type SloWindow, recorded } from './recording';
import type { AlertThresholds } from './thresholds';

const app = '{{ $labels.job }} in {{ $labels.namespace }}';

/** Both windows' error ratios above `burnRate` times the error budget (1 - objective). */
function burning(burnRate: number, long: SloWindow, short: SloWindow, objective: number): string {
  const threshold = `(${burnRate} * (1 - ${objective}))`;
  return `(${recorded.errorRatio(long)} > ${threshold} and ${recorded.errorRatio(short)} > ${threshold})`;
}

export const sloAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.slo.alerts',
  component: 'application',
  alerts: (t) => [
    {
      alert: 'ErrorBudgetBurnFast',
      priority: 'P0',
      expr: `${burning(14.4, '1h', '5m', t.availabilitySlo)} or ${burning(6, '6h', '30m', t.availabilitySlo)}`,
      for: '2m',
      summary: `${app} is burning its error budget fast`,
      description:
        `${app} failed {{ $value | humanizePercentage }} of its requests over the long window: its 30-day error budget ` +
        `for ${percent(t.availabilitySlo)} availability runs out within 5 days at this rate ` +
        '(burn rate above 14.4 over 1h and 5m, or above 6 over 6h and 30m).',
    },
    {
      alert: 'ErrorBudgetBurnSlow',
      priority: 'P1',
      expr: `${burning(3, '1d', '2h', t.availabilitySlo)} or ${burning(1, '3d', '6h', t.availabilitySlo)}`,
      for: '15m',
      summary: `${app} is spending its error budget too fast`,
      description:
        `${app} failed {{ $value | humanizePercentage }} of its requests over the long window: its 30-day error budget ` +
        `for ${percent(t.availabilitySlo)} availability runs out before the 30 days end ` +
        '(burn rate above 3 over 1d and 2h, or above 1 over 3d and 6h).',
    },
  ],
};
