/**
 * What the platform writes into one environment, gathered from the objects of its plain manifests as
 * they are emitted (lib/synth/release-pipeline.ts `observe`): per chart, the namespaces it writes into
 * and its kinds; for the whole environment, the objects the network picture reads (NetworkPolicies,
 * Namespaces, workloads). The GitOps objects are computed from this, never from a hand-written list,
 * so an AppProject allows exactly what the output holds.
 */
import { isClusterScoped } from '../validation/kubernetes-object';

/** A kind as Argo CD's AppProject and Flux name it: API group ('' for the core group) and kind. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * The API groups served by every Kubernetes API server (1.27 to 1.33); any other group comes from a
 * CustomResourceDefinition that must exist before its objects are applied. Gateway API and volume
 * snapshots live under k8s.io names but are CRDs, so they are not listed.
 */
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** Whether objects of this API group need a CustomResourceDefinition installed first. */
export function needsCustomResourceDefinition(group: string): boolean {
  return !BUILT_IN_GROUPS.has(group);
}

/** One chart's release in one environment. */
export interface ChartInventory {
  readonly chart: string;
  /** Namespaces the chart's objects are in, and the Namespaces it creates, sorted. */
  readonly namespaces: readonly string[];
  /** The namespaces its Namespace objects create, in emission order. */
  readonly created: readonly string[];
  /** The files of its folder (manifests/<env>/<chart>/) holding those Namespace objects, sorted. */
  readonly namespaceFiles: readonly string[];
  /** The chart's own namespace: the one its Namespace object creates first, else the first written to. */
  readonly namespace: string;
  /** The longest `activeDeadlineSeconds` of its Jobs (the migration Job), 0 without one: how long they may run. */
  readonly longestJobSeconds: number;
  /** Kinds of its objects, sorted, with whether each is cluster-scoped. */
  readonly kinds: readonly (GroupKind & { readonly clusterScoped: boolean })[];
}

interface ObjectLike {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}

/** Kinds whose objects the network picture reads (lib/network-graph/). */
/** The kinds whose pods the network picture draws as workloads (lib/network-graph/graph.ts): each has a pod template. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);
const NETWORK_KINDS = new Set(['NetworkPolicy', 'Namespace', ...WORKLOAD_KINDS]);

/** Collects the objects of every chart of every environment as the synth emits them. */
export class PlatformInventory {
  private readonly charts = new Map<
    string,
    Map<string, { namespaces: Set<string>; created: string[]; namespaceFiles: Set<string>; longestJobSeconds: number; kinds: Map<string, GroupKind & { clusterScoped: boolean }> }>
  >();
  private readonly networkObjects = new Map<string, Record<string, unknown>[]>();

  /** Records one object of `chart`'s plain manifests in `environment`, written to `file` of the chart's folder. */
  readonly observe = (environment: string, chart: string, object: Record<string, unknown>, file: string): void => {
    const { apiVersion, kind, metadata } = object as ObjectLike;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return;
    const charts = entryOf(this.charts, environment, () => new Map());
    const entry = entryOf(charts, chart, () => ({
      namespaces: new Set<string>(),
      created: [] as string[],
      namespaceFiles: new Set<string>(),
      longestJobSeconds: 0,
      kinds: new Map<string, GroupKind & { clusterScoped: boolean }>(),
    }));
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    entry.kinds.set(`${group}/${kind}`, { group, kind, clusterScoped: isClusterScoped(kind) });
    if (kind === 'Namespace' && typeof metadata?.name === 'string') {
      entry.namespaces.add(metadata.name);
      entry.created.push(metadata.name);
      entry.namespaceFiles.add(file);
    } else if (typeof metadata?.namespace === 'string') entry.namespaces.add(metadata.namespace);
    const deadline = (object.spec as { activeDeadlineSeconds?: unknown } | undefined)?.activeDeadlineSeconds;
    if (kind === 'Job' && typeof deadline === 'number') entry.longestJobSeconds = Math.max(entry.longestJobSeconds, deadline);
    if (NETWORK_KINDS.has(kind)) entryOf(this.networkObjects, environment, () => []).push(object);
  };

  /** The environments seen, sorted. */
  environments(): string[] {
    return [...this.charts.keys()].sort();
  }

  /** The charts released to `environment`, sorted by name. */
  chartsOf(environment: string): ChartInventory[] {
    const charts = this.charts.get(environment) ?? new Map();
    return [...charts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([chart, entry]) => {
        const namespaces = [...entry.namespaces].sort();
        return {
          chart,
          namespaces,
          created: [...entry.created],
          namespaceFiles: [...entry.namespaceFiles].sort(),
          longestJobSeconds: entry.longestJobSeconds,
          namespace: entry.created[0] ?? namespaces[0] ?? 'default',
          kinds: [...entry.kinds.values()].sort((a, b) => compareGroupKind(a, b)),
        };
      });
  }

  /** The NetworkPolicies, Namespaces and workloads of `environment`, in emission order. */
  networkObjectsOf(environment: string): readonly Record<string, unknown>[] {
    return this.networkObjects.get(environment) ?? [];
  }
}

/** Orders kinds by group, then kind. */
export function compareGroupKind(a: GroupKind, b: GroupKind): number {
  const left = `${a.group}/${a.kind}`;
  const right = `${b.group}/${b.kind}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The entry of `key` in `map`, added with `make()` when missing. */
export function entryOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
