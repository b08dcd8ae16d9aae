/**
 * The platform's Prometheus rules: recording rules, and alerting rules in three tiers.
 * Every alert carries `priority` (P0 page, P1 working hours, P2 for the record), the matching `severity`
 * (critical, warning, info), the `component` Alertmanager routes on (see alertmanager-config.ts) and the
 * `environment`, and the annotations `summary`, `description` and `runbook_url` (<runbookBaseUrl>/<alert>).
 * The result is the content of a rule file as a plain object; it loads in Prometheus 2.42 and later.
 *
 * Every threshold and option is copied into the rules as is: no validation, arithmetic, formatting or
 * branching on a value here (ratios in descriptions are formatted by Prometheus: `humanizePercentage`).
 * That keeps them Helm values of the monitoring chart (lib/monitoring/stack/configs.ts). The values
 * schema validates them (AlertThresholdsSchema), and `thresholdProblems` what a schema cannot say.
 */
import { applicationAlerts } from './rules/application';
import { databaseBackupAlerts, volumeBackupAlerts } from './rules/backups';
import { certificateAlerts } from './rules/certificates';
import { databaseAlerts } from './rules/database';
import { dataStoreAlerts } from './rules/data-stores';
import { edgeAlerts, edgeRecordingGroup, edgeSecurityAlerts } from './rules/edge';
import { infrastructureAlerts } from './rules/infrastructure';
import { type AlertDefinition, type AlertingRule, type Component, type Escalation, type RuleFile, severityOf } from './rules/model';
import { monitoringAlerts } from './rules/monitoring';
import { nodeAlerts } from './rules/nodes';
import { recordingRuleGroups } from './rules/recording';
import { securityAlerts } from './rules/security';
import { sloAlerts } from './rules/slo';
import { type AlertThresholds, defaultAlertThresholds } from './rules/thresholds';
import { rolloutAlerts } from './rules/rollouts';
import { workloadAlerts } from './rules/workloads';

export type { AlertingRule, RuleFile } from './rules/model';
export { AlertThresholdsSchema, defaultAlertThresholds, thresholdOrderProblems, thresholdOrders, thresholdProblems } from './rules/thresholds';
export type { AlertThresholds } from './rules/thresholds';

export interface AlertRuleOptions {
  /** Runbooks live at <runbookBaseUrl>/<alert name>; without a trailing slash (the values schema says so). */
  runbookBaseUrl: string;
  /** Written as the `environment` label of every alert. */
  environment: string;
}

const alertGroups = [
  applicationAlerts,
  sloAlerts,
  workloadAlerts,
  rolloutAlerts,
  infrastructureAlerts,
  nodeAlerts,
  databaseAlerts,
  dataStoreAlerts,
  edgeAlerts,
  edgeSecurityAlerts,
  securityAlerts,
  monitoringAlerts,
  certificateAlerts,
  databaseBackupAlerts,
  volumeBackupAlerts,
];

/** Pairs of alerts on the same condition at two thresholds: while the source fires, the target is muted. */
export const alertEscalations: readonly Escalation[] = [
  { source: 'ErrorBudgetBurnFast', target: 'ErrorBudgetBurnSlow', equal: ['namespace', 'job'] },
  { source: 'NodeDiskUsageCritical', target: 'NodeDiskUsageHigh', equal: ['instance', 'mountpoint'] },
  { source: 'NodeCPUCriticalUsage', target: 'NodeCPUHighUsage', equal: ['instance'] },
  { source: 'DatabaseConnectionPoolExhausted', target: 'PostgreSQLHighConnections', equal: ['data_store'] },
  // A data store that accepts no connection: its exporter's "down" says the same.
  { source: 'DataStoreUnreachable', target: 'PostgreSQLDown', equal: ['data_store'] },
  { source: 'DataStoreUnreachable', target: 'RedisDown', equal: ['data_store'] },
  { source: 'PersistentVolumeUsageCritical', target: 'PersistentVolumeUsageHigh', equal: ['namespace', 'persistentvolumeclaim'] },
  { source: 'TLSCertificateExpiryImminent', target: 'TLSCertificateExpiringSoon', equal: ['instance'] },
  { source: 'CertificateExpiryImminent', target: 'CertificateRenewalOverdue', equal: ['namespace', 'name'] },
];

/** The names of the built-in alerts, in the order of the rule file (their set does not depend on the thresholds). */
export const builtInAlertNames: readonly string[] = alertGroups.flatMap((group) => group.alerts(defaultAlertThresholds).map((definition) => definition.alert));

export function buildAlertRules(thresholds: AlertThresholds, options: AlertRuleOptions): RuleFile {
  const { runbookBaseUrl } = options;
  const alertingRule = (definition: AlertDefinition, component: Component): AlertingRule => ({
    alert: definition.alert,
    expr: definition.expr,
    ...(definition.for ? { for: definition.for } : {}),
    labels: {
      priority: definition.priority,
      severity: severityOf[definition.priority],
      component,
      environment: options.environment,
    },
    annotations: {
      summary: definition.summary,
      description: definition.description,
      runbook_url: `${runbookBaseUrl}/${definition.alert}`,
    },
  });
  return {
    groups: [
      ...recordingRuleGroups(),
      edgeRecordingGroup(),
      ...alertGroups.map((group) => ({
        name: group.name,
        rules: group.alerts(thresholds).map((definition) => alertingRule(definition, group.component)),
      })),
    ],
  };
}
