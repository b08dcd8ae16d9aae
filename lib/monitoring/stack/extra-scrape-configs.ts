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

/** Extra jobs whose names are the stack's, as problems at their path. */
export function extraScrapeConfigProblems(jobs: ReadonlyArray<{ job_name: string }>): Array<{ path: Array<string | number>; message: string }> {
  const seen = new Set<string>();
  return jobs.flatMap((job, i) => {
    const path = ['prometheus', 'extraScrapeConfigs', i, 'job_name'];
    if ((STACK_JOB_NAMES as readonly string[]).includes(job.job_name) || job.job_name.startsWith('application/')) return [{ path, message: `${job.job_name} ${TAKEN}` }];
    if (seen.has(job.job_name)) return [{ path, message: `job ${job.job_name} is defined twice` }];
    seen.add(job.job_name);
    return [];
  });
}

/** The same rule for the chart's validate-values.yaml. */
export const EXTRA_SCRAPE_CONFIGS_TEMPLATE = `{{- $jobs := dict }}
{{- range $i, $job := .Values.prometheus.extraScrapeConfigs }}
{{- if or (has $job.job_name (list ${STACK_JOB_NAMES.map((name) => JSON.stringify(name)).join(' ')})) (hasPrefix "application/" $job.job_name) }}
{{- fail (printf "prometheus.extraScrapeConfigs[%d].job_name: %s ${TAKEN}" $i $job.job_name) }}
{{- else if hasKey $jobs $job.job_name }}
{{- fail (printf "prometheus.extraScrapeConfigs[%d].job_name: job %s is defined twice" $i $job.job_name) }}
{{- end }}
{{- $_ := set $jobs $job.job_name true }}
{{- end }}`;

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

/** The named template extraScrapeConfigsText relies on; for the chart's _helpers.tpl. */
export function jsonListItemsHelper(chartName: string): string {
  return `{{/* Items of a YAML list, one per line as JSON (lib/monitoring/stack/extra-scrape-configs.ts). */}}
{{- define "${chartName}.jsonListItems" -}}
{{- range . }}  - {{ toJson . }}
{{ end -}}
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
