/**
 * Compares two synth outputs object by object: every object present in both (same environment, API
 * group, kind, namespace and name) must not change a field Kubernetes refuses to update (rules.ts), and
 * no namespace's entry may move between Ingress and HTTPRoute unannounced (traffic-entry.ts).
 */
import { type Delivery, refusedChanges } from './delivery';
import type { ManifestDocument } from './output';
import { type FieldChange, type KubeObject, apiGroup } from './rules';
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

/**
 * The refused changes between two outputs, each environment applied by `deliveryOf(environment)`
 * (delivery.ts: which hooks are recreated rather than updated), and the traffic-entry moves.
 */
export function checkUpgrade(previous: readonly ManifestDocument[], current: readonly ManifestDocument[], deliveryOf: (environment: string) => Delivery): UpgradeCheck {
  const key = (doc: ManifestDocument) => `${doc.environment}:${objectKey(doc.object)}`;
  const before = new Map(previous.map((doc) => [key(doc), doc.object]));
  const violations: Violation[] = [];
  let compared = 0;
  for (const doc of current) {
    const { file, object } = doc;
    const old = before.get(key(doc));
    if (!old) continue;
    compared += 1;
    for (const change of refusedChanges(old, object, deliveryOf(doc.environment))) violations.push({ ...change, file, object });
  }
  violations.push(...entryMoves(previous, current));
  return { violations, compared };
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

/**
 * An application whose pods move between a Deployment and an Argo Rollout of the same name
 * (`rollout.strategy` changed, lib/delivery/). Nothing the API server refuses, but an apply that
 * prunes the old workload before the new one's pods are ready stops the application: the switch
 * is done in order (README, "Switching a running application to a Rollout").
 */
export interface WorkloadSwitch {
  /** File of the current output the new workload comes from. */
  readonly file: string;
  readonly namespace: string;
  readonly name: string;
  readonly from: WorkloadKind;
  readonly to: WorkloadKind;
}

type WorkloadKind = 'Deployment' | 'Rollout';
const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = { 'apps/Deployment': 'Deployment', 'argoproj.io/Rollout': 'Rollout' };

function workloadKind(object: KubeObject): WorkloadKind | undefined {
  return WORKLOAD_KINDS[`${apiGroup(object.apiVersion)}/${object.kind}`];
}

/** The workloads of `previous` replaced by the other kind under the same namespace and name in `current`. */
export function workloadSwitches(previous: readonly ManifestDocument[], current: readonly ManifestDocument[]): WorkloadSwitch[] {
  const key = (doc: ManifestDocument) => `${doc.environment}:${doc.object.metadata.namespace ?? ''}/${doc.object.metadata.name}`;
  const before = new Map<string, WorkloadKind>();
  for (const doc of previous) {
    const kind = workloadKind(doc.object);
    if (kind) before.set(key(doc), kind);
  }
  const after = new Set(current.filter((doc) => workloadKind(doc.object)).map((doc) => `${key(doc)}:${workloadKind(doc.object)}`));
  const switches: WorkloadSwitch[] = [];
  for (const doc of current) {
    const to = workloadKind(doc.object);
    const from = before.get(key(doc));
    // A switch: the other kind was there before and is gone now.
    if (!to || !from || from === to || after.has(`${key(doc)}:${from}`)) continue;
    switches.push({ file: doc.file, namespace: doc.object.metadata.namespace ?? '', name: doc.object.metadata.name, from, to });
  }
  return switches;
}

/** One line: what changes and the order that keeps the application serving. */
export function formatWorkloadSwitch(change: WorkloadSwitch): string {
  const where = `-n ${change.namespace}`;
  const steps =
    change.to === 'Rollout'
      ? `apply the Rollout, its Services and AnalysisTemplates first and wait until it is Healthy (kubectl argo rollouts status ${change.name} ${where}), then delete the Deployment (kubectl delete deployment ${change.name} ${where})`
      : `apply the Deployment first and wait until it is available (kubectl rollout status deployment/${change.name} ${where}), then delete the Rollout (kubectl delete rollout ${change.name} ${where})`;
  return `${change.file}: ${change.from} ${change.namespace}/${change.name} becomes a ${change.to}: ${steps}; see README "Switching a running application to a Rollout"`;
}
