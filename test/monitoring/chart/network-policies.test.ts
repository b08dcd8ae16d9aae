/**
 * The monitoring stack's NetworkPolicies are no wider than the values: Prometheus and blackbox-exporter
 * reach each monitored application's pods (its selector labels) on its metrics port, the other side
 * (the application's allow-monitoring) admits them on that port, and outside the cluster Alertmanager
 * and blackbox-exporter reach only the networks and ports of networkPolicy.alertmanagerEgress and
 * blackboxEgress. The expectations are computed from the values synth derives (monitoringValuesOf).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { MonitoringValues } from '../../../lib/monitoring/values-schema';
import { distDir, environments, type K8sObject, plainObjects, releaseNamespace } from '../../support/dist';
import { synthProblems, valuesCopyWith } from '../../support/synth-cli';
import { helmTemplate, helmVersions } from '../../support/helm';
import { monitoringValuesOf, synthesizeEdited } from './support';

type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> }; ipBlock?: { cidr: string } };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: Array<{ protocol: string; port: number | string }> };
type Policy = K8sObject & { spec: { podSelector: { matchLabels?: Record<string, string> }; ingress?: Rule[]; egress?: Rule[] } };
type Container = { name: string; ports?: Array<{ name: string; containerPort: number }> };

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';
const policiesIn = (objects: K8sObject[]) => objects.filter((o): o is Policy => o.kind === 'NetworkPolicy');
const policy = (objects: K8sObject[], name: string) => {
  const found = policiesIn(objects).find((p) => p.metadata.name === name);
  if (!found) throw new Error(`no NetworkPolicy ${name}`);
  return found;
};

/** The egress rules to applications' pods the values call for: one per monitored application. */
function applicationRules(values: MonitoringValues): Rule[] {
  return Object.values(values.applications)
    .filter((app) => app.monitored)
    .map((app) => ({ to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: app.namespace } }, podSelector: { matchLabels: app.selector } }], ports: [{ protocol: 'TCP', port: app.port }] }));
}

/**
 * The port a receiver's URL is reached on (explicit, else the scheme's), written out here as the
 * expectation: the lib computes it in JavaScript and Go (lib/template/functions.ts urlPort).
 */
const portOfUrl = (url: string) => Number(/^https?:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([0-9]+))?/.exec(url)?.[1] ?? (url.startsWith('https:') ? 443 : 80));

/** Alertmanager's rule outside the cluster: the values' networks, on the ports of the receivers enabled. */
function receiverRule(values: MonitoringValues): Rule[] {
  const am = values.alertmanager;
  const on = am.receivers;
  const ports = [
    ...(on.slack || on.pagerduty ? [443] : []),
    ...(on.email ? [Number(am.email.smarthost.split(':').pop())] : []),
    ...(on.webhook ? [portOfUrl(am.webhook.url)] : []),
    ...(am.watchdog.url ? [portOfUrl(am.watchdog.url)] : []),
  ];
  const cidrs = values.networkPolicy.alertmanagerEgressCidrs;
  return cidrs.length > 0 && ports.length > 0 ? [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: ports.map((port) => ({ protocol: 'TCP', port })) }] : [];
}

/** blackbox-exporter's rule outside the cluster: the values' networks on 80 and 443, when a public URL is probed. */
function probeRule(values: MonitoringValues): Rule[] {
  const cidrs = values.networkPolicy.blackboxEgressCidrs;
  const probed = Object.values(values.applications).some((app) => app.monitored && app.publicUrls.length > 0);
  return cidrs.length > 0 && probed ? [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [80, 443].map((port) => ({ protocol: 'TCP', port })) }] : [];
}

/** Each monitored data store, where its dependency says it is, on its port (blackbox-exporter's TCP probe, its exporter). */
function dataStoreRules(values: MonitoringValues): Rule[] {
  return (['postgresql', 'redis'] as const).flatMap((kind) =>
    Object.values(values.dataStores[kind])
      .filter((store) => store.monitored)
      .map((store) => ({
        to: [store.cidr ? { ipBlock: { cidr: store.cidr } } : { namespaceSelector: { matchLabels: store.namespaceLabels }, ...(store.podLabels ? { podSelector: { matchLabels: store.podLabels } } : {}) }],
        ports: [{ protocol: 'TCP', port: store.port }],
      })),
  );
}

/** Rules to pods of another namespace selected by instance: the applications' (the stack's own peers have no namespaceSelector). */
const toApplications = (rules: Rule[]) => rules.filter((r) => r.to?.some((peer) => peer.namespaceSelector && peer.podSelector?.matchLabels?.['app.kubernetes.io/instance']));
const toNetworks = (rules: Rule[]) => rules.filter((r) => r.to?.some((peer) => peer.ipBlock));

describe.each(environments())('monitoring NetworkPolicies in %s', (env) => {
  const objects = plainObjects(env, 'monitoring');
  const values = monitoringValuesOf(env);

  it("reaches each monitored application's pods on its metrics port only (Prometheus and blackbox-exporter)", () => {
    const expected = applicationRules(values);
    expect(expected.length).toBeGreaterThan(0);
    for (const name of ['prometheus', 'blackbox-exporter']) {
      const egress = policy(objects, name).spec.egress!;
      expect(toApplications(egress)).toEqual(expected);
    }
  });

  it('has no egress rule without ports or to every pod of a namespace, and no 0.0.0.0/0', () => {
    for (const p of policiesIn(objects)) {
      for (const rule of p.spec.egress ?? []) {
        expect(rule.ports?.length, `${p.metadata.name}: ${JSON.stringify(rule)}`).toBeGreaterThan(0);
        expect(rule.to?.length, `${p.metadata.name}: ${JSON.stringify(rule)}`).toBeGreaterThan(0);
        for (const peer of rule.to!) {
          if (peer.namespaceSelector) expect(peer.podSelector, `${p.metadata.name}: ${JSON.stringify(peer)}`).toBeDefined();
          expect(peer.ipBlock?.cidr).not.toBe('0.0.0.0/0');
        }
      }
    }
  });

  it('reaches outside the cluster only the networks of the values, on the ports of the receivers and probes', () => {
    expect(receiverRule(values)[0]?.ports?.length).toBeGreaterThan(0);
    expect(toNetworks(policy(objects, 'alertmanager').spec.egress!)).toEqual(receiverRule(values));
    expect(probeRule(values)).toHaveLength(1);
    expect(toNetworks(policy(objects, 'blackbox-exporter').spec.egress!)).toEqual([...probeRule(values), ...toNetworks(dataStoreRules(values))]);
  });

  it('lets blackbox-exporter and each exporter reach only their data stores, on their ports; Prometheus scrapes each exporter', () => {
    const stores = dataStoreRules(values);
    expect(stores.length).toBeGreaterThan(0);
    const blackbox = policy(objects, 'blackbox-exporter').spec.egress!;
    expect(blackbox.slice(-stores.length)).toEqual(stores);
    for (const kind of ['postgresql', 'redis'] as const) {
      for (const [name, store] of Object.entries(values.dataStores[kind]).filter(([, s]) => s.monitored)) {
        const exporter = `${kind === 'postgresql' ? 'postgres' : 'redis'}-exporter-${name}`;
        const port = kind === 'postgresql' ? 9187 : 9121;
        const own = policy(objects, exporter);
        expect(own.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': exporter, 'app.kubernetes.io/instance': 'monitoring' });
        expect(own.spec.ingress).toEqual([
          { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'monitoring' } } }], ports: [{ protocol: 'TCP', port }] },
        ]);
        expect(own.spec.egress).toEqual(dataStoreRules({ ...values, dataStores: { postgresql: {}, redis: {}, [kind]: { [name]: store } } }));
        expect(policy(objects, 'prometheus').spec.egress).toContainEqual({
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': exporter, 'app.kubernetes.io/instance': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port }],
        });
      }
    }
  });

  it("reaches the traffic entry's metrics, the provider's only, and may discover its pods there", () => {
    const ingress = values.traffic.provider === 'ingress';
    const [namespace, podLabels, port] = ingress
      ? [values.networkPolicy.ingressControllerNamespace, values.edge.ingressNginx.podLabels, values.edge.ingressNginx.metricsPort]
      : [values.traffic.gateway.proxies.namespace, values.traffic.gateway.proxies.podLabels, values.edge.envoyMetricsPort];
    const egress = policy(objects, 'prometheus').spec.egress!;
    expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: namespace } }, podSelector: { matchLabels: podLabels } }], ports: [{ protocol: 'TCP', port }] });
    const otherPort = ingress ? values.edge.envoyMetricsPort : values.edge.ingressNginx.metricsPort;
    expect(egress.some((rule) => rule.ports?.some((p) => p.port === otherPort))).toBe(false);
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === namespace);
    expect(role?.metadata.name).toBe('monitoring-prometheus');
    const config = (objects.find((o) => o.metadata.name === 'prometheus-config') as K8sObject & { data: Record<string, string> }).data['prometheus.yml'];
    const jobs = (parse(config) as { scrape_configs: Array<{ job_name: string }> }).scrape_configs.map((job) => job.job_name);
    expect(jobs.filter((job) => job.startsWith('edge-'))).toEqual([ingress ? 'edge-ingress-nginx' : 'edge-envoy']);
  });

  it("agrees with each application's allow-monitoring: the same port, Prometheus and blackbox-exporter admitted", () => {
    for (const [name, app] of Object.entries(values.applications).filter(([, a]) => a.monitored)) {
      const appObjects = plainObjects(env, name);
      const allow = policy(appObjects, `${name}-allow-monitoring`);
      expect(allow.spec.podSelector.matchLabels).toEqual(app.selector);
      const deployment = appObjects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout') as K8sObject & { spec: { template: { spec: { containers: Container[] } } } };
      const named = deployment.spec.template.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === app.port);
      expect(allow.spec.ingress![0].ports).toEqual([{ protocol: 'TCP', port: named!.containerPort }]);
      expect(allow.spec.ingress![0].from![0].namespaceSelector?.matchLabels?.[NAMESPACE_NAME]).toBe(objects.find((o) => o.kind === 'NetworkPolicy')!.metadata.namespace);
    }
  });
});

describe('a values change moves the monitoring NetworkPolicies', () => {
  const plain = (files: Map<string, string>, env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);
  const receivers = [
    '    alertmanagerEgressCidrs: [192.0.2.0/24, 203.0.113.8/32]',
    "  alertmanager:\n    receivers: { webhook: true, pagerduty: false }\n    webhook: { url: 'http://alerts.example.net:8080/hook' }\n    watchdog: { url: 'https://[2001:db8::1]/ping' }\n    email: { smarthost: 'smtp.example.net:465' }",
  ];
  const edited = synthesizeEdited((base) =>
    base
      .replace('    alertmanagerEgressCidrs: [192.0.2.0/24]', receivers[0])
      .replace('  # Routing and receivers: lib/monitoring/alertmanager-config.ts (defaults for what is not set here).\n  alertmanager:', receivers[1])
      // The webhook and watchdog credentials Alertmanager then reads from its Secret (lib/references/).
      .replace('keys: [slack-api-url, smtp-password, pagerduty-routing-key]', 'keys: [slack-api-url, smtp-password, pagerduty-routing-key, webhook-token, watchdog-token]'),
  );

  it("follows a new receiver network, a webhook's, watchdog's and smarthost's port into Alertmanager's policy only", () => {
    for (const env of environments()) {
      const values = monitoringValuesOf(env);
      const objects = plain(edited, env);
      const rule = toNetworks(policy(objects, 'alertmanager').spec.egress!);
      expect(rule[0].to).toEqual(['192.0.2.0/24', '203.0.113.8/32'].map((cidr) => ({ ipBlock: { cidr } })));
      // dev keeps PagerDuty off anyway; Slack stays on in every environment: 443.
      expect(rule[0].ports).toEqual([443, 465, 8080, 443].map((port) => ({ protocol: 'TCP', port })));
      expect(toNetworks(policy(objects, 'blackbox-exporter').spec.egress!)).toEqual([...probeRule(values), ...toNetworks(dataStoreRules(values))]);
      expect(toApplications(policy(objects, 'prometheus').spec.egress!)).toEqual(applicationRules(values));
    }
  });

  it.each(helmVersions)('renders the same changed policies with $label from the chart synthesized with the change', ({ binary }) => {
    // The chart's Alertmanager configuration is computed per environment, so the change goes through
    // values/ and synth (as a user's would), and the emitted chart is rendered with its values.
    const chartDir = mkdtempSync(join(tmpdir(), 'monitoring-chart-'));
    for (const [path, text] of edited) {
      if (!path.startsWith('helm/monitoring/')) continue;
      const target = join(chartDir, path.slice('helm/monitoring/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    for (const env of environments()) {
      const rendered = helmTemplate(binary, ['monitoring', chartDir, '-f', join(chartDir, `values-${env}.yaml`), '-n', releaseNamespace(env, 'monitoring')]) as K8sObject[];
      for (const name of ['alertmanager', 'blackbox-exporter', 'prometheus']) {
        expect(policy(rendered, name).spec, `${env} ${name}`).toEqual(policy(plain(edited, env), name).spec);
      }
    }
  });

  it('writes no rule outside the cluster when the values name no network', () => {
    const files = synthesizeEdited((base) => base.replace('    blackboxEgressCidrs: [198.51.100.0/24]', '    blackboxEgressCidrs: []'));
    // Only the data stores' own networks are left (their dependencies' cidr).
    expect(toNetworks(policy(plain(files, 'dev'), 'blackbox-exporter').spec.egress!)).toEqual(toNetworks(dataStoreRules(monitoringValuesOf('dev'))));
  });

  it('drops the edge to an application whose metrics are disabled', () => {
    const files = synthesizeEdited((base) => base.replace('  worker:\n    component: worker\n', '  worker:\n    component: worker\n    metrics: { enabled: false }\n'));
    const instances = (objects: K8sObject[]) => toApplications(policy(objects, 'prometheus').spec.egress!).flatMap((r) => r.to!.map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/instance']));
    const before = instances(plainObjects('dev', 'monitoring'));
    expect(before).toContain('worker');
    expect(instances(plain(files, 'dev'))).toEqual(before.filter((name) => name !== 'worker'));
  });
});

describe('the ingress-nginx controller is selected by its labels, never by none', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('refuses empty pod labels in synth, and the chart’s schema requires one', () => {
    // With none, Prometheus' NetworkPolicy would reach every pod of the controller's namespace on the metrics port.
    const values = valuesCopyWith(roots, 'base.yaml', (text) => text.replace('podLabels: { app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller }', 'podLabels: {}'));
    expect(synthProblems(values).join('\n')).toMatch(/base\.yaml:\d+:\d+: monitoring\.edge\.ingressNginx\.podLabels: expected at least 1 entry \(an empty selector matches everything\)/);
    const schema = JSON.parse(readFileSync(join(distDir, 'helm', 'monitoring', 'values.schema.json'), 'utf8'));
    expect(schema.properties.edge.properties.ingressNginx.properties.podLabels.minProperties).toBe(1);
  });
});
