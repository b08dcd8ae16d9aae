/**
 * Alert and recording rules written in values, beside the built-in ones (kube-prometheus-stack's
 * additionalPrometheusRulesMap): rule groups of the platform (`monitoring.rules.groups`) and each
 * application's own rules (`metrics.rules` of its values, one group `application.<name>` where it is
 * monitored). They are Prometheus rules, plus what the platform's routing needs: an alert's `priority`
 * (P0, P1, P2) becomes its labels priority and severity, with `component` (the team; default
 * application for an application's rules, infrastructure for the platform's) and `environment`, as the
 * built-in alerts have them (lib/monitoring/alert-rules.ts).
 *
 * The file is one group per line, as JSON (which is YAML): written the same by JavaScript (goJson) and
 * by the chart's named template (ruleGroupsHelper), and checked by promtool at synth time
 * (promtool-check.ts), its line numbers pointing at the group.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Expr, type GoContext, type Scope } from '../../template/expr';
import { goJson } from '../../template/go-semantics';
import { patterns, str } from '../../values/schema-primitives';
import { MONITORING_CHART } from '../stack/chart-name';
import { configMapShareRule } from '../stack/config-map-share';
import { severityOf } from './model';

const closed = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });
const textMap = (description: string) =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    description,
    propertyNames: { pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', maxLength: 128 },
    additionalProperties: { type: 'string', pattern: patterns.safeText, maxLength: 4096 },
  });

const COMPONENTS = ['application', 'infrastructure', 'database', 'security', 'monitoring'] as const;

export const ExtraRuleSchema = Type.Object(
  {
    alert: Type.Optional(str('Name of an alerting rule (exactly one of alert or record).', '^[A-Za-z_][A-Za-z0-9_]*$', { maxLength: 128 })),
    record: Type.Optional(str('Name of the series a recording rule writes (level:metric:operations).', '^[a-zA-Z_:][a-zA-Z0-9_:]*$', { maxLength: 200 })),
    expr: str('PromQL expression (checked by promtool at synth time).', patterns.safeText, { minLength: 1, maxLength: 16384 }),
    for: Type.Optional(str('Alerts: how long the expression must hold before it fires.', patterns.duration)),
    priority: Type.Optional(oneOf(['P0', 'P1', 'P2'], 'Alerts (required): P0 pages now, P1 is handled in working hours, P2 is for the record; written as the labels priority and severity.')),
    component: Type.Optional(oneOf(COMPONENTS, 'Alerts: the team it is routed to (label component; default application for an application’s rules, infrastructure for the platform’s).')),
    labels: Type.Optional(textMap('Labels added to the alert or the recorded series (priority, severity, component and environment are set from the fields above).')),
    annotations: Type.Optional(textMap('Alerts: annotations (summary, description, runbook_url, ...); Go templates over $labels and $value.')),
  },
  { ...closed, description: 'An alerting or recording rule.' },
);

export const ExtraRuleGroupSchema = Type.Object(
  {
    name: str('Name of the group (unique; not application.* or platform.*, which are the charts’).', '^[A-Za-z0-9][A-Za-z0-9_.-]*$', { maxLength: 128 }),
    interval: Type.Optional(str('How often its rules are evaluated (default: the stack’s evaluationInterval).', patterns.duration)),
    rules: Type.Array(ExtraRuleSchema, { minItems: 1, description: 'Its rules, evaluated in order.' }),
  },
  { ...closed, description: 'A group of rules beside the built-in ones.' },
);

export type ExtraRule = Static<typeof ExtraRuleSchema>;
export type ExtraRuleGroup = Static<typeof ExtraRuleGroupSchema>;

/** What the rule file needs of an application: whether it is monitored, and its rules. */
interface RuledApplication {
  readonly monitored: boolean;
  readonly rules: readonly ExtraRule[];
}

/** An alert with the labels the routing reads; a recording rule as written. */
function prometheusRule(rule: ExtraRule, component: string, environment: string): Record<string, unknown> {
  if (rule.alert === undefined) return { ...rule };
  const { priority, component: own, ...rest } = rule;
  const priorityOf = priority as keyof typeof severityOf;
  return { ...rest, labels: { ...(rule.labels ?? {}), priority, severity: severityOf[priorityOf], component: own ?? component, environment } };
}

/** The platform's groups, then one group per monitored application that has rules (by name). */
export function extraRuleGroups(groups: readonly ExtraRuleGroup[], applications: Readonly<Record<string, RuledApplication>>, environment: string): Array<Record<string, unknown>> {
  const platform = groups.map((group) => ({ ...group, rules: group.rules.map((rule) => prometheusRule(rule, 'infrastructure', environment)) }));
  const own = Object.keys(applications)
    .sort()
    .filter((name) => applications[name].monitored && applications[name].rules.length > 0)
    .map((name) => ({ name: `application.${name}`, rules: applications[name].rules.map((rule) => prometheusRule(rule, 'application', environment)) }));
  return [...platform, ...own];
}

/** The rule file: `groups:` and one group per line as JSON, or `groups: []`. */
export function extraRulesFile(groups: ReadonlyArray<Record<string, unknown>>): string {
  return groups.length === 0 ? 'groups: []\n' : `groups:\n${groups.map((group) => `  - ${goJson(group)}\n`).join('')}`;
}

const HELPER = 'extraRules';

/** The rule file of a release: extraRulesFile in JavaScript, the chart's named template in Go. */
export function extraRulesText(groups: Expr<ExtraRuleGroup[]>, applications: Expr<Record<string, RuledApplication>>, environment: Expr<string>): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      return extraRulesFile(extraRuleGroups(groups.evaluate(scope) ?? [], applications.evaluate(scope) ?? {}, environment.evaluate(scope)));
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.${HELPER}`)} (list ${groups.go(ctx)} ${applications.go(ctx)} ${environment.go(ctx)}))`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

/** The named template extraRulesText relies on (the same file as extraRulesFile writes); for _helpers.tpl. */
export function extraRulesHelper(chartName: string): string {
  const severity = Object.entries(severityOf)
    .map(([priority, name]) => `${JSON.stringify(priority)} ${JSON.stringify(name)}`)
    .join(' ');
  return `{{/* Rules written in values, one group per line as JSON (lib/monitoring/rules/extra-rules.ts). */}}
{{- define "${chartName}.${HELPER}.rule" -}}
{{- $rule := index . 0 -}}
{{- if hasKey $rule "alert" -}}
{{- $labels := merge (dict "priority" $rule.priority "severity" (get (dict ${severity}) $rule.priority) "component" (default (index . 1) $rule.component) "environment" (index . 2)) (deepCopy (default (dict) $rule.labels)) -}}
{{- $rule = set (omit $rule "priority" "component" "labels") "labels" $labels -}}
{{- end -}}
{{- toJson $rule -}}
{{- end }}
{{- define "${chartName}.${HELPER}" -}}
{{- $environment := index . 2 -}}
{{- $groups := list -}}
{{- range $group := index . 0 -}}
{{- $rules := list -}}
{{- range $rule := $group.rules }}{{ $rules = append $rules (include "${chartName}.${HELPER}.rule" (list $rule "infrastructure" $environment) | fromJson) }}{{ end -}}
{{- $groups = append $groups (set (omit $group "rules") "rules" $rules) -}}
{{- end -}}
{{- range $name, $app := index . 1 -}}
{{- if and $app.monitored $app.rules -}}
{{- $rules := list -}}
{{- range $rule := $app.rules }}{{ $rules = append $rules (include "${chartName}.${HELPER}.rule" (list $rule "application" $environment) | fromJson) }}{{ end -}}
{{- $groups = append $groups (dict "name" (printf "application.%s" $name) "rules" $rules) -}}
{{- end -}}
{{- end -}}
{{- if not $groups }}groups: []
{{ else }}groups:
{{ range $groups }}  - {{ toJson . }}
{{ end }}{{ end -}}
{{- end }}
`;
}

/**
 * Bytes of the ConfigMap prometheus-rules kept for the built-in alerts (alerts.yaml: about 56 KiB,
 * whatever the number of applications; test/monitoring/config-map-shares.test.ts holds it under this).
 */
export const BUILT_IN_RULES_BUDGET = 128 * 1024;

/** The rule file of the values' rules (extra.yaml) fits the ConfigMap prometheus-rules (config-map-share.ts), at `rules.groups`. */
export const EXTRA_RULES_SIZE_RULE = configMapShareRule({
  path: ['rules', 'groups'],
  what: 'the rules written in values (monitoring.rules.groups and the applications’ metrics.rules)',
  file: 'a rule file',
  configMap: 'prometheus-rules',
  builtIn: 'the built-in alerts',
  budget: BUILT_IN_RULES_BUDGET,
  size: (values) => {
    const v = values as { rules: { groups: ExtraRuleGroup[] }; applications: Record<string, RuledApplication>; environment: string };
    return Buffer.byteLength(extraRulesFile(extraRuleGroups(v.rules.groups, v.applications, v.environment)), 'utf8');
  },
  goSize: `len (include "${MONITORING_CHART}.${HELPER}" (list .Values.rules.groups .Values.applications .Values.environment))`,
});
