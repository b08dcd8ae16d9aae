/** The threshold sets the promtool suites run with, and the context the rules are built in. */
import { type AlertThresholds, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import type { RuleContext } from './promtool';

export const ruleContext: RuleContext = { runbookBaseUrl: 'https://runbooks.example.com/alerts', environment: 'production' };

/** Stricter than the defaults, as a production overlay would set them. */
export const productionThresholds: AlertThresholds = {
  ...defaultAlertThresholds,
  errorRatio: 0.02,
  latencyP99Seconds: 0.75,
  latencyP95Seconds: 0.3,
  cpuLimitRatio: 0.75,
  memoryLimitRatio: 0.8,
  diskWarningRatio: 0.7,
  diskCriticalRatio: 0.8,
  restartsPerHour: 3,
  certExpiryWarningDays: 21,
  certExpiryCriticalDays: 7,
};
