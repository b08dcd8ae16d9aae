import type { AlertSpec } from '../promtool';

/**
 * How the thresholds read in the alert descriptions once Prometheus (promtool) has expanded
 * `{{ <ratio> | humanizePercentage }}` (written here, not imported, to check lib/monitoring).
 */
export const percent = (ratio: number) => `${Math.round(ratio * 10000) / 100}%`;

type Thresholds = Parameters<AlertSpec['cases']>[0];

/**
 * The cases of a certificate-expiry alert: fires `days` before the expiry, silent `healthyDays` before.
 * `series(days)` is the metric of a certificate ending `days` after the evaluation at 10m; the texts
 * are those promtool expands (`left` reads like "2d 0h 0m 0s").
 */
export function expirySpec(options: {
  alertname: string;
  priority: 'P0' | 'P1';
  component: AlertSpec['component'];
  threshold: (t: Thresholds) => number;
  days: number;
  healthyDays: number;
  series: (days: number) => Record<string, string>;
  labels: Record<string, string>;
  summary: (left: string) => string;
  description: (threshold: number, left: string) => string;
}): AlertSpec {
  const left = `${options.days}d 0h 0m 0s`;
  return {
    alertname: options.alertname,
    priority: options.priority,
    component: options.component,
    cases: (t) => [
      {
        name: `fires ${options.days} days before expiry`,
        series: options.series(options.days),
        evalTime: '10m',
        fires: [{ labels: options.labels, summary: options.summary(left), description: options.description(options.threshold(t), left) }],
      },
      { name: `is silent ${options.healthyDays} days before expiry`, series: options.series(options.healthyDays), evalTime: '10m', fires: [] },
    ],
  };
}
