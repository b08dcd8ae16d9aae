/**
 * The pictures people read (lib/network-graph/views.ts): Rollouts are workloads (no red "all pods of"
 * for a canary application), each chart's neighbourhood with other namespaces as one node each, DNS drawn
 * once from the cluster, many namespaces reached alike as one node, networks named from the values, and an
 * overview that counts DNS and monitoring rather than drawing them, and is not laid out past its size.
 */
import { describe, expect, it } from 'vitest';
import { addressNames } from '../../lib/network-graph/address-names';
import { networkGraph } from '../../lib/network-graph/graph';
import { toDot, toMermaid } from '../../lib/network-graph/render';
import { MAX_OVERVIEW_NODES, neighbourhood, overview, type ViewOptions } from '../../lib/network-graph/views';

const METADATA_NAME = 'kubernetes.io/metadata.name';
const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const workload = (kind: string, name: string, ns: string) => ({
  apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
  kind,
  metadata: { name, namespace: ns },
  spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': name } } } },
});
const policy = (name: string, ns: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const inNamespace = (ns: string, app?: string) => ({ namespaceSelector: { matchLabels: { [METADATA_NAME]: ns } }, ...(app ? { podSelector: { matchLabels: { 'app.kubernetes.io/name': app } } } : {}) });
const dns = (ns: string) =>
  policy(`${ns}-dns`, ns, {
    podSelector: {},
    egress: [
      {
        to: [{ ...inNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ],
  });

/** An application `name` in `<name>-dev` (a Rollout and a worker Deployment), scraped by Prometheus, calling `calls`. */
function application(name: string, calls: string[] = []) {
  const ns = `${name}-dev`;
  return [
    namespace(ns),
    workload('Rollout', name, ns),
    workload('Deployment', `${name}-jobs`, ns),
    dns(ns),
    policy(`${name}-monitoring`, ns, { podSelector: { matchLabels: { 'app.kubernetes.io/name': name } }, ingress: [{ from: [inNamespace('monitoring', 'prometheus')], ports: [{ port: 8080 }] }] }),
    policy(`${name}-dependencies`, ns, {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      egress: calls.map((callee) => ({ to: [inNamespace(`${callee}-dev`, callee)], ports: [{ port: 8080 }] })),
    }),
    policy(`${name}-dependents`, ns, { podSelector: { matchLabels: { 'app.kubernetes.io/name': name } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'caller' } } }] }] }),
    policy(`${name}-database`, ns, { podSelector: { matchLabels: { 'app.kubernetes.io/name': name } }, egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432 }] }] }),
  ];
}

function platform(count: number) {
  const apps = Array.from({ length: count }, (_, i) => `app${String(i).padStart(3, '0')}`);
  return {
    apps,
    objects: [
      namespace('monitoring'),
      workload('StatefulSet', 'prometheus', 'monitoring'),
      policy('prometheus', 'monitoring', {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
        egress: apps.map((app) => ({ to: [inNamespace(`${app}-dev`, app)], ports: [{ port: 8080 }] })),
      }),
      ...apps.flatMap((app, i) => application(app, i > 0 ? [apps[0]] : [])),
    ],
  };
}

const options: ViewOptions = {
  monitoringNamespaces: new Set(['monitoring']),
  addressNames: addressNames([{ networkPolicy: { dependencies: [{ name: 'postgresql', port: 5432, cidr: '10.20.0.0/16' }] } }, { networkPolicy: { nodeCidr: '10.0.0.0/16' } }]),
};

describe('a chart’s picture', () => {
  const { objects } = platform(3);
  const graph = networkGraph('dev', objects);
  const picture = neighbourhood(graph, 'app001', ['app001-dev'], options);
  const label = (id: string) => picture.nodes.find((n) => n.id === id)!.label;
  const edges = picture.edges.map((e) => `${label(e.from)}${e.fromCluster ? ' (cluster)' : ''} -> ${label(e.to)} [${e.ports}]`);

  it('draws a Rollout as a workload: no red "all pods of" node for a canary application', () => {
    expect(graph.nodes.filter((n) => n.label.startsWith('all pods of'))).toEqual([]);
    expect(picture.nodes.filter((n) => n.namespace === 'app001-dev').map((n) => `${n.kind} ${n.label}`)).toEqual(['workload app001', 'workload app001-jobs']);
  });

  it('draws other namespaces as one node each, DNS once from the cluster, networks with their names', () => {
    expect(edges).toEqual([
      'namespace monitoring -> app001 [TCP 8080]',
      'pods role=caller in all namespaces -> app001 [any port]',
      'app001 -> 10.20.0.0/16 [TCP 5432]',
      'app001 -> namespace app000-dev [TCP 8080]',
      'app001 (cluster) -> namespace kube-system [UDP 53, TCP 53]',
    ]);
    expect(picture.nodes.find((n) => n.kind === 'cidr')?.detail).toBe('postgresql');
    expect(picture.nodes.find((n) => n.id === 'ns:monitoring')?.detail).toBe('prometheus');
    const dot = toDot(picture);
    expect(dot).toContain('compound=true;');
    expect(dot).toMatch(/ltail=cluster_\d+/);
    expect(dot).toContain('label="10.20.0.0/16\\npostgresql", shape=hexagon');
    expect(toMermaid(picture)).toMatch(/ns\d+ -->\|"UDP 53, TCP 53"\| n\d+/);
  });

  it('the monitoring stack’s picture: many namespaces reached alike become one node', () => {
    const { objects: many } = platform(40);
    const monitoring = neighbourhood(networkGraph('dev', many), 'monitoring', ['monitoring'], options);
    expect(monitoring.nodes.map((n) => `${n.kind} ${n.label}`)).toEqual(['namespaces 40 namespaces', 'workload prometheus']);
    expect(monitoring.nodes[0].detail).toBe('app000-dev, app001-dev, app002-dev, app003-dev, +36 more');
    expect(monitoring.notes).toEqual(['40 namespaces reached alike are drawn as one node per way they are reached']);
  });
});

describe('the overview', () => {
  it('one node per namespace; DNS and monitoring counted, not drawn', () => {
    const { objects } = platform(3);
    const picture = overview(networkGraph('dev', objects), options)!;
    expect(picture.nodes.map((n) => `${n.label}${n.detail ? ` (${n.detail})` : ''}`)).toEqual([
      '10.20.0.0/16 (postgresql)',
      'namespace app000-dev (app000, app000-jobs)',
      'namespace app001-dev (app001, app001-jobs)',
      'namespace app002-dev (app002, app002-jobs)',
      'namespace monitoring (prometheus)',
      'pods role=caller in all namespaces',
    ]);
    expect(picture.notes).toEqual(['DNS: 3 namespace(s) may query cluster DNS (port 53), not drawn', 'Monitoring: monitoring reaches or is reached by 3 namespace(s) (metrics, probes, logs), not drawn']);
    expect(toDot(picture)).toContain('shape=note');
  });

  it('is not laid out past its size, while each chart’s picture stays small', () => {
    const { objects, apps } = platform(MAX_OVERVIEW_NODES);
    const graph = networkGraph('dev', objects);
    expect(overview(graph, options)).toBeUndefined();
    for (const app of apps.slice(0, 5)) expect(neighbourhood(graph, app, [`${app}-dev`], options).nodes.length).toBeLessThan(12);
  });
});
