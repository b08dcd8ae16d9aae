/**
 * Log-based alerts, evaluated by Loki's ruler over the pods' logs that Alloy ships (labels namespace,
 * pod, container: lib/monitoring/stack/alloy.ts) and sent to Alertmanager like Prometheus' alerts (the
 * same labels: priority, severity, component, environment, and job = the application, so that
 * ServiceDown's inhibition mutes them too). One rule group per application, in its namespace:
 * - ApplicationErrorLogBurst (P1): more than `logErrorLines` lines with error, exception, fatal or panic
 *   in 5 minutes, for `logErrorBurstFor` (an error burst);
 * - ApplicationWarningLogs (P2): warnings appearing, any line with warn or warning in 10 minutes (the
 *   documents: "warning logs appearing", their lowest priority).
 * The expressions are LogQL (Loki's own PromQL-like language); the tests parse them with Grafana's
 * LogQL grammar (@grafana/lezer-logql) and check the file's structure and templates with promtool.
 */
import { type AlertDefinition, type AlertingRule, type RuleFile, severityOf } from './model';
import type { AlertThresholds } from './thresholds';

export interface LoggedApplication {
  /** The application (its `job` in the alerts). */
  readonly name: string;
  readonly namespace: string;
}

export interface LogRuleOptions {
  readonly runbookBaseUrl: string;
  readonly environment: string;
}

/** Words of a line at error level, and at warning level (case-insensitive, whole words: RE2 syntax, as Loki reads it). */
const ERROR_LINES = '(?i)\\\\b(error|exception|fatal|panic)\\\\b';
const WARNING_LINES = '(?i)\\\\b(warn|warning)\\\\b';

function logAlerts(app: LoggedApplication, t: AlertThresholds): AlertDefinition[] {
  const stream = `{namespace="${app.namespace}"}`;
  const where = `${app.name} in ${app.namespace}`;
  return [
    {
      alert: 'ApplicationErrorLogBurst',
      priority: 'P1',
      expr: `sum by (namespace) (count_over_time(${stream} |~ "${ERROR_LINES}" [5m])) > ${t.logErrorLines}`,
      for: t.logErrorBurstFor,
      summary: `${where} logs {{ $value }} errors in 5 minutes`,
      description: `The pods of ${where} have logged more than ${t.logErrorLines} lines with error, exception, fatal or panic in 5 minutes, for ${t.logErrorBurstFor} ({{ $value }} now): see its logs in Grafana (Loki, namespace ${app.namespace}).`,
    },
    {
      alert: 'ApplicationWarningLogs',
      priority: 'P2',
      expr: `sum by (namespace) (count_over_time(${stream} |~ "${WARNING_LINES}" [10m])) > 0`,
      summary: `${where} logs warnings`,
      description: `The pods of ${where} have logged {{ $value }} lines with warn or warning in the last 10 minutes.`,
    },
  ];
}

/** The names of the log-based alerts (switchable like the built-in ones: rules.disabled). */
export const logAlertNames: readonly string[] = ['ApplicationErrorLogBurst', 'ApplicationWarningLogs'];

/** Loki's rule file: one group per application, `logs.<name>`. */
export function buildLogRules(thresholds: AlertThresholds, applications: readonly LoggedApplication[], options: LogRuleOptions): RuleFile {
  return {
    groups: applications.map((app) => ({
      name: `logs.${app.name}`,
      rules: logAlerts(app, thresholds).map(
        (definition): AlertingRule => ({
          alert: definition.alert,
          expr: definition.expr,
          ...(definition.for ? { for: definition.for } : {}),
          labels: { priority: definition.priority, severity: severityOf[definition.priority], component: 'application', environment: options.environment, job: app.name },
          annotations: { summary: definition.summary, description: definition.description, runbook_url: `${options.runbookBaseUrl}/${definition.alert}` },
        }),
      ),
    })),
  };
}
