/**
 * How the thresholds read in the alert descriptions once Prometheus (promtool) has expanded
 * `{{ <ratio> | humanizePercentage }}` (written here, not imported, to check lib/monitoring).
 */
export const percent = (ratio: number) => `${Math.round(ratio * 10000) / 100}%`;
