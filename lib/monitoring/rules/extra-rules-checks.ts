/**
 * What the schema of the rules written in values (extra-rules.ts) cannot say, in TypeScript (synth,
 * every problem with its path) and as Go templates (the charts' validate-values.yaml, failing with the
 * same words), side by side:
 * - a rule is exactly one of an alert or a recording rule; an alert has a priority; priority,
 *   component, for and annotations are an alert's only;
 * - the platform's group names are unique, and none is application.* or platform.* (the charts');
 * - the same rules for the applications' rules of the monitoring chart's values, in the chart;
 * The PromQL and the templates themselves are promtool's (promtool-check.ts, at synth time).
 */
import type { AppRule } from '../../values/rule';
import type { ExtraRule, ExtraRuleGroup } from './extra-rules';

type Path = Array<string | number>;
type Report = (path: Path, message: string) => void;

const ALERT_ONLY = ['priority', 'component', 'for', 'annotations'] as const;
const ONE_OF = 'expected exactly one of alert or record';
const PRIORITY = 'required for an alert (P0, P1 or P2: its severity and routing)';
const ALERT_FIELD = 'only applies to an alert';
const RESERVED = ['application.', 'platform.'];

/** The problems of one rule at `path`. */
function ruleProblems(rule: ExtraRule, path: Path, report: Report): void {
  if ((rule.alert === undefined) === (rule.record === undefined)) {
    report(path, ONE_OF);
    return;
  }
  if (rule.alert !== undefined && rule.priority === undefined) report([...path, 'priority'], PRIORITY);
  if (rule.record !== undefined) for (const key of ALERT_ONLY) if (rule[key] !== undefined) report([...path, key], ALERT_FIELD);
}

/** The problems of the platform's rule groups (`rules.groups` of the monitoring values). */
export function ruleGroupProblems(groups: readonly ExtraRuleGroup[], report: Report): void {
  const seen = new Set<string>();
  groups.forEach((group, g) => {
    if (RESERVED.some((prefix) => group.name.startsWith(prefix))) report(['rules', 'groups', g, 'name'], `${RESERVED.map((p) => `${p}*`).join(' and ')} are the charts' group names`);
    else if (seen.has(group.name)) report(['rules', 'groups', g, 'name'], `group ${group.name} is defined twice`);
    seen.add(group.name);
    group.rules.forEach((rule, r) => {
      ruleProblems(rule, ['rules', 'groups', g, 'rules', r], report);
    });
  });
}

/** The Go side of ruleProblems for the rules at `$rules` (a list), their path printed from `pathFormat` (a printf format taking the index). */
function ruleProblemsTemplate(rules: string, pathFormat: string, pathArgs = ''): string {
  const at = (suffix: string) => `(printf "${pathFormat}${suffix}"${pathArgs} $r)`;
  return `{{- range $r, $rule := ${rules} }}
{{- if eq (hasKey $rule "alert") (hasKey $rule "record") }}
{{- fail (printf "%s: ${ONE_OF}" ${at('')}) }}
{{- else if and (hasKey $rule "alert") (not (hasKey $rule "priority")) }}
{{- fail (printf "%s: ${PRIORITY}" ${at('.priority')}) }}
{{- else if hasKey $rule "record" }}
{{- range $key := list ${ALERT_ONLY.map((k) => JSON.stringify(k)).join(' ')} }}
{{- if hasKey $rule $key }}
{{- fail (printf "%s.%s: ${ALERT_FIELD}" ${at('')} $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`;
}

/**
 * The Go side of ruleGroupProblems, for the monitoring chart's validate-values.yaml; and of ruleProblems
 * for the applications' rules in its values (`applications.<name>.rules`): synth derives those from each
 * application's `metrics.rules`, checked there (APPLICATION_RULE_RULES), but a Helm user writes them by
 * hand, and Prometheus would refuse the whole rule file for one of them.
 */
export const RULE_GROUPS_TEMPLATE = `{{- $names := dict }}
{{- range $g, $group := .Values.rules.groups }}
{{- if or (hasPrefix "application." $group.name) (hasPrefix "platform." $group.name) }}
{{- fail (printf "rules.groups[%d].name: ${RESERVED.map((p) => `${p}*`).join(' and ')} are the charts' group names" $g) }}
{{- else if hasKey $names $group.name }}
{{- fail (printf "rules.groups[%d].name: group %s is defined twice" $g $group.name) }}
{{- end }}
{{- $_ := set $names $group.name true }}
${ruleProblemsTemplate('$group.rules', 'rules.groups[%d].rules[%d]', ' $g')}
{{- end }}
{{- range $name, $app := .Values.applications }}
${ruleProblemsTemplate('($app.rules | default list)', 'applications.%s.rules[%d]', ' $name')}
{{- end }}`;

/** An application's own rules (`metrics.rules`), in the application charts' value rules (lib/values/app-rules.ts). */
export const APPLICATION_RULE_RULES: readonly AppRule[] = [
  {
    check: (v, report) => {
      (v.metrics.rules ?? []).forEach((rule, r) => {
        ruleProblems(rule, ['metrics', 'rules', r], report);
      });
    },
    go: ruleProblemsTemplate('(.Values.metrics.rules | default list)', 'metrics.rules[%d]'),
  },
];
