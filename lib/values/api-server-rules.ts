/**
 * Values that would give objects the API server refuses, refused first: by synth (with file, line and
 * values path) and by the charts (`validate-values.yaml`, the same words), in the form of
 * lib/values/app-rules.ts (TypeScript and Go side by side). What a JSON schema can say is in the
 * schemas instead (IANA time zones as an enum, route paths, percentages, DNS-1035 application names,
 * system namespaces); these are the rest:
 * - `backups.schedule` and the Velero schedules: robfig/cron ParseStandard's bounds, steps and ranges
 *   (./cron-schedule.ts; batch validation validateScheduleFormat, Velero's schedule controller);
 * - the full name, which names the Service: a DNS-1035 label, so it starts with a letter
 *   (k8s.io/kubernetes/pkg/apis/core/validation ValidateServiceName: apimachinery IsDNS1035Label);
 * - `env`, the values of the application's ConfigMap: at most 1 MiB with the chart's own entries
 *   (core validation ValidateConfigMap, api.MaxSecretSize);
 * - the rules and scrape jobs the monitoring chart's values write: within their ConfigMaps' 1 MiB
 *   (lib/monitoring/stack/config-map-share.ts);
 * - `nodeNamespace` of the monitoring chart: not the namespace of an application, nor of a controller or
 *   the Gateway the values name (each namespace has one owner; the node agents' namespace is labelled
 *   Pod Security "privileged" and gets the chart's deny-all NetworkPolicy).
 */
import { EXTRA_RULES_SIZE_RULE } from '../monitoring/rules/extra-rules';
import { EXTRA_SCRAPE_CONFIGS_SIZE_RULE } from '../monitoring/stack/extra-scrape-configs';
import { MonitoringValuesSchema } from '../monitoring/values-schema';
import { MONITORING_CHART } from '../monitoring/stack/chart-name';
import { CRON_MESSAGE_TAIL, cronScheduleGo, cronScheduleProblem } from './cron-schedule';
import { resourcePairPaths, resourcePairRule } from './resource-pairs';
import type { AppRule } from './rule';

/** 1 MiB: api.MaxSecretSize, the limit of a ConfigMap's values together. */
const MAX_CONFIG_SIZE = 1024 * 1024;

/**
 * Bytes of the ConfigMap kept for the chart's own entries (APP_ENVIRONMENT, LOG_LEVEL, OTEL_*: an
 * environment name, a log level, the full name, the tracing endpoint and sampler, far below this).
 */
const OWN_ENTRIES_BUDGET = 4 * 1024;
const MAX_ENV_SIZE = MAX_CONFIG_SIZE - OWN_ENTRIES_BUDGET;

type Report = (path: (string | number)[], message: string) => void;

function cronMessage(schedule: string, problem: string): string {
  return `${JSON.stringify(schedule)}: ${problem} (${CRON_MESSAGE_TAIL})`;
}

/** The application chart's rules. */
export const APP_API_SERVER_RULES: readonly AppRule[] = [
  {
    check: (v, report) => {
      const problem = cronScheduleProblem(v.backups.schedule);
      if (problem) report(['backups', 'schedule'], cronMessage(v.backups.schedule, problem));
    },
    go: cronScheduleGo('.Values.backups.schedule', '"backups.schedule"'),
  },
  {
    // The full name (fullnameOverride, or from the release name) names the Service: a DNS-1035 label.
    // Without fullnameOverride it starts with the release name, which synth takes from the application
    // name (refused at its key by applicationNameSchema): there only Helm meets a release such as 1abc.
    check: (v, report, context) => {
      if (!v.fullnameOverride || /^[a-z]/.test(context.fullname)) return;
      report(['fullnameOverride'], `the full name "${context.fullname}" names the Service, and a Service name must start with a letter (a DNS-1035 label): use another release name or set fullnameOverride`);
    },
    go: `{{- $fullname := include "C.fullname" . }}
{{- if not (regexMatch "^[a-z]" $fullname) }}
{{- fail (printf "fullnameOverride: the full name %q names the Service, and a Service name must start with a letter (a DNS-1035 label): use another release name or set fullnameOverride" $fullname) }}
{{- end }}`,
  },
  {
    check: (v, report) => {
      const size = Object.values(v.env).reduce((sum, value) => sum + Buffer.byteLength(value, 'utf8'), 0);
      if (size > MAX_ENV_SIZE) {
        report(
          ['env'],
          `the values are ${size} bytes; the ConfigMap holding them is at most ${MAX_CONFIG_SIZE} bytes (1 MiB), ${OWN_ENTRIES_BUDGET} of them kept for the chart's own entries: at most ${MAX_ENV_SIZE}`,
        );
      }
    },
    go: `{{- $size := 0 }}
{{- range $_, $value := .Values.env }}{{- $size = add $size (len $value) }}{{- end }}
{{- if gt $size ${MAX_ENV_SIZE} }}
{{- fail (printf "env: the values are %d bytes; the ConfigMap holding them is at most ${MAX_CONFIG_SIZE} bytes (1 MiB), ${OWN_ENTRIES_BUDGET} of them kept for the chart's own entries: at most ${MAX_ENV_SIZE}" $size) }}
{{- end }}`,
  },
];

/**
 * Namespaces the monitoring values name as another's, after the applications': the controllers and
 * the Gateway the platform relies on (their installs own them).
 */
const OTHER_OWNERS: readonly { readonly owner: string; readonly path: readonly string[] }[] = [
  { owner: 'Velero (velero.namespace)', path: ['velero', 'namespace'] },
  { owner: 'cert-manager (certManager.namespace)', path: ['certManager', 'namespace'] },
  { owner: 'the Argo Rollouts controller (argoRollouts.namespace)', path: ['argoRollouts', 'namespace'] },
  { owner: 'the ingress controller (networkPolicy.ingressControllerNamespace)', path: ['networkPolicy', 'ingressControllerNamespace'] },
  { owner: 'the Gateway (traffic.gateway.namespace)', path: ['traffic', 'gateway', 'namespace'] },
  { owner: 'the Gateway’s proxies (traffic.gateway.proxies.namespace)', path: ['traffic', 'gateway', 'proxies', 'namespace'] },
];

function otherOwners(values: MonitoringRuleValues): { owner: string; namespace: unknown }[] {
  const at = (path: readonly string[]) => path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
  return [
    ...Object.entries(values.applications).map(([name, application]) => ({ owner: `application ${name}`, namespace: application.namespace })),
    ...OTHER_OWNERS.map(({ owner, path }) => ({ owner, namespace: at(path) })),
  ];
}

/** A rule of the monitoring chart's values (the same two sides as an AppRule). */
export interface MonitoringRule {
  readonly check: (values: MonitoringRuleValues, report: Report) => void;
  readonly go: string;
}

/** What these rules read of the monitoring values. */
interface MonitoringRuleValues {
  readonly nodeNamespace: string;
  readonly applications: Readonly<Record<string, { readonly namespace: string }>>;
  readonly velero: { readonly prometheus: { readonly schedule: string }; readonly grafana: { readonly schedule: string } };
}

/**
 * The sizes of what the values write into the stack's ConfigMaps (config-map-share.ts). In the chart they
 * come after the rules on the shape of the rule groups and scrape jobs (lib/monitoring/stack/synth.ts),
 * whose named templates they render.
 */
export const MONITORING_SIZE_RULES: readonly MonitoringRule[] = [EXTRA_RULES_SIZE_RULE, EXTRA_SCRAPE_CONFIGS_SIZE_RULE];

/** The problems of the monitoring values under these rules, as paths within them (synth locates them). */
export function monitoringRuleProblems(values: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const rule of [...MONITORING_API_SERVER_RULES, ...MONITORING_SIZE_RULES]) rule.check(values as MonitoringRuleValues, (path, message) => problems.push({ path, message }));
  return problems;
}

/** The monitoring chart's rules. */
export const MONITORING_API_SERVER_RULES: readonly MonitoringRule[] = [
  // Every component's resources: requests at most limits (resource-pairs.ts).
  ...resourcePairPaths(MonitoringValuesSchema).map((path) => resourcePairRule(path, MONITORING_CHART)),
  ...(['prometheus', 'grafana'] as const).map(
    (component): MonitoringRule => ({
      check: (values, report) => {
        const schedule = values.velero[component].schedule;
        const problem = cronScheduleProblem(schedule);
        if (problem) report(['velero', component, 'schedule'], cronMessage(schedule, problem));
      },
      go: cronScheduleGo(`.Values.velero.${component}.schedule`, `"velero.${component}.schedule"`),
    }),
  ),
  {
    check: (values, report) => {
      for (const { owner, namespace } of otherOwners(values)) {
        if (namespace === values.nodeNamespace) {
          report(['nodeNamespace'], `"${values.nodeNamespace}" is the namespace of ${owner}: a namespace has one owning chart; give the node agents a namespace of their own`);
          return;
        }
      }
    },
    go: `{{- $owners := list }}
{{- range $name, $application := .Values.applications }}{{- $owners = append $owners (list (printf "application %s" $name) $application.namespace) }}{{- end }}
${OTHER_OWNERS.map(({ owner, path }) => `{{- $owners = append $owners (list ${JSON.stringify(owner)} .Values.${path.join('.')}) }}`).join('\n')}
{{- range $owner := $owners }}
{{- if eq (index $owner 1) $.Values.nodeNamespace }}
{{- fail (printf "nodeNamespace: %q is the namespace of %s: a namespace has one owning chart; give the node agents a namespace of their own" $.Values.nodeNamespace (index $owner 0)) }}
{{- end }}
{{- end }}`,
  },
];
