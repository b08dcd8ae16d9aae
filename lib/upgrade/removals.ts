/**
 * What an upgrade deletes rather than updates, and the data that goes with it:
 * - a removed Namespace: deleting it deletes every object in it, the PersistentVolumeClaims written in
 *   the manifests and those the StatefulSets there created from their volumeClaimTemplates
 *   (`<template>-<statefulset>-<ordinal>`), whose volumes are deleted too where their StorageClass's
 *   reclaim policy is Delete (the default of dynamically provisioned volumes);
 * - a rename (nameOverride, fullnameOverride, an application's key): the object of a chart template
 *   (same file, same kind) under another name or namespace is a new object; the old one is deleted
 *   (pruned), not updated. A StatefulSet under a new name claims new volumes (its claims are named after
 *   it) and a renamed PersistentVolumeClaim is a new, empty volume.
 * Objects are matched as the API server identifies them (check.ts objectKey) within one environment; the
 * file of a chart's object is named after its template (`deployment.yaml`), the same whatever its name.
 */
import { objectKey } from './check';
import type { ManifestDocument } from './output';
import { apiGroup, type KubeObject } from './rules';

/** One deletion an upgrade makes: what, where, and the claims (data) it deletes or abandons. */
export interface Removal {
  /** File of the previous output (relative to the output directory). */
  readonly file: string;
  readonly environment: string;
  readonly what: 'namespace' | 'rename';
  /** The namespace removed, or the namespace of the renamed object. */
  readonly namespace: string;
  /** One line: the object, what goes with it. */
  readonly message: string;
  /** The PersistentVolumeClaims (namespace/name, or a pattern with `*` for StatefulSet ordinals) whose data is deleted or left behind. */
  readonly claims: readonly string[];
}

const describe = (object: KubeObject): string => `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;

/** The claims an object stands for: a PVC itself, or a StatefulSet's claims from its volumeClaimTemplates. */
function claimsOf(object: KubeObject): string[] {
  const namespace = object.metadata.namespace ?? 'default';
  if (apiGroup(object.apiVersion) === '' && object.kind === 'PersistentVolumeClaim') return [`${namespace}/${object.metadata.name}`];
  if (apiGroup(object.apiVersion) !== 'apps' || object.kind !== 'StatefulSet') return [];
  const templates = ((object.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined)?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name);
  return templates.filter((name): name is string => typeof name === 'string').map((name) => `${namespace}/${name}-${object.metadata.name}-*`);
}

const data = (claims: readonly string[]): string =>
  claims.length === 0 ? '' : `; PersistentVolumeClaims ${claims.join(', ')} go with it, and their data where the volume's reclaim policy is Delete (the default of provisioned volumes)`;

/** Namespaces of `previous` that `current` no longer writes, per environment, with what they hold. */
export function removedNamespaces(previous: readonly ManifestDocument[], current: readonly ManifestDocument[]): Removal[] {
  const kept = new Set(current.filter((doc) => doc.object.kind === 'Namespace').map((doc) => `${doc.environment}/${doc.object.metadata.name}`));
  const removals: Removal[] = [];
  for (const doc of previous) {
    if (doc.object.kind !== 'Namespace' || apiGroup(doc.object.apiVersion) !== '' || kept.has(`${doc.environment}/${doc.object.metadata.name}`)) continue;
    const name = doc.object.metadata.name;
    const inside = previous.filter((other) => other.environment === doc.environment && other.object.metadata.namespace === name);
    const claims = inside.flatMap((other) => claimsOf(other.object));
    removals.push({
      file: doc.file,
      environment: doc.environment,
      what: 'namespace',
      namespace: name,
      message: `Namespace ${name} is removed: deleting it deletes everything in it (${inside.length} object(s) of the output, and whatever else was created there)${data(claims)}`,
      claims,
    });
  }
  return removals;
}

/**
 * Objects of `previous` whose file in `current` holds an object of the same kind under another name or
 * namespace, that `previous` did not have: renamed, so deleted and created again. In a namespace that
 * is removed as a whole the namespace's removal says it all; those are left out.
 */
export function renamedObjects(previous: readonly ManifestDocument[], current: readonly ManifestDocument[]): Removal[] {
  const key = (doc: ManifestDocument) => `${doc.environment}:${objectKey(doc.object)}`;
  const [before, after] = [new Set(previous.map(key)), new Set(current.map(key))];
  const kindKey = (doc: ManifestDocument) => `${doc.file}\u0000${apiGroup(doc.object.apiVersion)}/${doc.object.kind}`;
  const newByFile = new Map<string, ManifestDocument>();
  for (const doc of current) if (!before.has(key(doc))) newByFile.set(kindKey(doc), doc);
  const removedNamespaces = new Set(removedNamespacesOf(previous, current));
  const renames: Removal[] = [];
  for (const doc of previous) {
    if (after.has(key(doc))) continue;
    const successor = newByFile.get(kindKey(doc));
    if (successor === undefined || removedNamespaces.has(`${doc.environment}/${doc.object.metadata.namespace ?? ''}`)) continue;
    const claims = claimsOf(doc.object);
    const abandoned = claims.length === 0 ? '' : `; the new one claims new volumes: ${claims.join(', ')} and their data are left behind (deleted where the reclaim policy is Delete, once the claims are)`;
    renames.push({
      file: doc.file,
      environment: doc.environment,
      what: 'rename',
      namespace: doc.object.metadata.namespace ?? '',
      message: `${describe(doc.object)} is renamed to ${describe(successor.object)}: a new object is created and the old one deleted (pruned), not updated${abandoned}`,
      claims,
    });
  }
  return renames;
}

function removedNamespacesOf(previous: readonly ManifestDocument[], current: readonly ManifestDocument[]): string[] {
  return removedNamespaces(previous, current).map((removal) => `${removal.environment}/${removal.namespace}`);
}
