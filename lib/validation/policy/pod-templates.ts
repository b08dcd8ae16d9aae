/** The pod templates of workload objects: where they are, their labels, and whether the pods run for long. */
import type { FieldPath } from '../field-path';
import { isKubernetesObject, isRecord, type KubernetesObject, type ManifestDocument, objectsIn } from '../kubernetes-object';
import type { Container, ContainerList, PodSpec } from './pod-spec';

export interface PodTemplate {
  readonly file: string;
  readonly object: KubernetesObject;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: PodSpec;
  /** Path of the pod spec in the object, e.g. spec.template.spec. */
  readonly specPath: FieldPath;
  /** Path of the pod metadata in the object, e.g. spec.template.metadata. */
  readonly metadataPath: FieldPath;
  /** Pods of controllers that keep them running (and so need probes), not of Jobs or bare Pods. */
  readonly longRunning: boolean;
}

/** Where each workload kind keeps its pod template (`[]`: the object is the pod). */
const WORKLOADS: Readonly<Record<string, { readonly template: FieldPath | ((doc: KubernetesObject) => FieldPath[]); readonly longRunning: boolean }>> = {
  Deployment: { template: ['spec', 'template'], longRunning: true },
  StatefulSet: { template: ['spec', 'template'], longRunning: true },
  DaemonSet: { template: ['spec', 'template'], longRunning: true },
  ReplicaSet: { template: ['spec', 'template'], longRunning: true },
  Job: { template: ['spec', 'template'], longRunning: false },
  CronJob: { template: ['spec', 'jobTemplate', 'spec', 'template'], longRunning: false },
  Pod: { template: [], longRunning: false },
  // Argo Rollouts: the Rollout runs the application's pods; an AnalysisTemplate's job metrics run Jobs.
  Rollout: { template: ['spec', 'template'], longRunning: true },
  AnalysisTemplate: { template: (doc) => objectsIn(valueAt(doc, ['spec', 'metrics'])).map(({ index }) => ['spec', 'metrics', index, 'provider', 'job', 'spec', 'template']), longRunning: false },
};

export function podTemplatesOf(documents: readonly ManifestDocument[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const { file, doc } of documents) {
    if (!isKubernetesObject(doc) || typeof doc.kind !== 'string' || !Object.hasOwn(WORKLOADS, doc.kind)) continue;
    const workload = WORKLOADS[doc.kind];
    const paths = typeof workload.template === 'function' ? workload.template(doc) : [workload.template];
    for (const path of paths) {
      const template = valueAt(doc, path);
      if (!isRecord(template) || !isRecord(template.spec)) continue;
      const metadata = isRecord(template.metadata) ? template.metadata : {};
      templates.push({
        file,
        object: doc,
        labels: stringMap(metadata.labels),
        annotations: stringMap(metadata.annotations),
        spec: template.spec as PodSpec,
        specPath: [...path, 'spec'],
        metadataPath: [...path, 'metadata'],
        longRunning: workload.longRunning,
      });
    }
  }
  return templates;
}

export interface ContainerAt {
  readonly container: Container;
  readonly list: ContainerList;
  /** Path of the container in the object, e.g. spec.template.spec.containers[0]. */
  readonly path: FieldPath;
  /** `container "api"`, `init container "migrate"`, for messages. */
  readonly label: string;
}

const LIST_LABELS: Readonly<Record<ContainerList, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** The containers of a pod template, from the given lists (default: all three). */
export function containersOf(template: PodTemplate, lists: readonly ContainerList[] = ['containers', 'initContainers', 'ephemeralContainers']): ContainerAt[] {
  return lists.flatMap((list) =>
    objectsIn<Container>(template.spec[list]).map(({ item, index }) => ({
      container: item,
      list,
      path: [...template.specPath, list, index],
      label: `${LIST_LABELS[list]} "${typeof item.name === 'string' ? item.name : index}"`,
    })),
  );
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let current = root;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
