/**
 * Fields the Kubernetes API server refuses to change on an existing object: a `kubectl apply` or
 * `helm upgrade` that changes them fails with "field is immutable", and the object has to be deleted
 * and created again. One rule list per API group and kind, each citing the validation it comes from;
 * kinds not listed here (CronJob, ConfigMap without `immutable`, ...) accept any change.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseQuantity } from '../values/quantity';
import facts from './schema-facts.json';

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

/**
 * Every field of `spec` but `mutable` may not change (absent on both sides counts as unchanged; a
 * default stands for an absent value where `defaults` gives one): one finding per field.
 */
function specExcept(mutable: readonly string[], reason: string, defaults: Readonly<Record<string, unknown>> = {}): Rule {
  return (previous, current) => {
    const spec = (object: KubeObject) => (valueAt(object, 'spec') ?? {}) as Record<string, unknown>;
    const [before, after] = [spec(previous), spec(current)];
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((field) => !mutable.includes(field)).sort();
    return fields.flatMap((field) => {
      const [from, to] = [before[field] ?? defaults[field], after[field] ?? defaults[field]];
      return isDeepStrictEqual(from, to) ? [] : [{ field: `spec.${field}`, reason, previous: before[field], current: after[field] }];
    });
  };
}

/**
 * A StatefulSet: kubernetes pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate refuses
 * "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template',
 * 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'" (Kubernetes 1.27,
 * the charts' kubeVersion floor; later releases add 'revisionHistoryLimit' to the list, reported apart).
 */
const statefulSetSpec: Rule = (previous, current) =>
  specExcept(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'], 'is immutable', {
    podManagementPolicy: 'OrderedReady',
  })(previous, current).map((change) => (change.field === 'spec.revisionHistoryLimit' ? { ...change, reason: "is immutable on Kubernetes 1.27 (the charts' floor; later releases accept the change)" } : change));

/**
 * A PersistentVolumeClaim: kubernetes pkg/apis/core/validation/validation.go
 * ValidatePersistentVolumeClaimUpdate: "spec is immutable after creation except resources.requests and
 * volumeAttributesClassName for bound claims"; volumeName may only be set where it was unset (binding),
 * and requests.storage may grow (where the StorageClass allows expansion), not shrink.
 */
const claimSpec: Rule = (previous, current) => {
  const changes = specExcept(['resources', 'volumeAttributesClassName', 'volumeName'], 'is immutable after creation')(previous, current);
  const [nameBefore, nameAfter] = [valueAt(previous, 'spec.volumeName'), valueAt(current, 'spec.volumeName')];
  if (isSet(nameBefore) && nameBefore !== nameAfter) changes.push({ field: 'spec.volumeName', reason: 'is immutable once bound', previous: nameBefore, current: nameAfter });
  changes.push(...unchanged('spec.resources.limits', 'is immutable after creation')(previous, current), ...storageShrink(previous, current));
  return changes;
};

/**
 * A headless Service (`clusterIP: None`) stays headless when a manifest stops writing the field: the
 * API server copies the allocated value onto an update that leaves it empty (kubernetes
 * pkg/registry/core/service/strategy.go, patchAllocatedValues), so the change is silently not made.
 */
const headlessKept: Rule = (previous, current) => {
  const [before, after] = [valueAt(previous, 'spec.clusterIP'), valueAt(current, 'spec.clusterIP')];
  if (before !== 'None' || isSet(after) || [serviceType(previous), serviceType(current)].includes('ExternalName')) return [];
  return [{ field: 'spec.clusterIP', reason: 'cannot change from None (headless) to an allocated address: the API server keeps None', previous: before, current: after }];
};

/**
 * The primary IP family of a Service and its load balancer class (kubernetes
 * pkg/apis/core/validation/validation.go ValidateServiceUpdate: `spec.ipFamilies[0]` "may not change";
 * `spec.loadBalancerClass` "may not change once set" while the type stays LoadBalancer).
 */
const serviceFamilyAndClass: Rule = (previous, current) => {
  const changes: FieldChange[] = [];
  const [familiesBefore, familiesAfter] = [valueAt(previous, 'spec.ipFamilies'), valueAt(current, 'spec.ipFamilies')];
  if (Array.isArray(familiesBefore) && Array.isArray(familiesAfter) && familiesBefore.length > 0 && familiesAfter.length > 0 && familiesBefore[0] !== familiesAfter[0]) {
    changes.push({ field: 'spec.ipFamilies', reason: 'cannot change the primary IP family', previous: familiesBefore, current: familiesAfter });
  }
  const [classBefore, classAfter] = [valueAt(previous, 'spec.loadBalancerClass'), valueAt(current, 'spec.loadBalancerClass')];
  if (serviceType(previous) === 'LoadBalancer' && serviceType(current) === 'LoadBalancer' && isSet(classBefore) && classBefore !== classAfter) {
    changes.push({ field: 'spec.loadBalancerClass', reason: 'cannot change once set', previous: classBefore, current: classAfter });
  }
  return changes;
};

/**
 * A Job: kubernetes pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate: selector, template
 * (but for the scheduling directives of a suspended Job that never started, which the platform does not
 * write), completionMode, podFailurePolicy, successPolicy, backoffLimitPerIndex and managedBy are
 * immutable; completions too, unless the Job is Indexed with completions equal to parallelism on both
 * sides (an elastic Indexed Job).
 */
const jobCompletions: Rule = (previous, current) => {
  const elastic = (job: KubeObject) => valueAt(job, 'spec.completionMode') === 'Indexed' && valueAt(job, 'spec.completions') === valueAt(job, 'spec.parallelism');
  return elastic(previous) && elastic(current) ? [] : unchanged('spec.completions')(previous, current);
};

/** The data of a ConfigMap or Secret marked `immutable: true`, and the mark itself. */
function immutableData(fields: readonly string[]): Rule {
  return (previous, current) => {
    if (valueAt(previous, 'immutable') !== true) return [];
    return [...fields, 'immutable'].flatMap((field) => unchanged(field, 'cannot change once immutable is true')(previous, current));
  };
}

/** A Service: its addresses, headless mark, primary IP family and load balancer class. */
const serviceRules: readonly Rule[] = [serviceAddresses, headlessKept, serviceFamilyAndClass];

/**
 * Kubernetes' own kinds, each with the validation function it comes from (kubernetes/kubernetes,
 * Kubernetes 1.27 to 1.33): Deployment, ReplicaSet and DaemonSet selectors (pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go
 * ValidateUpdate, apps/v1), RoleBinding roleRef (pkg/apis/rbac/validation ValidateRoleBindingUpdate),
 * ConfigMap and Secret (pkg/apis/core/validation ValidateConfigMapUpdate, ValidateSecretUpdate).
 */
const BUILT_IN_RULES: Readonly<Record<string, readonly Rule[]>> = {
  'apps/Deployment': [unchanged('spec.selector')],
  'apps/ReplicaSet': [unchanged('spec.selector')],
  'apps/DaemonSet': [unchanged('spec.selector')],
  'apps/StatefulSet': [statefulSetSpec],
  'batch/Job': [
    unchanged('spec.selector'),
    unchanged('spec.template'),
    unchangedWithDefault('spec.completionMode', 'NonIndexed'),
    jobCompletions,
    ...['podFailurePolicy', 'successPolicy', 'backoffLimitPerIndex', 'managedBy'].map((field) => unchanged(`spec.${field}`)),
  ],
  '/Service': serviceRules,
  '/PersistentVolumeClaim': [claimSpec],
  'rbac.authorization.k8s.io/RoleBinding': [unchanged('roleRef')],
  'rbac.authorization.k8s.io/ClusterRoleBinding': [unchanged('roleRef')],
  '/ConfigMap': [immutableData(['data', 'binaryData'])],
  '/Secret': [unchangedWithDefault('type', 'Opaque'), immutableData(['data', 'stringData'])],
};

/**
 * Custom resources: the fields their CRDs declare immutable with a CEL transition rule `self == oldSelf`
 * (lib/upgrade/schema-facts.json, generated from the CRD schemas by scripts/schema-facts.mjs), e.g. a
 * Rollout's `spec.selector` (Argo Rollouts 1.9: `+kubebuilder:validation:XValidation:rule="self ==
 * oldSelf",message=".spec.selector is immutable"` on RolloutSpec.Selector in
 * pkg/apis/rollouts/v1alpha1/types.go, since argoproj/argo-rollouts#4084), reported with the CRD's message.
 */
const CRD_RULES: Readonly<Record<string, readonly Rule[]>> = Object.fromEntries(
  Object.entries(facts.immutable as Readonly<Record<string, readonly { field: string; message: string; source: string }[]>>).map(([kind, fields]) => [
    kind,
    fields.map(({ field, message }) => unchanged(field, `is immutable (its CRD: "${message}")`)),
  ]),
);

function rulesOf(object: KubeObject): readonly Rule[] {
  const group = apiGroup(object.apiVersion);
  return BUILT_IN_RULES[`${group}/${object.kind}`] ?? CRD_RULES[`${group}/${object.kind.toLowerCase()}`] ?? [];
}

/**
 * The changes from `previous` to `current` (the same object: same group, kind, namespace and name)
 * that the API server would refuse.
 */
export function immutableFieldChanges(previous: KubeObject, current: KubeObject): FieldChange[] {
  return rulesOf(current).flatMap((rule) => rule(previous, current));
}
