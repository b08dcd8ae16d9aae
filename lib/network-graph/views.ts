/**
 * The pictures drawn from an environment's network graph (graph.ts), each small enough to read and to
 * lay out, so that their number and cost grow linearly with the applications:
 * - the environment's overview: one node per namespace (the namespace's workloads named in it), the
 *   connections between namespaces, networks and wide peers; DNS queries and monitoring (Prometheus and
 *   blackbox scraping and probing) are not drawn there but counted in notes. Past `MAX_OVERVIEW_NODES`
 *   nodes it is not drawn at all (a table says the same in the environment's README);
 * - one picture per chart (an application, or the monitoring stack): its namespaces as clusters with their
 *   workloads, and its neighbours: each other namespace as one node naming the workloads concerned (a
 *   namespace is a cluster of its workloads), networks named from the values, wide peers in red. An edge
 *   every workload of a cluster has alike (DNS, monitoring) is drawn once, from or to the cluster; more
 *   than `MAX_ALIKE_PEERS` neighbours reached alike (the monitoring stack's applications) become one node.
 */
import type { GraphNode, NetworkGraph } from './graph';

/** A node of a picture: a graph node, a namespace standing for its workloads, or several namespaces reached alike. */
export interface PictureNode {
  readonly id: string;
  readonly kind: GraphNode['kind'] | 'namespace' | 'namespaces';
  /** The namespace cluster the node is drawn in; undefined for nodes drawn on their own. */
  readonly namespace?: string;
  readonly label: string;
  /** A second line: the workloads of a namespace node, the names of a network from the values. */
  readonly detail?: string;
  readonly wide: boolean;
}

export interface PictureEdge {
  readonly from: string;
  readonly to: string;
  readonly ports: string;
  readonly sides: readonly ('egress' | 'ingress')[];
  readonly oneSided: boolean;
  /** Drawn from (or to) the whole cluster of `from`'s (or `to`'s) namespace: every workload there has this edge. */
  readonly fromCluster?: boolean;
  readonly toCluster?: boolean;
}

export interface Picture {
  /** `network-<env>` or `network-<env>-<chart>`: the Graphviz graph's name. */
  readonly name: string;
  /** Sorted by id. */
  readonly nodes: readonly PictureNode[];
  /** Sorted by from and to. */
  readonly edges: readonly PictureEdge[];
  /** What is counted rather than drawn. */
  readonly notes: readonly string[];
}

/** Options of both views. */
export interface ViewOptions {
  /** The monitoring stack's namespaces (the monitoring chart's): its edges to the applications are monitoring. */
  readonly monitoringNamespaces: ReadonlySet<string>;
  /** Names of networks (CIDR → names), from the values (address-names.ts). */
  readonly addressNames: ReadonlyMap<string, readonly string[]>;
}

/** The largest overview laid out: beyond it a picture of every namespace is not read, only searched. */
export const MAX_OVERVIEW_NODES = 60;
/** Neighbours reached alike (same direction, ports and sides) drawn one by one before they become one node. */
const MAX_ALIKE_PEERS = 6;
/** Workloads named in a namespace node before `+N more`. */
const MAX_NAMED = 4;

type Edge = NetworkGraph['edges'][number];

const DNS_PORT = /^(UDP|TCP) 53$/;

/** A connection to cluster DNS: to pods outside the output, on port 53 only. */
function isDns(edge: Edge, node: (id: string) => GraphNode): boolean {
  return node(edge.to).kind === 'pods' && edge.ports.split(/, | \/ /).every((port) => DNS_PORT.test(port));
}

function nameList(names: readonly string[]): string {
  const sorted = [...new Set(names)].sort();
  return sorted.length > MAX_NAMED ? `${sorted.slice(0, MAX_NAMED).join(', ')}, +${sorted.length - MAX_NAMED} more` : sorted.join(', ');
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const edgeOrder = (a: PictureEdge, b: PictureEdge) => byId({ id: `${a.from}\u0000${a.to}` }, { id: `${b.from}\u0000${b.to}` });

/** Edges gathered by their ends: ports and sides merged, one-sided when any part is. */
class EdgeSet {
  private readonly edges = new Map<string, { from: string; to: string; ports: Set<string>; sides: Set<'egress' | 'ingress'>; oneSided: boolean; fromCluster?: boolean; toCluster?: boolean }>();

  add(from: string, to: string, edge: Pick<Edge, 'ports' | 'sides' | 'oneSided'>, cluster: { fromCluster?: boolean; toCluster?: boolean } = {}): void {
    const key = `${from}\u0000${to}\u0000${cluster.fromCluster ? 1 : 0}${cluster.toCluster ? 1 : 0}`;
    let entry = this.edges.get(key);
    if (entry === undefined) {
      entry = { from, to, ports: new Set(), sides: new Set(), oneSided: false, ...cluster };
      this.edges.set(key, entry);
    }
    for (const port of edge.ports.split(' / ')) entry.ports.add(port);
    for (const side of edge.sides) entry.sides.add(side);
    entry.oneSided ||= edge.oneSided;
  }

  list(): PictureEdge[] {
    return [...this.edges.values()]
      .map(({ ports, sides, ...rest }) => ({ ...rest, ports: [...ports].sort().join(' / '), sides: [...sides].sort() }))
      .map((edge) => Object.fromEntries(Object.entries(edge).filter(([, value]) => value !== undefined)) as unknown as PictureEdge)
      .sort(edgeOrder);
  }
}

/** A network node with its names from the values as a second line. */
function named(node: GraphNode, options: ViewOptions): PictureNode {
  if (node.kind !== 'cidr') return node;
  const names = options.addressNames.get(node.label.split(' ')[0]);
  return names && names.length > 0 ? { ...node, detail: nameList(names) } : node;
}

/** The environment's overview: namespaces as nodes; DNS and monitoring counted in notes. Undefined when too large to read. */
export function overview(graph: NetworkGraph, options: ViewOptions): Picture | undefined {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const node = (id: string) => nodes.get(id)!;
  const workloadsOf = new Map<string, string[]>();
  for (const n of graph.nodes) if (n.kind === 'workload' && n.namespace) workloadsOf.set(n.namespace, [...(workloadsOf.get(n.namespace) ?? []), n.label]);
  const drawn = new Map<string, PictureNode>();
  /** The overview node standing for a graph node: its namespace, unless it is wide or outside any namespace. */
  const standIn = (n: GraphNode): PictureNode => {
    if (n.wide || n.namespace === undefined) return named(n, options);
    const workloads = workloadsOf.get(n.namespace) ?? [];
    return { id: `ns:${n.namespace}`, kind: 'namespace', label: `namespace ${n.namespace}`, detail: nameList(workloads.length > 0 ? workloads : [n.label]), wide: false };
  };
  const edges = new EdgeSet();
  const dns = new Set<string>();
  const monitored = new Set<string>();
  const isMonitoring = (n: GraphNode) => n.namespace !== undefined && options.monitoringNamespaces.has(n.namespace);
  for (const edge of graph.edges) {
    const [from, to] = [node(edge.from), node(edge.to)];
    if (isDns(edge, node) && from.namespace !== undefined) {
      dns.add(from.namespace);
      continue;
    }
    if (isMonitoring(from) !== isMonitoring(to) && !from.wide && !to.wide && from.namespace !== undefined && to.namespace !== undefined) {
      monitored.add(isMonitoring(from) ? to.namespace : from.namespace);
      continue;
    }
    const [a, b] = [standIn(from), standIn(to)];
    if (a.id === b.id) continue; // within one namespace
    drawn.set(a.id, a);
    drawn.set(b.id, b);
    edges.add(a.id, b.id, edge);
  }
  // Namespaces with no drawn connection still show, so that none goes missing.
  for (const n of graph.nodes) {
    const stand = standIn(n);
    if (!drawn.has(stand.id) && n.kind === 'workload') drawn.set(stand.id, stand);
  }
  if (drawn.size > MAX_OVERVIEW_NODES) return undefined;
  const notes = [
    dns.size > 0 ? `DNS: ${dns.size} namespace(s) may query cluster DNS (port 53), not drawn` : '',
    monitored.size > 0 ? `Monitoring: ${[...options.monitoringNamespaces].sort().join(', ')} reaches or is reached by ${monitored.size} namespace(s) (metrics, probes, logs), not drawn` : '',
  ].filter((note) => note !== '');
  return { name: `network-${graph.environment}`, nodes: [...drawn.values()].sort(byId), edges: edges.list(), notes };
}

/** A graph's nodes by id and its nodes and edges by namespace, computed once per graph (each chart's picture reads only its own). */
interface GraphIndex {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly nodesIn: ReadonlyMap<string, readonly GraphNode[]>;
  readonly edgesAt: ReadonlyMap<string, readonly Edge[]>;
  /** Each edge's position in the graph (edges are sorted). */
  readonly position: ReadonlyMap<Edge, number>;
}
const indexes = new WeakMap<NetworkGraph, GraphIndex>();

function indexOf(graph: NetworkGraph): GraphIndex {
  const known = indexes.get(graph);
  if (known) return known;
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const nodesIn = new Map<string, GraphNode[]>();
  const add = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const node of graph.nodes) if (node.namespace !== undefined) add(nodesIn, node.namespace, node);
  const edgesAt = new Map<string, Edge[]>();
  for (const edge of graph.edges) {
    const namespaces = new Set([nodes.get(edge.from)?.namespace, nodes.get(edge.to)?.namespace]);
    for (const namespace of namespaces) if (namespace !== undefined) add(edgesAt, namespace, edge);
  }
  const index = { nodes, nodesIn, edgesAt, position: new Map(graph.edges.map((edge, i) => [edge, i])) };
  indexes.set(graph, index);
  return index;
}

/** The picture of one chart: its namespaces as clusters of workloads, and its neighbours, each namespace as one node. */
export function neighbourhood(graph: NetworkGraph, chart: string, namespaces: readonly string[], options: ViewOptions): Picture {
  const own = new Set(namespaces);
  const index = indexOf(graph);
  const node = (id: string) => index.nodes.get(id)!;
  const isOwn = (n: GraphNode) => n.namespace !== undefined && own.has(n.namespace);
  const ownNodes = namespaces.flatMap((namespace) => index.nodesIn.get(namespace) ?? []);
  const ownEdges = [...new Set(namespaces.flatMap((namespace) => index.edgesAt.get(namespace) ?? []))];
  const involved = new Map<string, Set<string>>(); // peer namespace → workloads or selectors concerned
  const peerOf = (n: GraphNode): PictureNode => {
    if (isOwn(n) || n.wide || n.namespace === undefined) return named(n, options);
    involved.set(n.namespace, (involved.get(n.namespace) ?? new Set()).add(n.label));
    return { id: `ns:${n.namespace}`, kind: 'namespace', label: `namespace ${n.namespace}`, wide: false };
  };
  const drawn = new Map<string, PictureNode>();
  for (const n of ownNodes) drawn.set(n.id, n);
  // Edges with an end in the chart, the other end as the picture draws it (in graph order: edges are sorted).
  const raw: { from: PictureNode; to: PictureNode; edge: Edge }[] = [];
  for (const edge of ownEdges.sort((a, b) => index.position.get(a)! - index.position.get(b)!)) {
    const [from, to] = [node(edge.from), node(edge.to)];
    if (!isOwn(from) && !isOwn(to)) continue;
    raw.push({ from: peerOf(from), to: peerOf(to), edge });
  }
  // Neighbours reached alike (same direction, ports, sides and own end), more than MAX_ALIKE_PEERS: one node.
  const alike = new Map<string, { peers: PictureNode[]; side: 'from' | 'to' }>();
  for (const { from, to, edge } of raw) {
    const [peer, side, ownEnd] = isOwn(from as GraphNode) ? [to, 'to' as const, from] : [from, 'from' as const, to];
    if (peer.kind !== 'namespace') continue;
    const key = `${side}\u0000${ownEnd.id}\u0000${edge.ports}\u0000${edge.sides.join()}\u0000${edge.oneSided}`;
    const group = alike.get(key) ?? { peers: [], side };
    if (!group.peers.some((p) => p.id === peer.id)) group.peers.push(peer);
    alike.set(key, group);
  }
  const merged = new Map<string, PictureNode>();
  for (const { peers } of alike.values()) {
    if (peers.length <= MAX_ALIKE_PEERS) continue;
    const names = peers.map((p) => p.label.replace(/^namespace /, ''));
    const group: PictureNode = { id: `namespaces:${names.sort()[0]}+${names.length}`, kind: 'namespaces', label: `${names.length} namespaces`, detail: nameList(names), wide: false };
    for (const peer of peers) if (!merged.has(peer.id)) merged.set(peer.id, group);
  }
  const final = (n: PictureNode): PictureNode => {
    const group = merged.get(n.id);
    if (group) return group;
    if (n.kind === 'namespace') {
      const namespace = n.label.replace(/^namespace /, '');
      return { ...n, detail: nameList([...(involved.get(namespace) ?? [])]) };
    }
    return n;
  };
  // An edge every own workload of a namespace has alike is drawn once, from or to the namespace's cluster.
  const workloadsIn = new Map<string, string[]>();
  for (const n of drawn.values()) if (n.kind === 'workload' && n.namespace) workloadsIn.set(n.namespace, [...(workloadsIn.get(n.namespace) ?? []), n.id]);
  const shared = new Map<string, { own: Set<string>; namespace: string; side: 'from' | 'to'; peer: PictureNode; edge: Edge }>();
  const single: { from: PictureNode; to: PictureNode; edge: Edge }[] = [];
  for (const { from, to, edge } of raw) {
    const [a, b] = [final(from), final(to)];
    const ownFrom = a.kind === 'workload' && isOwn(a as GraphNode) && !(b.kind === 'workload' && isOwn(b as GraphNode));
    const ownTo = b.kind === 'workload' && isOwn(b as GraphNode) && !(a.kind === 'workload' && isOwn(a as GraphNode));
    if (ownFrom || ownTo) {
      const [ownNode, peer, side] = ownFrom ? [a, b, 'from' as const] : [b, a, 'to' as const];
      const key = `${side}\u0000${ownNode.namespace}\u0000${peer.id}\u0000${edge.ports}\u0000${edge.sides.join()}\u0000${edge.oneSided}`;
      const entry = shared.get(key) ?? { own: new Set<string>(), namespace: ownNode.namespace!, side, peer, edge };
      entry.own.add(ownNode.id);
      shared.set(key, entry);
    } else single.push({ from: a, to: b, edge });
  }
  const edges = new EdgeSet();
  const keep = (n: PictureNode) => drawn.set(n.id, n);
  for (const { own: owners, namespace, side, peer, edge } of shared.values()) {
    const all = workloadsIn.get(namespace) ?? [];
    keep(peer);
    if (owners.size >= 2 && owners.size === all.length) {
      const first = [...owners].sort()[0];
      if (side === 'from') edges.add(first, peer.id, edge, { fromCluster: true });
      else edges.add(peer.id, first, edge, { toCluster: true });
      continue;
    }
    for (const owner of owners) side === 'from' ? edges.add(owner, peer.id, edge) : edges.add(peer.id, owner, edge);
  }
  for (const { from, to, edge } of single) {
    keep(from);
    keep(to);
    edges.add(from.id, to.id, edge);
  }
  const notes = merged.size > 0 ? [`${merged.size} namespaces reached alike are drawn as one node per way they are reached`] : [];
  return { name: `network-${graph.environment}-${chart}`, nodes: [...drawn.values()].sort(byId), edges: edges.list(), notes };
}

/** The whole graph as one picture (every node, every edge): what the views start from, for tests and small outputs. */
export function wholeGraph(graph: NetworkGraph): Picture {
  return { name: `network-${graph.environment}`, nodes: graph.nodes, edges: graph.edges, notes: [] };
}
