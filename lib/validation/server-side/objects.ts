/**
 * Object rules of the API server that the OpenAPI schemas do not state, each with its source:
 * - selectors that select their own pod template (k8s.io/kubernetes/pkg/apis/apps/validation
 *   ValidateDeploymentSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec, ValidateReplicaSetSpec:
 *   "`selector` does not match template `labels`"; Argo Rollouts refuses the same in its
 *   controller, rollout/validation ValidateRolloutSpec);
 * - int-or-percent values at most 100% where Kubernetes requires it (apps validation
 *   ValidateRollingUpdateDeployment and policy validation ValidatePodDisruptionBudgetSpec, through
 *   IsNotMoreThan100Percent; Argo Rollouts' canary maxSurge/maxUnavailable likewise);
 * - CronJob `spec.schedule` and `spec.timeZone` (batch validation validateScheduleFormat and
 *   validateTimeZone: robfig/cron ParseStandard, an IANA name, never `Local`), and a Velero Schedule's
 *   schedule (Velero's schedule controller, the same parser);
 * - ConfigMap and Secret size: the values (data, binaryData, stringData) at most 1 MiB together
 *   (core validation ValidateConfigMap and ValidateSecret, api.MaxSecretSize);
 * - Service port names: DNS labels, unique within the Service (core validation validateServicePort);
 * - an HPA's `scaleTargetRef`: the object it scales exists in the same namespace of the set (the
 *   HPA controller reports FailedGetScale forever otherwise);
 * - Namespaces: each defined once per environment (one owner; an environment is the folder above the
 *   chart folders, `dist/manifests/<env>`, since each environment is its own cluster), and never `default`, `kube-system`,
 *   `kube-public` or `kube-node-lease` (the API server's own namespaces, k8s.io/apiserver
 *   pkg/admission/plugin/namespace/lifecycle immortalNamespaces; a chart that owns one would prune
 *   or relabel it).
 */
import { dirname } from 'node:path';
import { cronScheduleProblem } from '../../values/cron-schedule';
import { IANA_TIME_ZONES } from '../../values/time-zones';
import { SYSTEM_NAMESPACES } from '../../values/system-namespaces';
import { dnsLabelPattern } from '../../values/kubernetes-names';
import type { Finding } from '../finding';
import { isKubernetesObject, isRecord, type KubernetesObject, type ManifestDocument, namespaceOf } from '../kubernetes-object';
import { policyFinding } from '../policy/policy-finding';

/** 1 MiB: api.MaxSecretSize, the limit of a ConfigMap's or Secret's values together. */
const MAX_CONFIG_SIZE = 1024 * 1024;

const TIME_ZONES = new Set(IANA_TIME_ZONES);
const DNS_LABEL = new RegExp(dnsLabelPattern);

type At = (path: (string | number)[], message: string) => void;

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let current = root;
  for (const key of path) current = isRecord(current) || Array.isArray(current) ? (current as Record<string | number, unknown>)[key] : undefined;
  return current;
}

/** Whether a label selector (matchLabels and matchExpressions) selects `labels`. */
function selects(selector: Record<string, unknown>, labels: Record<string, unknown>): boolean {
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  return expressions.every(({ key, operator, values }) => {
    const value = labels[String(key)];
    const list = Array.isArray(values) ? values : [];
    switch (operator) {
      case 'In':
        return value !== undefined && list.includes(value);
      case 'NotIn':
        return value === undefined || !list.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);

function checkSelector(object: KubernetesObject, at: At): void {
  if (!SELECTOR_KINDS.has(String(object.kind))) return;
  const selector = valueAt(object, ['spec', 'selector']);
  const labels = valueAt(object, ['spec', 'template', 'metadata', 'labels']);
  // A Rollout may take its template from a workloadRef instead.
  if (!isRecord(selector) || valueAt(object, ['spec', 'template']) === undefined) return;
  if (!selects(selector, isRecord(labels) ? labels : {})) at(['spec', 'selector'], 'selector does not match template labels: the controller would never own its pods');
}

/** A percentage over 100%, or undefined. */
function overHundred(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9]+%$/.test(value) && Number(value.slice(0, -1)) > 100 ? value : undefined;
}

const PERCENT_FIELDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Deployment: [
    ['spec', 'strategy', 'rollingUpdate', 'maxSurge'],
    ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
  ],
  DaemonSet: [
    ['spec', 'updateStrategy', 'rollingUpdate', 'maxSurge'],
    ['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'],
  ],
  StatefulSet: [['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable']],
  PodDisruptionBudget: [
    ['spec', 'minAvailable'],
    ['spec', 'maxUnavailable'],
  ],
  Rollout: [
    ['spec', 'strategy', 'canary', 'maxSurge'],
    ['spec', 'strategy', 'canary', 'maxUnavailable'],
    ['spec', 'strategy', 'blueGreen', 'maxUnavailable'],
  ],
};

function checkPercentages(object: KubernetesObject, at: At): void {
  for (const path of PERCENT_FIELDS[String(object.kind)] ?? []) {
    const over = overHundred(valueAt(object, path));
    if (over) at([...path], `${over}: a percentage must not be greater than 100%`);
  }
}

/** Why a time zone is refused (validateTimeZone), or undefined. */
function timeZoneProblem(timeZone: string): string | undefined {
  if (timeZone.toLowerCase() === 'local') return `"${timeZone}": the time zone must be an explicit IANA name (such as Etc/UTC), never Local`;
  return TIME_ZONES.has(timeZone) ? undefined : `"${timeZone}" is not a time zone of the IANA database (such as Etc/UTC or Europe/Berlin)`;
}

function checkSchedules(object: KubernetesObject, at: At): void {
  const scheduled = object.kind === 'CronJob' || (object.kind === 'Schedule' && String(object.apiVersion).startsWith('velero.io/'));
  if (!scheduled) return;
  const schedule = valueAt(object, ['spec', 'schedule']);
  if (typeof schedule === 'string') {
    const problem = cronScheduleProblem(schedule);
    if (problem) at(['spec', 'schedule'], `"${schedule}": ${problem}`);
  }
  const timeZone = valueAt(object, ['spec', 'timeZone']);
  if (object.kind === 'CronJob' && typeof timeZone === 'string') {
    const problem = timeZoneProblem(timeZone);
    if (problem) at(['spec', 'timeZone'], problem);
  }
}

function checkConfigSize(object: KubernetesObject, at: At): void {
  if (object.kind !== 'ConfigMap' && object.kind !== 'Secret') return;
  let size = 0;
  for (const field of ['data', 'binaryData', 'stringData']) {
    const map = object[field];
    if (!isRecord(map)) continue;
    for (const value of Object.values(map)) {
      if (typeof value !== 'string') continue;
      // data of a Secret and binaryData hold base64: the API server counts the decoded bytes.
      const base64 = field === 'binaryData' || (field === 'data' && object.kind === 'Secret');
      size += base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value, 'utf8');
    }
  }
  if (size > MAX_CONFIG_SIZE) at([], `its values are ${size} bytes; a ${object.kind} holds at most ${MAX_CONFIG_SIZE} bytes (1 MiB)`);
}

function checkServicePorts(object: KubernetesObject, at: At): void {
  if (object.kind !== 'Service') return;
  const ports = valueAt(object, ['spec', 'ports']);
  if (!Array.isArray(ports)) return;
  const names = new Set<string>();
  ports.forEach((port: unknown, index) => {
    if (!isRecord(port) || typeof port.name !== 'string') return;
    if (!DNS_LABEL.test(port.name) || port.name.length > 63) at(['spec', 'ports', index, 'name'], `"${port.name}" is not a valid Service port name: a DNS label`);
    if (names.has(port.name)) at(['spec', 'ports', index, 'name'], `duplicate Service port name "${port.name}"`);
    names.add(port.name);
  });
}

/** Rules across the set: HPA targets and Namespace ownership. */
function checkAcrossObjects(documents: readonly ManifestDocument[], findings: Finding[]): void {
  const objects = documents.filter((d): d is ManifestDocument & { doc: KubernetesObject } => isKubernetesObject(d.doc));
  const written = new Set(objects.map(({ doc }) => `${doc.kind}/${namespaceOf(doc)}/${doc.metadata?.name}`));
  const namespaces = new Map<string, string>();
  for (const { file, doc, document } of objects) {
    const at: At = (path, message) => findings.push({ ...policyFinding({ file, object: doc }, path, message), document });
    if (doc.kind === 'HorizontalPodAutoscaler') {
      const target = valueAt(doc, ['spec', 'scaleTargetRef']);
      if (isRecord(target) && !written.has(`${target.kind}/${namespaceOf(doc)}/${target.name}`)) {
        at(['spec', 'scaleTargetRef'], `${target.kind} "${target.name}" is not written in namespace ${namespaceOf(doc)}: the autoscaler would have nothing to scale`);
      }
    }
    if (doc.kind === 'Namespace' && typeof doc.metadata?.name === 'string') {
      const name = doc.metadata.name;
      if (SYSTEM_NAMESPACES.includes(name)) at(['metadata', 'name'], `"${name}" is a namespace of the cluster itself (${SYSTEM_NAMESPACES.join(', ')}): no chart may own it`);
      const key = `${dirname(dirname(file))}\n${name}`;
      const earlier = namespaces.get(key);
      if (earlier !== undefined && earlier !== file) at(['metadata', 'name'], `Namespace "${name}" is also defined in ${earlier}: a namespace has one owner`);
      else namespaces.set(key, file);
    }
  }
}

/** Every rule above, over the set. */
export function checkObjectRules(documents: readonly ManifestDocument[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, doc, document } of documents) {
    if (!isKubernetesObject(doc)) continue;
    const at: At = (path, message) => findings.push({ ...policyFinding({ file, object: doc }, path, message), document });
    checkSelector(doc, at);
    checkPercentages(doc, at);
    checkSchedules(doc, at);
    checkConfigSize(doc, at);
    checkServicePorts(doc, at);
  }
  checkAcrossObjects(documents, findings);
  return findings;
}
