/**
 * Where each application's traces go (issue 19 §2: "no tracing egress to nowhere; no tracing setting
 * without a collector"). An application that traces (`tracing.enabled`) names its collector
 * (`tracing.collector`): a trace collector the environment declares as a prerequisite
 * (`prerequisites.traceCollectors.<name>`: an OTLP/HTTP receiver, in the cluster by namespace and pod
 * labels, or outside it by network), or `monitoring`, the monitoring stack's own collector once the
 * monitoring chart has one (`inStackCollector`). Synth resolves the name in every environment and writes
 * what the chart needs into the application's values, as it does for dependencies by name
 * (lib/values/wiring.ts):
 * - `tracing.endpoint`: the collector's OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT; the SDKs append
 *   /v1/traces, OpenTelemetry specification, "OTLP Exporter Configuration");
 * - `tracing.egress`: the port of the collector's pods and where they are (`namespaceLabels` and
 *   `podLabels`, or `cidr`), which the NetworkPolicy `<app>-allow-tracing` admits and nothing else.
 * With tracing off the ConfigMap sets OTEL_TRACES_EXPORTER=none (no exporter; OpenTelemetry
 * specification, "General SDK Configuration") and no policy opens anything for traces. Written by hand
 * in values/, `endpoint` and `egress` are refused: they come from the collector. A chart used with Helm
 * alone takes them as values (lib/references/tracing-rules.ts).
 */
import type { EnvironmentValues } from '../values/load';
import type { SchemaProblem } from '../values/schema-check';
import type { Prerequisites, TraceCollector } from './prerequisites';

/** The collector name that means the monitoring stack's own (`inStackCollector`). */
const IN_STACK_COLLECTOR = 'monitoring';

/**
 * The monitoring stack's trace collector in an environment, or undefined while the monitoring chart has
 * none. This is where the monitoring chart plugs its OTLP collector in (issue 21): given the environment's
 * merged `monitoring` values, return its Service's host (`<service>.<monitoring namespace>.svc`), its
 * OTLP/HTTP port (and `targetPort` when the pods' differs), its namespace and the pod labels of its
 * pods, when the stack runs one; applications naming `monitoring` then resolve to it like to a declared
 * collector, and the stack's NetworkPolicy must admit them (each application's namespace and selector
 * labels, as the monitoring policies admit Prometheus' targets) on that port.
 */
function inStackCollector(_monitoring: Readonly<Record<string, unknown>>): TraceCollector | undefined {
  return undefined;
}

/** `<service>.<namespace>.svc` or `...svc.cluster.local`: a Service of the cluster, and its namespace. */
const CLUSTER_SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/;

/**
 * The problems of the declared collectors of an environment (paths from the values file's top level):
 * exactly one of namespace (with the pods' labels) or cidr, and a Service host in the namespace declared.
 * Checked on the merged values: base.yaml and an overlay may each give part of a collector.
 */
export function collectorProblems(prerequisites: Prerequisites): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const [name, c] of Object.entries(prerequisites.traceCollectors ?? {})) {
    const at = ['prerequisites', 'traceCollectors', name];
    if ((c.namespace === undefined) === (c.cidr === undefined)) {
      problems.push({ path: at, message: 'expected exactly one of namespace (the collector’s pods in the cluster, with podLabels) or cidr (its network outside the cluster)' });
      continue;
    }
    const service = CLUSTER_SERVICE.exec(c.host);
    if (c.namespace !== undefined) {
      if (c.podLabels === undefined) problems.push({ path: [...at, 'podLabels'], message: `required with namespace: the NetworkPolicies admit the collector’s pods, not every pod of ${c.namespace}` });
      if (service && service[2] !== c.namespace) {
        problems.push({
          path: [...at, 'host'],
          message: `${c.host} is a Service of namespace ${service[2]}, and namespace is ${c.namespace}: the NetworkPolicies would admit pods other than those the traces go to`,
        });
      }
    } else {
      if (c.podLabels !== undefined) problems.push({ path: [...at, 'podLabels'], message: 'podLabels only apply with namespace' });
      if (service) problems.push({ path: [...at, 'host'], message: `${c.host} is a Service of the cluster: give its namespace and podLabels instead of cidr` });
    }
  }
  return problems;
}

/** The endpoint and egress the chart gets for a collector. */
function resolvedTracing(collector: TraceCollector) {
  const port = collector.targetPort ?? collector.port;
  return {
    endpoint: `${collector.scheme ?? 'http'}://${collector.host}:${collector.port}`,
    egress: collector.cidr !== undefined ? { port, cidr: collector.cidr } : { port, namespaceLabels: { 'kubernetes.io/metadata.name': collector.namespace as string }, podLabels: { ...collector.podLabels } },
  };
}

/** The collector an application of `env` names, if the environment has it. */
function collectorOf(env: EnvironmentValues, name: string): TraceCollector | undefined {
  if (name === IN_STACK_COLLECTOR) return inStackCollector(env.monitoring);
  const declared = (env.prerequisites as Prerequisites).traceCollectors ?? {};
  return Object.hasOwn(declared, name) ? declared[name] : undefined;
}

/**
 * Resolves `tracing.collector` of every application of `env` (their values changed in place: `endpoint`
 * and `egress` written) and reports each problem at its application's values path.
 */
export function resolveTracing(env: EnvironmentValues, report: (app: string, path: (string | number)[], message: string) => void): void {
  const declared = Object.keys((env.prerequisites as Prerequisites).traceCollectors ?? {});
  const choices = `${declared.length > 0 ? `prerequisites.traceCollectors (${declared.join(', ')})` : 'prerequisites.traceCollectors (none declared)'} or ${IN_STACK_COLLECTOR}`;
  for (const [name, app] of env.applications) {
    const tracing = app.tracing;
    for (const field of ['endpoint', 'egress'] as const) {
      if (tracing[field] !== undefined) report(name, ['tracing', field], 'is derived by synth from tracing.collector (a collector the environment declares): remove it');
    }
    if (!tracing.enabled || tracing.endpoint !== undefined || tracing.egress !== undefined) continue;
    if (tracing.collector === undefined) {
      report(name, ['tracing', 'collector'], `required when tracing.enabled: one of ${choices}; or tracing.enabled: false`);
      continue;
    }
    const collector = collectorOf(env, tracing.collector);
    if (collector === undefined) {
      report(
        name,
        ['tracing', 'collector'],
        tracing.collector === IN_STACK_COLLECTOR
          ? `the monitoring stack runs no trace collector (yet): name one of ${choices.replace(` or ${IN_STACK_COLLECTOR}`, '')}, or set tracing.enabled: false`
          : `expected a trace collector of ${env.environment}: one of ${choices}, got "${tracing.collector}"`,
      );
      continue;
    }
    Object.assign(tracing, resolvedTracing(collector));
  }
}

/** The collectors an environment's applications send traces to, with those applications (for its README). */
export function tracingCollectors(env: EnvironmentValues): { name: string; collector: TraceCollector; applications: string[] }[] {
  const used = new Map<string, string[]>();
  for (const [name, app] of env.applications) {
    if (app.tracing.enabled && app.tracing.collector !== undefined) used.set(app.tracing.collector, [...(used.get(app.tracing.collector) ?? []), name]);
  }
  return [...used]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([name, applications]) => {
      const collector = collectorOf(env, name);
      return collector ? [{ name, collector, applications }] : [];
    });
}
