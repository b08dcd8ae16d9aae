/**
 * The shape of a Prometheus rule file, and the platform's alert tiers: what every alert carries besides
 * its expression (priority, severity, component, runbook), so that Alertmanager can route on it.
 */

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

export interface RuleFile {
  groups: RuleGroup[];
}

/** P0 pages someone now, P1 is handled in working hours, P2 is for the record. */
export type Priority = 'P0' | 'P1' | 'P2';

export const severityOf = { P0: 'critical', P1: 'warning', P2: 'info' } as const satisfies Record<Priority, string>;

/** The team an alert is routed to (Alertmanager matches on the `component` label). */
export type Component = 'application' | 'infrastructure' | 'database' | 'security' | 'monitoring';

/** An alert as written in lib/monitoring/rules/*.ts; buildAlertRules adds the labels and runbook link. */
export interface AlertDefinition {
  alert: string;
  priority: Priority;
  expr: string;
  for?: string;
  /** Go template over $labels and $value, one line. */
  summary: string;
  /** Go template over $labels and $value: what happened, and the threshold. */
  description: string;
}

/** A higher tier of the same condition, which makes the lower one redundant while both fire. */
export interface Escalation {
  /** The more severe alert. */
  source: string;
  /** The alert it supersedes. */
  target: string;
  /** Labels that must be equal for the source to mute the target. */
  equal: string[];
}

/**
 * A ratio written as a percentage in an annotation: Prometheus formats it when it expands the template
 * (`{{ 0.05 | humanizePercentage }}` reads "5%"). The builder copies the value as is, never computes on
 * it, so that the value stays a Helm value (lib/monitoring/stack/configs.ts).
 */
export function percent(ratio: number): string {
  return `{{ ${ratio} | humanizePercentage }}`;
}

/** A rule group of alerts that all go to the same team. */
export interface AlertGroupDefinition<T> {
  name: string;
  component: Component;
  alerts: (thresholds: T) => AlertDefinition[];
}
