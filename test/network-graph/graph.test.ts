/**
 * The network picture (lib/network-graph/) from known policies: peers resolved to workloads, namespaces,
 * CIDRs and DNS; a policy allowing all namespaces shows as such (one wide node, in red); a connection
 * only one side allows is dashed; the output is deterministic; and the committed README of each
 * environment carries the Mermaid picture of its own policies beside an SVG drawn by Graphviz.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkGraph } from '../../lib/network-graph/graph';
import { renderSvgs, toDot, toMermaid } from '../../lib/network-graph/render';
import { wholeGraph } from '../../lib/network-graph/views';
import { monitoringValuesOf } from '../monitoring/chart/support';
import { charts, distDir, environments, plainObjects, releaseNamespace } from '../support/dist';

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team: 'shop' } } });
const deployment = (name: string, ns: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': name } } } },
});
const policy = (name: string, ns: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const app = { matchLabels: { 'app.kubernetes.io/name': 'api' } };

const objects = [
  namespace('api-dev'),
  namespace('web-dev'),
  deployment('api', 'api-dev'),
  deployment('web', 'web-dev'),
  policy('deny', 'api-dev', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('from-web', 'api-dev', {
    podSelector: app,
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web-dev' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ],
  }),
  policy('to-api', 'web-dev', {
    podSelector: {},
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api-dev' } }, podSelector: app }], ports: [{ protocol: 'TCP', port: 8080 }] }],
  }),
  policy('dns', 'api-dev', {
    podSelector: {},
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
  }),
  // The mistake the picture must show: every namespace may reach the api.
  policy('too-wide', 'api-dev', { podSelector: app, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
  policy('database', 'api-dev', { podSelector: app, egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432 }] }] }),
  // A policy for pods that are not in the output (e.g. a Helm test pod): drawn with its selector.
  policy('test-pod', 'api-dev', { podSelector: { matchLabels: { 'app.kubernetes.io/component': 'test' } }, egress: [{ to: [{ podSelector: app }] }] }),
  // Ingress on web from api, but api's egress does not allow it: one side only.
  policy('web-from-api', 'web-dev', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: app }] }] }),
];

describe('network graph', () => {
  const graph = networkGraph('dev', objects);
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label;
  const edges = graph.edges.map((e) => `${label(e.from)} -> ${label(e.to)} [${e.ports}]${e.oneSided ? ' one-sided' : ''}`);

  it('resolves peers to workloads, pods outside the output, networks and namespaces', () => {
    expect(edges).toEqual([
      'all pods in all namespaces -> api [any port]',
      'app.kubernetes.io/component=test -> api [any port]',
      // team=shop selects both namespaces of the output: in web-dev no workload has api's labels.
      'app.kubernetes.io/name=api -> web [any port]',
      'api -> 10.20.0.0/16 [TCP 5432]',
      'api -> k8s-app=kube-dns [UDP 53]',
      'api -> web [any port] one-sided',
      'web -> api [TCP 8080]',
    ]);
    expect(graph.nodes.find((n) => n.label === 'app.kubernetes.io/name=api')?.namespace).toBe('web-dev');
  });

  it('shows a policy allowing all namespaces as one wide node', () => {
    const wide = graph.nodes.filter((n) => n.wide);
    expect(wide).toEqual([{ id: 'pods:*/', kind: 'pods', label: 'all pods in all namespaces', wide: true }]);
    const mermaid = toMermaid(wholeGraph(graph));
    const id = /(n\d+)\(\["all pods in all namespaces"\]\)/.exec(mermaid)?.[1];
    expect(id).toBeDefined();
    expect(mermaid).toContain(`class ${id} wide`);
    expect(mermaid).toContain(`${id} -->|"any port"|`);
    expect(toDot(wholeGraph(graph))).toMatch(/\[label="all pods in all namespaces", shape=ellipse, color="#c0392b"/);
  });

  it('draws one-sided connections dashed, and groups nodes by namespace', () => {
    expect(toMermaid(wholeGraph(graph))).toMatch(/-\.->\|"any port \(ingress only\)"\|/);
    expect(toMermaid(wholeGraph(graph))).toContain('subgraph ns0["namespace api-dev"]');
    expect(toDot(wholeGraph(graph))).toContain('style=dashed');
  });

  it('is deterministic, whatever the order of the objects', async () => {
    const reversed = networkGraph('dev', [...objects].reverse());
    expect(toDot(wholeGraph(reversed))).toBe(toDot(wholeGraph(graph)));
    expect(toMermaid(wholeGraph(reversed))).toBe(toMermaid(wholeGraph(graph)));
    const [first] = await renderSvgs([toDot(wholeGraph(graph))], () => undefined);
    const [second] = await renderSvgs([toDot(wholeGraph(reversed))], () => undefined);
    expect(second).toBe(first);
    expect(first).toMatch(/^<\?xml[^\n]*\n<!-- network-graph [0-9a-f]{64} -->/);
    expect(first).toContain('all pods in all namespaces');
    // An SVG already holding the same source's marker is reused, not redrawn.
    const [reused] = await renderSvgs([toDot(wholeGraph(graph))], () => `${first.split('\n').slice(0, 2).join('\n')}\n<svg/>`);
    expect(reused).toMatch(/<svg\/>$/);
  });
});

describe('committed environment READMEs and pictures', () => {
  it.each(environments())('%s: the Mermaid overview is computed from the policies of the manifests, and the SVGs are there', (env) => {
    const readme = readFileSync(join(distDir, 'environments', env, 'README.md'), 'utf8');
    expect(readme).toContain('```mermaid\nflowchart LR');
    expect(readme).toContain(`"namespace api-${env}<br>api"`);
    // web calls api (a declared dependency): both sides allow it.
    expect(readme).toMatch(/n\d+ -->\|"TCP 8080"\| n\d+/);
    expect(readme).toContain(`| api | api-${env} | [network/api.svg](network/api.svg) |`);
    const svg = readFileSync(join(distDir, 'environments', env, 'network.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain(`namespace api&#45;${env}`);
    for (const chart of charts()) expect(readFileSync(join(distDir, 'environments', env, 'network', `${chart}.svg`), 'utf8')).toContain('<svg');
    // The application's picture: its namespace as a cluster of its workloads (a Rollout in production too).
    expect(readFileSync(join(distDir, 'environments', env, 'network', 'api.svg'), 'utf8')).toMatch(/<title>cluster_\d+<\/title>[\s\S]*namespace api&#45;/);
  });
});

describe.each(environments())('the monitoring edges of %s', (env) => {
  const graph = networkGraph(
    env,
    charts().flatMap((chart) => plainObjects(env, chart)),
  );
  const values = monitoringValuesOf(env);
  const from = (workload: string) => graph.edges.filter((e) => e.from === `workload:${releaseNamespace(env, 'monitoring')}/${workload}`);
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;

  it('has no wide node at the end of an edge from Prometheus, blackbox-exporter or Alertmanager', () => {
    for (const workload of ['prometheus', 'blackbox-exporter', 'alertmanager']) {
      const edges = from(workload);
      expect(edges.length).toBeGreaterThan(0);
      for (const edge of edges) expect(node(edge.to), `${workload} -> ${edge.to}`).toMatchObject({ wide: false });
    }
  });

  it("reaches each monitored application's pods from Prometheus and blackbox-exporter, on its port", () => {
    const monitored = Object.values(values.applications).filter((app) => app.monitored);
    for (const workload of ['prometheus', 'blackbox-exporter']) {
      // A Deployment or a Rollout shows as its workload.
      const toApps = from(workload).filter((e) => monitored.some((app) => node(e.to).namespace === app.namespace));
      expect(toApps).toHaveLength(monitored.length);
      for (const edge of toApps) {
        expect(node(edge.to).wide).toBe(false);
        expect(edge.ports).toMatch(new RegExp(`TCP ${monitored[0].port}$`));
        expect(node(edge.to).kind).toBe('workload');
        expect(edge.sides).toEqual(['egress', 'ingress']);
      }
    }
  });

  it('reaches outside the cluster only the networks of the values', () => {
    const networks = (workload: string) =>
      from(workload)
        .filter((e) => node(e.to).kind === 'cidr')
        .map((e) => node(e.to).label);
    expect(networks('alertmanager')).toEqual(values.networkPolicy.alertmanagerEgressCidrs);
    // blackbox-exporter also probes the data stores outside the cluster (their dependencies' cidr, issue 21).
    const dataStoreNetworks = (['postgresql', 'redis'] as const).flatMap((kind) => Object.values(values.dataStores[kind]).flatMap((store) => (store.monitored && store.cidr ? [store.cidr] : [])));
    expect(networks('blackbox-exporter').sort()).toEqual([...new Set([...values.networkPolicy.blackboxEgressCidrs, ...dataStoreNetworks])].sort());
  });
});
