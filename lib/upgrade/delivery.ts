/**
 * Who applies an environment's plain manifests, and so which objects are deleted and created again at
 * each release rather than updated: the one set of upgrade rules that `npm run check-upgrade` and
 * `npm run diff` share (refusedChanges).
 *
 * A hook that its tool deletes before creating it again is never updated, so a change to its immutable
 * fields (the migration Job's pod template on every image bump) is no refusal:
 * - Helm: `helm.sh/hook` with `helm.sh/hook-delete-policy: before-hook-creation` (Helm's chart hooks
 *   documentation; the chart path, whatever the environment's engine);
 * - Argo CD: a hook (`argocd.argoproj.io/hook`, or Helm's hook annotations, which Argo CD maps to its
 *   own) with the delete policy `BeforeHookCreation` (Argo CD's resource hooks documentation: Helm's
 *   `before-hook-creation` maps to it);
 * - Flux: `kustomize.toolkit.fluxcd.io/force: enabled` (kustomize-controller recreates an object whose
 *   immutable fields changed).
 * `kubectl apply` (an environment without a GitOps engine, `gitops.engine: none`) honours none of them:
 * it updates the Job in place and the API server refuses the change.
 */
import type { ManifestDocument } from './output';
import { apiGroup, type FieldChange, immutableFieldChanges, type KubeObject } from './rules';

/** How an environment's plain manifests are applied. */
export type Delivery = 'argocd' | 'flux' | 'kubectl';

/**
 * The delivery of each environment, from its GitOps objects (environments/<env>/gitops/): an Argo CD
 * Application means Argo CD, a Flux Kustomization Flux; an environment with neither is applied with kubectl.
 */
export function deliveries(gitops: readonly ManifestDocument[]): (environment: string) => Delivery {
  const found = new Map<string, Delivery>();
  for (const { environment, object } of gitops) {
    const group = apiGroup(object.apiVersion);
    if (group === 'argoproj.io' && object.kind === 'Application') found.set(environment, 'argocd');
    else if (group === 'kustomize.toolkit.fluxcd.io' && object.kind === 'Kustomization') found.set(environment, 'flux');
  }
  return (environment) => found.get(environment) ?? 'kubectl';
}

function annotation(object: KubeObject, key: string): string[] {
  const annotations = (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
  return (annotations[key] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Why `object` is deleted and created again at each release by `delivery`, or undefined when it is updated in place. */
export function recreatedBy(object: KubeObject, delivery: Delivery): string | undefined {
  const helmHook = annotation(object, 'helm.sh/hook').length > 0;
  const helmRecreates = helmHook && annotation(object, 'helm.sh/hook-delete-policy').includes('before-hook-creation');
  if (delivery === 'argocd') {
    const hook = annotation(object, 'argocd.argoproj.io/hook').length > 0 || helmHook;
    const argoPolicy = annotation(object, 'argocd.argoproj.io/hook-delete-policy');
    const recreates = argoPolicy.length > 0 ? argoPolicy.includes('BeforeHookCreation') : helmRecreates;
    return hook && recreates ? 'a hook Argo CD deletes before creating it again (BeforeHookCreation)' : undefined;
  }
  if (delivery === 'flux') {
    return annotation(object, 'kustomize.toolkit.fluxcd.io/force').includes('enabled') ? 'recreated by Flux on an immutable change (kustomize.toolkit.fluxcd.io/force)' : undefined;
  }
  return undefined;
}

/**
 * The changes from `previous` to `current` (the same object) that the API server refuses when
 * `delivery` applies them: none for an object the delivery recreates. A hook that only Helm recreates
 * is refused under kubectl apply, with how to get past it.
 */
export function refusedChanges(previous: KubeObject, current: KubeObject, delivery: Delivery): FieldChange[] {
  if (recreatedBy(previous, delivery) !== undefined && recreatedBy(current, delivery) !== undefined) return [];
  const changes = immutableFieldChanges(previous, current);
  const helmHook = annotation(current, 'helm.sh/hook-delete-policy').includes('before-hook-creation');
  if (delivery !== 'kubectl' || !helmHook) return changes;
  const { name, namespace } = current.metadata;
  const remedy = `kubectl apply updates this hook in place: kubectl delete ${current.kind.toLowerCase()} ${name}${namespace ? ` -n ${namespace}` : ''} before applying (Helm, Argo CD and Flux recreate it)`;
  return changes.map((change) => ({ ...change, reason: `${change.reason} (${remedy})` }));
}
