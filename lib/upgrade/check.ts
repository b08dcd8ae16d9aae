/**
 * Compares two synth outputs object by object: every object present in both (same environment, API
 * group, kind, namespace and name) must not change a field Kubernetes refuses to update (rules.ts), and
 * no namespace's entry may move between Ingress and HTTPRoute unannounced (traffic-entry.ts).
 */
import type { ManifestDocument } from './output';
import { type FieldChange, type KubeObject, apiGroup, immutableFieldChanges } from './rules';
import { entryMoves } from './traffic-entry';

export interface Violation extends FieldChange {
  /** File of the current output the object comes from (relative to the output directory). */
  readonly file: string;
  readonly object: KubeObject;
}

export interface UpgradeCheck {
  readonly violations: readonly Violation[];
  /** Objects present in both outputs, hence compared. */
  readonly compared: number;
}

/** What identifies an object to the API server; the version is left out (it is only a representation). */
export function objectKey(object: KubeObject): string {
  return [apiGroup(object.apiVersion), object.kind, object.metadata.namespace ?? '', object.metadata.name].join('/');
}

export function checkUpgrade(previous: readonly ManifestDocument[], current: readonly ManifestDocument[]): UpgradeCheck {
  const key = (doc: ManifestDocument) => `${doc.environment}:${objectKey(doc.object)}`;
  const before = new Map(previous.map((doc) => [key(doc), doc.object]));
  const violations: Violation[] = [];
  let compared = 0;
  for (const doc of current) {
    const { file, object } = doc;
    const old = before.get(key(doc));
    if (!old || recreatedEachRelease(old) || recreatedEachRelease(object)) continue;
    compared += 1;
    for (const change of immutableFieldChanges(old, object)) violations.push({ ...change, file, object });
  }
  violations.push(...entryMoves(previous, current));
  return { violations, compared };
}

/**
 * Hooks that Helm (`before-hook-creation`) and Argo CD (`BeforeHookCreation`) delete and create again
 * on every upgrade or sync, never update (the migration Job, lib/app/migration.ts): their immutable
 * fields may change.
 */
function recreatedEachRelease(object: KubeObject): boolean {
  const annotations = (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
  const policy = (key: string) => (annotations[key] ?? '').split(',');
  return policy('helm.sh/hook-delete-policy').includes('before-hook-creation') && policy('argocd.argoproj.io/hook-delete-policy').includes('BeforeHookCreation');
}

/** `Deployment api-production/api`, or `ClusterRole reader` for cluster-scoped objects. */
function describeObject(object: KubeObject): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

const MAX_VALUE_LENGTH = 160;

function showValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** One line: file, object, field, reason, and the previous and current values. */
export function formatViolation(violation: Violation): string {
  return `${violation.file}: ${describeObject(violation.object)}: ${violation.field} ${violation.reason}: ${showValue(violation.previous)} -> ${showValue(violation.current)}`;
}
