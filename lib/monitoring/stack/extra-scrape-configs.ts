/**
 * Scrape jobs written in values (`prometheus.extraScrapeConfigs`, kube-prometheus-stack's
 * additionalScrapeConfigs): Prometheus scrape configurations passed through as written, appended to
 * prometheus.yml's scrape_configs one per line as JSON (YAML flow), the same in both renderings (goJson
 * and the chart's `toJson`). Their job names must not be the stack's own; the destinations they reach
 * are opened by `networkPolicy.prometheusExtraEgress` (Prometheus' policy admits nothing else).
 */
import { Type } from '@sinclair/typebox';
import { Expr, type GoContext, type Scope } from '../../template/expr';
import { goJson } from '../../template/go-semantics';
import { MONITORING_CHART } from './chart-name';
import { configMapShareRule } from './config-map-share';
import { labelMap } from '../../values/kubernetes-names';
import { int, patterns, str } from '../../values/schema-primitives';

export const ExtraScrapeConfigsSchema = Type.Array(
  Type.Object(
    { job_name: str('The job’s name (not one of the stack’s: see README "Extension points of the monitoring stack").', '^[A-Za-z0-9][A-Za-z0-9_./-]*$', { maxLength: 128 }) },
    { additionalProperties: true, description: 'A Prometheus scrape configuration (scrape_configs item), passed through as written.' },
  ),
  { description: 'Scrape jobs beside the stack’s own (additionalScrapeConfigs); their destinations need networkPolicy.prometheusExtraEgress.' },
);

export const PrometheusExtraEgressSchema = Type.Array(
  Type.Object(
    {
      cidr: Type.Optional(str('A network outside the cluster.', patterns.cidr)),
      namespaceLabels: Type.Optional(labelMap('Labels of the namespaces, in the cluster (at least one).')),
      podLabels: Type.Optional(labelMap('Labels of the pods in those namespaces.')),
      ports: Type.Array(int('A TCP port.', 1, 65535), { minItems: 1, description: 'The ports scraped there.' }),
    },
    { additionalProperties: false, description: 'A destination of the extra scrape jobs: exactly one of cidr or namespaceLabels, and its ports.' },
  ),
  { description: 'Where the extra scrape jobs may reach (Prometheus’ NetworkPolicy); empty: nowhere beyond the stack’s own targets.' },
);

/** The scrape jobs the stack writes itself (prometheus-config.ts and configs.ts): names an extra job may not take. */
const STACK_JOB_NAMES = [
  'prometheus',
  'alertmanager',
  'kube-state-metrics',
  'loki',
  'grafana',
  'node-exporter',
  'kubelet',
  'cadvisor',
  'blackbox-http',
  'blackbox-tcp',
  'argo-rollouts',
  'postgresql',
  'redis',
  'edge-envoy',
  'edge-ingress-nginx',
  'otel-collector',
  'tempo',
  'cert-manager',
  'velero',
] as const;

const TAKEN = `is one of the stack's own jobs (${STACK_JOB_NAMES.join(', ')}, application/*)`;

/**
 * Prometheus' durations (prometheus/common model.ParseDuration): units y, w, d, h, m, s and ms, largest
 * first, each at most once, or "0". A YAML number reaches Prometheus as its digits: "30" is no duration.
 */
const PROMETHEUS_DURATION = /^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { y: 31_536_000_000, w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A Prometheus duration in milliseconds; undefined when Prometheus would refuse it. */
function durationMs(value: unknown): number | undefined {
  const text = String(value);
  if (text === '0') return 0;
  if (text === '' || !PROMETHEUS_DURATION.test(text)) return undefined;
  return [...text.matchAll(/([0-9]+)(ms|y|w|d|h|m|s)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
}

const NOT_A_DURATION = 'expected a Prometheus duration (e.g. 30s or 1m30s)';
const TIMEOUT_ABOVE_INTERVAL = 'Prometheus refuses to load a configuration whose scrape timeout is greater than its scrape interval';

/**
 * Extra jobs Prometheus would refuse to load (config/config.go, ScrapeConfig.Validate), as problems at
 * their path: a name of the stack's own jobs or one taken twice, a scrape_interval or scrape_timeout
 * that is no duration, a scrape_timeout above the job's interval (or `globalInterval`, the stack's, when
 * the job has none). A refused configuration is not reloaded: the whole stack would keep the old one,
 * or not start. The rest of a job is Prometheus' to check when it loads it.
 */
export function extraScrapeConfigProblems(jobs: ReadonlyArray<{ job_name: string } & Record<string, unknown>>, globalInterval: string): Array<{ path: Array<string | number>; message: string }> {
  const seen = new Set<string>();
  return jobs.flatMap((job, i) => {
    const at = (key: string) => ['prometheus', 'extraScrapeConfigs', i, key];
    const problems: Array<{ path: Array<string | number>; message: string }> = [];
    if ((STACK_JOB_NAMES as readonly string[]).includes(job.job_name) || job.job_name.startsWith('application/')) problems.push({ path: at('job_name'), message: `${job.job_name} ${TAKEN}` });
    else if (seen.has(job.job_name)) problems.push({ path: at('job_name'), message: `job ${job.job_name} is defined twice` });
    seen.add(job.job_name);
    const durations = (['scrape_interval', 'scrape_timeout'] as const).map((key) => {
      const ms = key in job ? durationMs(job[key]) : undefined;
      if (key in job && ms === undefined) problems.push({ path: at(key), message: `${NOT_A_DURATION}, got ${JSON.stringify(job[key])}` });
      return ms;
    });
    const [interval, timeout] = durations;
    const [intervalText, intervalMs] = interval ? [String(job.scrape_interval), interval] : [globalInterval, durationMs(globalInterval) ?? 0];
    if (timeout !== undefined && timeout > intervalMs) problems.push({ path: at('scrape_timeout'), message: `expected at most the scrape interval (${intervalText}): ${TIMEOUT_ABOVE_INTERVAL}` });
    return problems;
  });
}

/** The same rules for the chart's validate-values.yaml (with the helper `<chart>.prometheusDurationMs`). */
export function extraScrapeConfigsTemplate(chartName: string): string {
  const ms = (value: string) => `(include ${JSON.stringify(`${chartName}.prometheusDurationMs`)} ${value})`;
  return `{{- $jobs := dict }}
{{- range $i, $job := .Values.prometheus.extraScrapeConfigs }}
{{- if or (has $job.job_name (list ${STACK_JOB_NAMES.map((name) => JSON.stringify(name)).join(' ')})) (hasPrefix "application/" $job.job_name) }}
{{- fail (printf "prometheus.extraScrapeConfigs[%d].job_name: %s ${TAKEN}" $i $job.job_name) }}
{{- else if hasKey $jobs $job.job_name }}
{{- fail (printf "prometheus.extraScrapeConfigs[%d].job_name: job %s is defined twice" $i $job.job_name) }}
{{- end }}
{{- $_ := set $jobs $job.job_name true }}
{{- range $key := list "scrape_interval" "scrape_timeout" }}
{{- if and (hasKey $job $key) (eq ${ms('(index $job $key)')} "invalid") }}
{{- fail (printf "prometheus.extraScrapeConfigs[%d].%s: ${NOT_A_DURATION}, got %s" $i $key (toJson (index $job $key))) }}
{{- end }}
{{- end }}
{{- if hasKey $job "scrape_timeout" }}
{{- $interval := $.Values.prometheus.scrapeInterval }}
{{- if and (hasKey $job "scrape_interval") (ne ${ms('$job.scrape_interval')} "0") }}
{{- $interval = $job.scrape_interval }}
{{- end }}
{{- if gt (int64 ${ms('$job.scrape_timeout')}) (int64 ${ms('$interval')}) }}
{{- fail (printf "prometheus.extraScrapeConfigs[%d].scrape_timeout: expected at most the scrape interval (%v): ${TIMEOUT_ABOVE_INTERVAL}" $i $interval) }}
{{- end }}
{{- end }}
{{- end }}`;
}

/** The extra jobs as scrape_configs items (`  - <JSON>` lines), to append to prometheus.yml; empty without any. */
export function extraScrapeConfigsText(jobs: Expr<ReadonlyArray<Record<string, unknown>>>): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      return (jobs.evaluate(scope) ?? []).map((job) => `  - ${goJson(job)}\n`).join('');
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.jsonListItems`)} ${jobs.go(ctx)})`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

/** The named templates extraScrapeConfigsText and extraScrapeConfigsTemplate rely on; for the chart's _helpers.tpl. */
export function jsonListItemsHelper(chartName: string): string {
  return `{{/* Items of a YAML list, one per line as JSON (lib/monitoring/stack/extra-scrape-configs.ts). */}}
{{- define "${chartName}.jsonListItems" -}}
{{- range . }}  - {{ toJson . }}
{{ end -}}
{{- end }}
{{/* A Prometheus duration in milliseconds, or "invalid" (lib/monitoring/stack/extra-scrape-configs.ts durationMs). */}}
{{- define "${chartName}.prometheusDurationMs" -}}
{{- $text := toString . -}}
{{- if eq $text "0" -}}0
{{- else if and (ne $text "") (regexMatch ${JSON.stringify(PROMETHEUS_DURATION.source)} $text) -}}
{{- $ms := 0 -}}
{{- range $part := regexFindAll "[0-9]+(ms|y|w|d|h|m|s)" $text -1 -}}
{{- $unit := regexFind "[a-z]+$" $part -}}
{{- $ms = add $ms (mul (int64 (trimSuffix $unit $part)) (get (dict ${Object.entries(UNIT_MS)
    .map(([unit, n]) => `"${unit}" ${n}`)
    .join(' ')}) $unit)) -}}
{{- end -}}
{{- $ms -}}
{{- else -}}invalid
{{- end -}}
{{- end }}
`;
}

const ONE_DESTINATION = 'expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster, not empty: no labels would select every namespace)';

/** Extra egress destinations that are not exactly one of a network or labelled namespaces. */
export function extraEgressProblems(egress: ReadonlyArray<{ cidr?: string; namespaceLabels?: Record<string, string> }>): Array<{ path: Array<string | number>; message: string }> {
  return egress.flatMap((destination, i) => {
    const inCluster = destination.namespaceLabels !== undefined && Object.keys(destination.namespaceLabels).length > 0;
    return (destination.cidr !== undefined) === inCluster || (destination.namespaceLabels !== undefined && !inCluster) ? [{ path: ['networkPolicy', 'prometheusExtraEgress', i], message: ONE_DESTINATION }] : [];
  });
}

/** The same rule for the chart's validate-values.yaml. */
export const EXTRA_EGRESS_TEMPLATE = `{{- range $i, $to := .Values.networkPolicy.prometheusExtraEgress }}
{{- if or (eq (hasKey $to "cidr") (not (empty $to.namespaceLabels))) (and (hasKey $to "namespaceLabels") (empty $to.namespaceLabels)) }}
{{- fail (printf "networkPolicy.prometheusExtraEgress[%d]: ${ONE_DESTINATION}" $i) }}
{{- end }}
{{- end }}`;

/**
 * Bytes of the ConfigMap prometheus-config kept for the stack's own configuration (prometheus.yml
 * without the extra jobs: about 11 KiB with three applications and 1.2 KiB more per application, so
 * 127 KiB with the benchmark's 100; test/monitoring/config-map-shares.test.ts holds the shipped
 * environments under this). Past about 200 applications the stack's own part outgrows it, and this
 * rule no longer proves the ConfigMap fits (`npm run validate` still measures it).
 */
export const BUILT_IN_CONFIG_BUDGET = 256 * 1024;

/** The extra jobs' lines fit the ConfigMap prometheus-config beside the stack's own jobs (config-map-share.ts). */
export const EXTRA_SCRAPE_CONFIGS_SIZE_RULE = configMapShareRule({
  path: ['prometheus', 'extraScrapeConfigs'],
  what: 'the scrape jobs written in values (monitoring.prometheus.extraScrapeConfigs)',
  file: 'scrape_configs lines',
  configMap: 'prometheus-config',
  builtIn: 'the stack’s own configuration',
  budget: BUILT_IN_CONFIG_BUDGET,
  size: (values) => {
    const jobs = (values as { prometheus: { extraScrapeConfigs: ReadonlyArray<Record<string, unknown>> } }).prometheus.extraScrapeConfigs;
    return jobs.reduce((sum, job) => sum + Buffer.byteLength(`  - ${goJson(job)}\n`, 'utf8'), 0);
  },
  goSize: `len (include "${MONITORING_CHART}.jsonListItems" .Values.prometheus.extraScrapeConfigs)`,
});
