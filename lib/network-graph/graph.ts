/**
 * Who may talk to whom in one environment, computed from its NetworkPolicies (not from the values):
 * each rule's peers are resolved the way the API server reads them, so a policy wider than meant
 * shows as wide. Nodes:
 * - `workload`: a Deployment, StatefulSet, DaemonSet or Argo Rollout of the output (WORKLOAD_KINDS),
 *   matched by its pod labels;
 * - `pods`: pods a selector picks that are not in the output (e.g. kube-dns in kube-system), or every
 *   pod of a namespace (an empty pod selector), or pods of any namespace (an empty namespace selector);
 * - `cidr`: an ipBlock; `anywhere`: a rule without peers (every address, in or outside the cluster).
 * Edges go from the side opening connections to the side accepting them, with the ports and which
 * policies allow them: `egress` (written on the caller), `ingress` (written on the callee). Between two
 * workloads of the output both are needed; an edge with one side only is drawn as such.
 * Selectors: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), as in
 * k8s.io/apimachinery's LabelSelectorAsSelector; hand-written because no npm library evaluates
 * Kubernetes label selectors over plain objects.
 */
import { entryOf, WORKLOAD_KINDS } from '../gitops/inventory';

type Labels = Readonly<Record<string, string>>;

interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

interface Rule {
  readonly ports?: readonly { readonly protocol?: string; readonly port?: number | string; readonly endPort?: number }[];
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
}

type NodeKind = 'workload' | 'pods' | 'cidr' | 'anywhere';

export interface GraphNode {
  /** Stable identity (sorted on), e.g. `workload:api-dev/api`. */
  readonly id: string;
  readonly kind: NodeKind;
  /** The namespace it is drawn in; undefined for nodes outside any one namespace. */
  readonly namespace?: string;
  readonly label: string;
  /** Whether the node stands for more than named pods (every pod of a namespace, any namespace, any address). */
  readonly wide: boolean;
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** e.g. `TCP 8080`, `UDP 53, TCP 53`, or `any port`; the rules of both sides, ` / ` between different ones. */
  readonly ports: string;
  /** Which side's policies allow it. */
  readonly sides: readonly ('egress' | 'ingress')[];
  /** Both endpoints are workloads of the output, and only one side allows the connection (a side written for every pod of the namespace counts). */
  readonly oneSided: boolean;
}

export interface NetworkGraph {
  readonly environment: string;
  /** Sorted by id. */
  readonly nodes: readonly GraphNode[];
  /** One per pair of nodes, sorted by from and to. */
  readonly edges: readonly GraphEdge[];
}

type AnyObject = { kind?: string; metadata?: { name?: string; namespace?: string; labels?: Labels }; spec?: Record<string, unknown> };

/** Whether `labels` satisfy `selector` (an empty selector selects everything). */
function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok = operator === 'In' ? has && values.includes(labels[key]) : operator === 'NotIn' ? !has || !values.includes(labels[key]) : operator === 'Exists' ? has : operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

function isEmpty(selector: LabelSelector | undefined): boolean {
  return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

/** A selector as people write it: `k8s-app=kube-dns`, `app.kubernetes.io/name in (prometheus, blackbox-exporter)`. */
function describeSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    parts.push(operator === 'Exists' ? key : operator === 'DoesNotExist' ? `!${key}` : `${key} ${operator === 'In' ? 'in' : 'notin'} (${values.join(', ')})`);
  }
  return parts.join(', ');
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

/** Computes the graph of one environment from its NetworkPolicies, Namespaces and workloads. */
export function networkGraph(environment: string, objects: readonly Record<string, unknown>[]): NetworkGraph {
  const all = objects as readonly AnyObject[];
  const namespaceLabels = new Map<string, Labels>();
  for (const o of all) if (o.kind === 'Namespace' && o.metadata?.name) namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, [METADATA_NAME]: o.metadata.name });
  const workloads = all
    .filter((o) => WORKLOAD_KINDS.has(o.kind ?? ''))
    .map((o) => {
      const template = (o.spec?.template ?? {}) as { metadata?: { labels?: Labels } };
      const labels = template.metadata?.labels ?? {};
      const namespace = o.metadata?.namespace ?? 'default';
      const name = labels['app.kubernetes.io/name'] ?? o.metadata?.name ?? '?';
      return { namespace, labels, node: { id: `workload:${namespace}/${name}`, kind: 'workload' as const, namespace, label: name, wide: false } };
    });
  const nodes = new Map<string, GraphNode>();
  for (const w of workloads) nodes.set(w.node.id, w.node);
  // Workloads by namespace: each selector is evaluated against one namespace's workloads (linear in the output).
  const workloadsIn = new Map<string, typeof workloads>();
  for (const w of workloads) entryOf(workloadsIn, w.namespace, () => []).push(w);
  const edges = new Map<string, { from: string; to: string; ports: Set<string>; sides: Set<'egress' | 'ingress'> }>();
  const add = (node: GraphNode) => {
    nodes.set(node.id, node);
    return node.id;
  };

  /** The namespaces a namespace selector picks: named ones (known or not), or undefined for "any namespace". */
  const namespacesOf = (selector: LabelSelector | undefined, own: string): string[] | 'any' | { unknown: string } => {
    if (selector === undefined) return [own];
    if (isEmpty(selector)) return 'any';
    const named = selector.matchLabels?.[METADATA_NAME];
    if (named !== undefined && Object.keys(selector.matchLabels ?? {}).length === 1 && (selector.matchExpressions ?? []).length === 0) return [named];
    const known = [...namespaceLabels].filter(([, labels]) => selects(selector, labels)).map(([name]) => name);
    // Namespaces outside the output may carry the labels too: the selector itself is the node.
    return known.length > 0 ? known : { unknown: describeSelector(selector) };
  };

  const resolvePeer = (peer: Peer, own: string): string[] => {
    if (peer.ipBlock) {
      const except = peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : '';
      return [add({ id: `cidr:${peer.ipBlock.cidr}${except}`, kind: 'cidr', label: `${peer.ipBlock.cidr}${except}`, wide: peer.ipBlock.cidr.endsWith('/0') })];
    }
    const namespaces = namespacesOf(peer.namespaceSelector, own);
    const pods = describeSelector(peer.podSelector);
    if (namespaces === 'any') {
      return [add({ id: `pods:*/${pods}`, kind: 'pods', label: pods ? `pods ${pods} in all namespaces` : 'all pods in all namespaces', wide: true })];
    }
    if (!Array.isArray(namespaces)) {
      return [add({ id: `pods:?${namespaces.unknown}/${pods}`, kind: 'pods', label: `${pods ? `pods ${pods}` : 'all pods'} in namespaces ${namespaces.unknown}`, wide: true })];
    }
    return namespaces.flatMap((namespace) => {
      if (isEmpty(peer.podSelector)) return [add({ id: `pods:${namespace}/*`, kind: 'pods', namespace, label: `all pods of ${namespace}`, wide: true })];
      const matched = (workloadsIn.get(namespace) ?? []).filter((w) => selects(peer.podSelector, w.labels)).map((w) => w.node.id);
      return matched.length > 0 ? matched : [add({ id: `pods:${namespace}/${pods}`, kind: 'pods', namespace, label: pods, wide: false })];
    });
  };

  const portsOf = (rule: Rule): string =>
    rule.ports && rule.ports.length > 0 ? rule.ports.map((p) => `${p.protocol ?? 'TCP'} ${p.port ?? 'any'}${p.endPort !== undefined ? `-${p.endPort}` : ''}`).join(', ') : 'any port';

  const connect = (from: string, to: string, ports: string, side: 'egress' | 'ingress') => {
    const key = `${from}\u0000${to}`;
    const edge = entryOf(edges, key, () => ({ from, to, ports: new Set<string>(), sides: new Set<'egress' | 'ingress'>() }));
    edge.ports.add(ports);
    edge.sides.add(side);
  };

  for (const policy of all.filter((o) => o.kind === 'NetworkPolicy')) {
    const namespace = policy.metadata?.namespace ?? 'default';
    const spec = (policy.spec ?? {}) as { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
    const inNamespace = workloadsIn.get(namespace) ?? [];
    // The pods the policy is about: the workloads it selects, or its selector itself when it selects none of them.
    const selected = inNamespace.filter((w) => selects(spec.podSelector, w.labels)).map((w) => w.node.id);
    const targets =
      selected.length > 0
        ? selected
        : isEmpty(spec.podSelector)
          ? [add({ id: `pods:${namespace}/*`, kind: 'pods', namespace, label: `all pods of ${namespace}`, wide: true })]
          : [add({ id: `pods:${namespace}/${describeSelector(spec.podSelector)}`, kind: 'pods', namespace, label: describeSelector(spec.podSelector), wide: false })];
    const anywhere = () => add({ id: 'anywhere', kind: 'anywhere', label: 'anywhere (any address)', wide: true });
    for (const rule of spec.ingress ?? []) {
      const peers = rule.from && rule.from.length > 0 ? rule.from.flatMap((peer) => resolvePeer(peer, namespace)) : [anywhere()];
      for (const target of targets) for (const peer of peers) connect(peer, target, portsOf(rule), 'ingress');
    }
    for (const rule of spec.egress ?? []) {
      const peers = rule.to && rule.to.length > 0 ? rule.to.flatMap((peer) => resolvePeer(peer, namespace)) : [anywhere()];
      for (const target of targets) for (const peer of peers) connect(target, peer, portsOf(rule), 'egress');
    }
  }

  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const isWorkload = (id: string) => nodes.get(id)?.kind === 'workload';
  // A side written for every pod of a namespace (an empty pod selector) covers each workload there.
  const allowedBy = (from: string, to: string, side: 'egress' | 'ingress') =>
    [`${from}\u0000${to}`, `${from}\u0000pods:${nodes.get(to)?.namespace}/*`, `pods:${nodes.get(from)?.namespace}/*\u0000${to}`].some((key) => edges.get(key)?.sides.has(side));
  return {
    environment,
    nodes: [...nodes.values()].sort(byId),
    edges: [...edges.values()]
      .map((e) => {
        const sides = [...e.sides].sort();
        return {
          from: e.from,
          to: e.to,
          ports: [...e.ports].sort().join(' / '),
          sides,
          oneSided: isWorkload(e.from) && isWorkload(e.to) && !(allowedBy(e.from, e.to, 'egress') && allowedBy(e.from, e.to, 'ingress')),
        };
      })
      .sort((a, b) => byId({ id: `${a.from}\u0000${a.to}` }, { id: `${b.from}\u0000${b.to}` })),
  };
}
