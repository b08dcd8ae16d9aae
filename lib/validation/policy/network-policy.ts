/** Every pod is selected by at least one NetworkPolicy of its namespace (so default-deny applies to it). */
import type { Finding } from '../finding';
import { isKubernetesObject, type ManifestDocument, namespaceOf } from '../kubernetes-object';
import { selectorMatches } from './label-selector';
import type { PodTemplate } from './pod-templates';
import { policyFinding } from './policy-finding';

/** The pod selectors of the NetworkPolicies in the manifests, by namespace. */
export function podSelectorsByNamespace(documents: readonly ManifestDocument[]): Map<string, unknown[]> {
  const selectors = new Map<string, unknown[]>();
  for (const { doc } of documents) {
    if (!isKubernetesObject(doc) || doc.kind !== 'NetworkPolicy' || doc.apiVersion !== 'networking.k8s.io/v1') continue;
    const namespace = namespaceOf(doc);
    const podSelector = (doc.spec as { podSelector?: unknown } | undefined)?.podSelector;
    selectors.set(namespace, [...(selectors.get(namespace) ?? []), podSelector]);
  }
  return selectors;
}

export function checkNetworkPolicyCoverage(template: PodTemplate, selectors: ReadonlyMap<string, readonly unknown[]>): Finding[] {
  const namespace = namespaceOf(template.object);
  if ((selectors.get(namespace) ?? []).some((selector) => selectorMatches(selector, template.labels))) return [];
  return [policyFinding(template, [...template.metadataPath, 'labels'], `pods are not selected by any NetworkPolicy in namespace ${namespace}`)];
}
