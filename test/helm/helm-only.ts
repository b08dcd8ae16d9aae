/**
 * The documented differences between `helm template` and the plain manifests (README: "Differences
 * from the plain manifests"), and nothing else: removing them from both sides must leave equal objects.
 */
import type { K8sObject } from '../support/dist';

const HELM_ONLY_LABELS = ['helm.sh/chart'];
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * Helm's objects with the Helm-only metadata removed, `helm test` hooks dropped, managed-by aligned.
 * Other hooks (the migration Job and its NetworkPolicy) are in the plain manifests too, with the same
 * annotations: they are compared as they are.
 */
export function withoutHelmOnly(objects: K8sObject[]): K8sObject[] {
  return objects
    .filter((o) => o.metadata.annotations?.['helm.sh/hook'] !== 'test')
    .map((o) =>
      mapLabels(o, (labels) => {
        for (const label of HELM_ONLY_LABELS) delete labels[label];
        if (labels[MANAGED_BY] === 'Helm') labels[MANAGED_BY] = 'cdk8s';
      }),
    );
}

/** The plain objects without the Namespace, which Helm cannot own. */
export function withoutPlainOnly(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind !== 'Namespace');
}

function mapLabels(object: K8sObject, edit: (labels: Record<string, string>) => void): K8sObject {
  const copy = structuredClone(object);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'labels' && value && typeof value === 'object') edit(value as Record<string, string>);
      else visit(value);
    }
  };
  visit(copy.metadata);
  visit((copy as Record<string, unknown>).spec);
  return copy;
}
