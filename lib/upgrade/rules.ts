/**
 * Fields the Kubernetes API server refuses to change on an existing object: a `kubectl apply` or
 * `helm upgrade` that changes them fails with "field is immutable", and the object has to be deleted
 * and created again. One rule list per API group and kind; kinds not listed here (CronJob, ConfigMap
 * without `immutable`, ...) accept any change.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseQuantity } from '../values/quantity';

/** A Kubernetes object as read from a manifest. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** One refused change: the field (dotted path), why, and both values (undefined when absent). */
export interface FieldChange {
  readonly field: string;
  readonly reason: string;
  readonly previous: unknown;
  readonly current: unknown;
}

type Rule = (previous: KubeObject, current: KubeObject) => FieldChange[];

/** The API group of an apiVersion: `apps` for apps/v1, '' for the core group (v1). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function valueAt(object: unknown, path: string): unknown {
  let node = object;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The field may not change at all (absent on both sides counts as unchanged). */
function unchanged(field: string, reason = 'is immutable'): Rule {
  return (previous, current) => {
    const [before, after] = [valueAt(previous, field), valueAt(current, field)];
    return isDeepStrictEqual(before, after) ? [] : [{ field, reason, previous: before, current: after }];
  };
}

/** Like `unchanged`, with a default standing for an absent value. */
function unchangedWithDefault(field: string, defaultValue: string): Rule {
  return (previous, current) => {
    const [before, after] = [valueAt(previous, field) ?? defaultValue, valueAt(current, field) ?? defaultValue];
    return before === after ? [] : [{ field, reason: 'is immutable', previous: before, current: after }];
  };
}

function serviceType(service: KubeObject): string {
  return (valueAt(service, 'spec.type') as string | undefined) ?? 'ClusterIP';
}

/**
 * The cluster IPs of a Service are allocated once: a manifest that leaves them out keeps the allocated
 * ones, one that sets them must set the ones already there (which only the previous manifest can tell).
 * A second IP family may be added or removed (dual-stack), the existing IPs never change. Switching to or
 * from ExternalName (which has no cluster IP) is refused while the manifest sets a cluster IP.
 */
const serviceAddresses: Rule = (previous, current) => {
  const [typeBefore, typeAfter] = [serviceType(previous), serviceType(current)];
  const [ipBefore, ipAfter] = [valueAt(previous, 'spec.clusterIP'), valueAt(current, 'spec.clusterIP')];
  const [ipsBefore, ipsAfter] = [valueAt(previous, 'spec.clusterIPs'), valueAt(current, 'spec.clusterIPs')];
  if (typeBefore !== typeAfter && [typeBefore, typeAfter].includes('ExternalName')) {
    if (!isSet(ipAfter) && !isSet(ipsAfter)) return [];
    return [{ field: 'spec.type', reason: 'cannot switch to or from ExternalName while spec.clusterIP is set', previous: typeBefore, current: typeAfter }];
  }
  const changes: FieldChange[] = [];
  if (isSet(ipAfter) && ipAfter !== ipBefore) {
    changes.push({ field: 'spec.clusterIP', reason: isSet(ipBefore) ? 'is immutable' : 'cannot be set once allocated', previous: ipBefore, current: ipAfter });
  }
  if (Array.isArray(ipsAfter) && ipsAfter.length > 0) {
    const allocated = Array.isArray(ipsBefore) ? ipsBefore : isSet(ipBefore) ? [ipBefore] : [];
    const kept = allocated.length > 0 && allocated.slice(0, ipsAfter.length).every((ip, i) => ip === ipsAfter[i]);
    if (!kept) {
      changes.push({ field: 'spec.clusterIPs', reason: allocated.length > 0 ? 'cannot change an allocated IP' : 'cannot be set once allocated', previous: ipsBefore, current: ipsAfter });
    }
  }
  return changes;
};

const storageRequest = 'spec.resources.requests.storage';

/** A PersistentVolumeClaim may grow (when its StorageClass allows expansion), never shrink. */
const storageShrink: Rule = (previous, current) => {
  const [before, after] = [valueAt(previous, storageRequest), valueAt(current, storageRequest)];
  const [from, to] = [bytes(before), bytes(after)];
  if (from === undefined || to === undefined || to >= from) return [];
  return [{ field: storageRequest, reason: 'cannot shrink', previous: before, current: after }];
};

/** A storage quantity in bytes; undefined when absent or unreadable (the schema validation reports those). */
function bytes(quantity: unknown): number | undefined {
  if (typeof quantity !== 'string') return undefined;
  try {
    return parseQuantity(quantity);
  } catch {
    return undefined;
  }
}

/** The data of a ConfigMap or Secret marked `immutable: true`, and the mark itself. */
function immutableData(fields: readonly string[]): Rule {
  return (previous, current) => {
    if (valueAt(previous, 'immutable') !== true) return [];
    return [...fields, 'immutable'].flatMap((field) => unchanged(field, 'cannot change once immutable is true')(previous, current));
  };
}

const RULES: Readonly<Record<string, readonly Rule[]>> = {
  'apps/Deployment': [unchanged('spec.selector')],
  'apps/ReplicaSet': [unchanged('spec.selector')],
  'apps/DaemonSet': [unchanged('spec.selector')],
  'apps/StatefulSet': [unchanged('spec.selector'), unchanged('spec.serviceName'), unchanged('spec.volumeClaimTemplates'), unchangedWithDefault('spec.podManagementPolicy', 'OrderedReady')],
  'batch/Job': [unchanged('spec.selector'), unchanged('spec.template'), unchangedWithDefault('spec.completionMode', 'NonIndexed')],
  '/Service': [serviceAddresses],
  '/PersistentVolumeClaim': [unchanged('spec.accessModes'), unchanged('spec.storageClassName'), unchanged('spec.volumeName'), storageShrink],
  'rbac.authorization.k8s.io/RoleBinding': [unchanged('roleRef')],
  'rbac.authorization.k8s.io/ClusterRoleBinding': [unchanged('roleRef')],
  '/ConfigMap': [immutableData(['data', 'binaryData'])],
  '/Secret': [unchangedWithDefault('type', 'Opaque'), immutableData(['data', 'stringData'])],
};

/**
 * The changes from `previous` to `current` (the same object: same group, kind, namespace and name)
 * that the API server would refuse.
 */
export function immutableFieldChanges(previous: KubeObject, current: KubeObject): FieldChange[] {
  const rules = RULES[`${apiGroup(current.apiVersion)}/${current.kind}`] ?? [];
  return rules.flatMap((rule) => rule(previous, current));
}
