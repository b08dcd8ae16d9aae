/** What every check needs to know about a Kubernetes object, read defensively (schema errors are reported elsewhere). */

interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface KubernetesObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly [field: string]: unknown;
}

/** A document of a manifest file, as loaded from YAML. */
export interface ManifestDocument {
  readonly file: string;
  readonly doc: unknown;
  /** Its position among the file's documents (1 for the first), when the file holds more than one. */
  readonly document?: number;
}

/** Built-in and platform kinds that are not namespaced; every other kind is namespaced. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterAnalysisTemplate',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'DeviceClass',
  'FlowSchema',
  'GatewayClass',
  'IngressClass',
  'IPAddress',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'ResourceSlice',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectReview',
  'SelfSubjectRulesReview',
  'ServiceCIDR',
  'StorageClass',
  'StorageVersionMigration',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'VolumeAttributesClass',
]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A mapping: the only shape a Kubernetes object can have (its fields are checked by the schemas). */
export function isKubernetesObject(doc: unknown): doc is KubernetesObject {
  return isRecord(doc);
}

/** The cluster-scoped kinds (the list above), sorted: e.g. for a schema that refuses them. */
export function clusterScopedKinds(): string[] {
  return [...CLUSTER_SCOPED_KINDS].sort();
}

/** Whether objects of this kind are cluster-scoped (the list above); every other kind is namespaced. */
export function isClusterScoped(kind: string | undefined): boolean {
  return kind !== undefined && CLUSTER_SCOPED_KINDS.has(kind);
}

/** The namespace a namespaced object lands in: `default` when metadata.namespace is absent, as kubectl does. */
export function namespaceOf(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}

/** `Kind/namespace/name` for namespaced objects, `Kind/name` for cluster-scoped ones. */
export function objectRef(object: KubernetesObject): string {
  const kind = typeof object.kind === 'string' ? object.kind : '<no kind>';
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '<no name>';
  return isClusterScoped(object.kind) ? `${kind}/${name}` : `${kind}/${namespaceOf(object)}/${name}`;
}

/** The elements of a list field that are objects; anything else (absent, wrong type) gives none. */
export function objectsIn<T extends object>(value: unknown): { item: T; index: number }[] {
  if (!Array.isArray(value)) return [];
  const items: { item: T; index: number }[] = [];
  value.forEach((item: unknown, index) => {
    if (isRecord(item)) items.push({ item: item as T, index });
  });
  return items;
}
