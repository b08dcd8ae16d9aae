/**
 * Rules across charts, checked on the rendered objects of an environment (every chart, plain manifests
 * or `helm template` output): what synth refuses in values/ but a single chart, rendered by Helm, cannot
 * know.
 * - A NetworkPolicy `<app>-allow-dependents` admits the platform's applications that call this one
 *   (synth derives them, `networkPolicy.dependents`): each of its peers must select the pods of a
 *   workload among the objects, by a non-empty pod selector in a namespace where that workload runs.
 *   A dependent given by hand to Helm (`--set-json networkPolicy.dependents=[...]`) admitting an
 *   unknown namespace, or every pod of one (`podLabels: {}`), is refused here. A namespace where none
 *   of the objects runs is judged only when they hold a whole environment (the monitoring stack's
 *   Prometheus among them): a chart validated alone names the namespaces of callers not rendered.
 * - With the monitoring stack's Prometheus among the objects (monitoring.mode standalone), every
 *   AnalysisTemplate queries it, at its in-cluster URL: the same rule and words as synth's
 *   (lib/monitoring/stack/release-values.ts).
 */
import type { Finding } from '../finding';
import { isKubernetesObject, isRecord, type KubernetesObject, type ManifestDocument, namespaceOf, objectsIn } from '../kubernetes-object';
import { prometheusAddressProblem } from '../../monitoring/stack/ports';
import { selectorMatches } from './label-selector';
import { podTemplatesOf } from './pod-templates';
import { policyFinding } from './policy-finding';

/** The findings of both rules over a whole set of objects. */
export function checkPlatformReferences(documents: readonly ManifestDocument[]): Finding[] {
  return [...checkDependents(documents), ...checkAnalysisAddresses(documents)];
}

function objects(documents: readonly ManifestDocument[]): { file: string; object: KubernetesObject }[] {
  return documents.filter(({ doc }) => isKubernetesObject(doc)).map(({ file, doc }) => ({ file, object: doc as KubernetesObject }));
}

function checkDependents(documents: readonly ManifestDocument[]): Finding[] {
  const templates = podTemplatesOf(documents);
  const wholeEnvironment = stackPrometheusNamespaces(documents).length > 0;
  const findings: Finding[] = [];
  for (const source of objects(documents)) {
    const { object } = source;
    if (object.kind !== 'NetworkPolicy' || !String(object.metadata?.name ?? '').endsWith('-allow-dependents')) continue;
    const spec = isRecord(object.spec) ? object.spec : {};
    for (const { item: rule, index: r } of objectsIn<Record<string, unknown>>(spec.ingress)) {
      for (const { item: peer, index: p } of objectsIn<Record<string, unknown>>(rule.from)) {
        const at = ['spec', 'ingress', r, 'from', p];
        const namespace = (peer.namespaceSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels?.['kubernetes.io/metadata.name'] ?? namespaceOf(object);
        const labels = (peer.podSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
        if (Object.keys(labels).length === 0) {
          findings.push(policyFinding(source, [...at, 'podSelector'], `admits every pod of namespace ${namespace}: a dependent is an application of the platform, selected by its pod labels`));
          continue;
        }
        const caller = templates.some((t) => namespaceOf(t.object) === namespace && selectorMatches(peer.podSelector, t.labels));
        // A namespace with nothing among the objects is judged only when they are a whole environment (the
        // monitoring stack is part of every one): a chart validated alone names its callers' namespaces.
        if (!caller && (wholeEnvironment || templates.some((t) => namespaceOf(t.object) === namespace))) {
          findings.push(
            policyFinding(
              source,
              at,
              `admits pods of namespace ${namespace} labelled ${JSON.stringify(Object.fromEntries(Object.entries(labels).sort()))}, and no workload among the objects runs there with those labels: a dependent is derived by synth from an application's networkPolicy.dependencies (validate the whole environment, every chart)`,
            ),
          );
        }
      }
    }
  }
  return findings;
}

/** The monitoring stack's Prometheus Services among the objects: their namespaces. */
function stackPrometheusNamespaces(documents: readonly ManifestDocument[]): string[] {
  return objects(documents)
    .filter(({ object }) => object.kind === 'Service' && object.metadata?.name === 'prometheus' && object.metadata?.labels?.['app.kubernetes.io/name'] === 'prometheus')
    .map(({ object }) => namespaceOf(object));
}

function checkAnalysisAddresses(documents: readonly ManifestDocument[]): Finding[] {
  const namespaces = stackPrometheusNamespaces(documents);
  if (namespaces.length !== 1) return []; // no stack of ours among the objects (or several: nothing to tell which)
  const findings: Finding[] = [];
  for (const source of objects(documents)) {
    if (source.object.kind !== 'AnalysisTemplate') continue;
    const spec = isRecord(source.object.spec) ? source.object.spec : {};
    for (const { item: metric, index } of objectsIn<Record<string, unknown>>(spec.metrics)) {
      const address = (metric.provider as { prometheus?: { address?: unknown } } | undefined)?.prometheus?.address;
      if (typeof address !== 'string') continue;
      const problem = prometheusAddressProblem(namespaces[0], address);
      if (problem !== undefined) findings.push(policyFinding(source, ['spec', 'metrics', index, 'provider', 'prometheus', 'address'], problem));
    }
  }
  return findings;
}
