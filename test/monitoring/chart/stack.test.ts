/**
 * The monitoring chart's plain manifests (dist/manifests/<env>/monitoring, standalone mode): the
 * objects, the settings that differ per environment, and the security rules (no Secret with data,
 * restricted pods outside the node namespace, narrow RBAC, NetworkPolicies).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildAlertRules } from '../../../lib/monitoring/alert-rules';
import { environments, type K8sObject, plainObjects } from '../../support/dist';
import { monitoringValuesOf } from './support';

type Container = {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  resources?: { requests?: object; limits?: object };
  livenessProbe?: object;
  readinessProbe?: object;
  securityContext?: Record<string, unknown>;
};
type PodSpec = { containers: Container[]; hostNetwork?: boolean; hostPID?: boolean; volumes?: Array<Record<string, unknown>>; securityContext?: Record<string, unknown> };
type Workload = K8sObject & { spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];
const objects = (env: string) => plainObjects(env, 'monitoring');
const find = (env: string, kind: string, name: string) => {
  const found = objects(env).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${env}`);
  return found;
};
const workloads = (env: string) => objects(env).filter((o): o is Workload => WORKLOAD_KINDS.includes(o.kind));
const container = (env: string, kind: string, name: string) => (find(env, kind, name) as Workload).spec.template.spec.containers[0];

describe.each(environments())('standalone stack in %s', (env) => {
  it('has every component, in the monitoring and node namespaces', () => {
    const names = workloads(env)
      .map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)
      .sort();
    expect(names).toEqual([
      'DaemonSet/monitoring-node/alloy',
      'DaemonSet/monitoring-node/node-exporter',
      'Deployment/monitoring/blackbox-exporter',
      'Deployment/monitoring/grafana',
      'Deployment/monitoring/kube-state-metrics',
      // One exporter per data store of the applications' dependencies (values/base.yaml).
      'Deployment/monitoring/postgres-exporter-orders-db',
      'Deployment/monitoring/postgres-exporter-postgresql',
      'Deployment/monitoring/redis-exporter-redis',
      'StatefulSet/monitoring/alertmanager',
      'StatefulSet/monitoring/loki',
      'StatefulSet/monitoring/prometheus',
    ]);
    const namespaces = objects(env).filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels?.['pod-security.kubernetes.io/enforce']])).toEqual([
      ['monitoring', 'restricted'],
      ['monitoring-node', 'privileged'],
    ]);
  });

  it('creates no Secret, and reads credentials only from existing Secrets', () => {
    expect(objects(env).filter((o) => o.kind === 'Secret')).toEqual([]);
    const grafanaEnv = container(env, 'Deployment', 'grafana').env ?? [];
    expect(grafanaEnv.filter((e) => e.name.startsWith('GF_SECURITY_ADMIN_')).map((e) => e.valueFrom?.secretKeyRef)).toEqual([
      { name: 'grafana-admin', key: 'admin-user' },
      { name: 'grafana-admin', key: 'admin-password' },
    ]);
    const alertmanager = find(env, 'StatefulSet', 'alertmanager') as Workload;
    expect(alertmanager.spec.template.spec.volumes).toContainEqual({ name: 'secrets', secret: { secretName: monitoringValuesOf(env).alertmanager.secretName } });
    // The exporters log in with existing Secrets of the monitoring namespace, and connect where the dependency says.
    expect(container(env, 'Deployment', 'postgres-exporter-postgresql').env).toEqual([
      { name: 'DATA_SOURCE_URI', value: 'postgresql.shop.internal:5432/shop?sslmode=require' },
      { name: 'DATA_SOURCE_USER', valueFrom: { secretKeyRef: { name: 'postgresql-exporter', key: 'username' } } },
      { name: 'DATA_SOURCE_PASS', valueFrom: { secretKeyRef: { name: 'postgresql-exporter', key: 'password' } } },
    ]);
    expect(container(env, 'Deployment', 'redis-exporter-redis').env).toEqual([
      { name: 'REDIS_ADDR', value: 'redis://redis.data.svc:6379' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-exporter', key: 'password' } } },
    ]);
  });

  it('gives every container resources, probes and a restricted security context (node agents: the tightest they allow)', () => {
    for (const workload of workloads(env)) {
      const pod = workload.spec.template.spec;
      for (const c of pod.containers) {
        const where = `${workload.metadata.name}/${c.name}`;
        expect(c.resources?.requests, where).toBeDefined();
        expect(c.resources?.limits, where).toBeDefined();
        expect(c.livenessProbe, where).toBeDefined();
        expect(c.readinessProbe, where).toBeDefined();
        expect(c.securityContext, where).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
        if (workload.metadata.namespace === 'monitoring') {
          expect(c.securityContext?.runAsNonRoot, where).toBe(true);
          expect(pod.hostNetwork ?? false, where).toBe(false);
          expect(pod.volumes?.some((v) => 'hostPath' in v) ?? false, where).toBe(false);
        }
      }
    }
    const nodeExporter = find(env, 'DaemonSet', 'node-exporter') as Workload;
    expect(nodeExporter.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(nodeExporter.spec.template.spec.volumes?.map((v) => (v.hostPath as { path: string }).path)).toEqual(['/proc', '/sys', '/']);
  });

  it('has a PodDisruptionBudget for every workload with more than one replica, and only then', () => {
    const pdbs = objects(env).filter((o) => o.kind === 'PodDisruptionBudget') as Array<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>;
    const replicated = workloads(env).filter((w) => (w.spec.replicas ?? 1) > 1);
    expect(pdbs.map((p) => p.spec.selector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(replicated.map((w) => w.metadata.name).sort());
  });

  it('clusters Alertmanager: one peer flag per replica, through the headless Service', () => {
    const statefulSet = find(env, 'StatefulSet', 'alertmanager') as Workload;
    const replicas = statefulSet.spec.replicas ?? 1;
    const peers = (container(env, 'StatefulSet', 'alertmanager').args ?? []).filter((a) => a.startsWith('--cluster.peer='));
    expect(peers).toEqual(Array.from({ length: replicas }, (_, i) => `--cluster.peer=alertmanager-${i}.alertmanager-peers.monitoring.svc:9094`));
    expect(find(env, 'Service', 'alertmanager-peers').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
  });

  it('serves Grafana under /monitoring without sign-up, org creation or anonymous access', () => {
    const vars = Object.fromEntries((container(env, 'Deployment', 'grafana').env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    const host = monitoringValuesOf(env).ingress.host;
    expect(vars).toMatchObject({
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_USERS_ALLOW_ORG_CREATE: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_SERVER_ROOT_URL: `https://${host}/monitoring/`,
      GF_SERVER_SERVE_FROM_SUB_PATH: 'true',
    });
    // The route to it: an HTTPRoute or an Ingress, by the environment's traffic provider (test/traffic/ covers both).
    const provider = monitoringValuesOf(env).traffic.provider;
    const entry = find(env, provider === 'ingress' ? 'Ingress' : 'HTTPRoute', 'grafana') as K8sObject & { spec: object };
    expect(JSON.stringify(entry.spec)).toContain('"/monitoring"');
    const certificates = objects(env).filter((o) => o.kind === 'Certificate');
    if (provider === 'ingress') {
      // The certificate is a Certificate object, not ingress-shim's annotation (lib/certificates/route-certificate.ts).
      expect((entry as K8sObject).metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
      expect(certificates).toHaveLength(1);
      expect((certificates[0] as K8sObject & { spec: unknown }).spec).toMatchObject({
        secretName: 'monitoring-tls',
        dnsNames: [host],
        issuerRef: { kind: 'ClusterIssuer', name: monitoringValuesOf(env).ingress.tls.clusterIssuer },
      });
      expect((entry as K8sObject & { spec: { tls: unknown } }).spec.tls).toEqual([{ hosts: [host], secretName: 'monitoring-tls' }]);
    } else {
      // TLS ends at the platform Gateway's listener, whose certificate is the platform's.
      expect(certificates).toEqual([]);
    }
  });

  it('loads the alert rules buildAlertRules makes of the environment thresholds', () => {
    const values = monitoringValuesOf(env);
    const rules = find(env, 'ConfigMap', 'prometheus-rules') as K8sObject & { data: Record<string, string> };
    const expected = buildAlertRules(values.alerts, { runbookBaseUrl: values.runbookBaseUrl, environment: env });
    expect(parse(rules.data['alerts.yaml'])).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('keeps RBAC narrow: ClusterRoles only for nodes and kube-state-metrics list/watch, Roles per namespace', () => {
    type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] };
    const clusterRoles = objects(env).filter((o) => o.kind === 'ClusterRole') as Array<K8sObject & { rules: Rule[] }>;
    expect(clusterRoles.map((r) => r.metadata.name).sort()).toEqual(['monitoring-kube-state-metrics', 'monitoring-prometheus']);
    const prometheus = clusterRoles.find((r) => r.metadata.name === 'monitoring-prometheus')!;
    expect(prometheus.rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics'], verbs: ['get', 'list', 'watch'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    const ksm = clusterRoles.find((r) => r.metadata.name === 'monitoring-kube-state-metrics')!;
    for (const rule of ksm.rules) {
      expect(rule.verbs).toEqual(['list', 'watch']);
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('configmaps');
    }
    const roles = objects(env).filter((o) => o.kind === 'Role');
    // The traffic entry's namespace too: Prometheus discovers its pods there (the Envoy proxies or the ingress controller).
    const values = monitoringValuesOf(env);
    const entry = values.traffic.provider === 'ingress' ? values.networkPolicy.ingressControllerNamespace : values.traffic.gateway.proxies.namespace;
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual([`api-${env}`, 'monitoring', `web-${env}`, `worker-${env}`, entry].sort());
    for (const role of roles as Array<K8sObject & { rules: Rule[] }>) {
      expect(role.rules.flatMap((r) => r.verbs)).toEqual(['get', 'list', 'watch', 'get', 'list', 'watch']);
      expect(role.rules.flatMap((r) => r.resources)).toEqual(['pods', 'services', 'endpoints', 'endpointslices']);
    }
  });

  it('isolates the namespaces with NetworkPolicies', () => {
    type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> }; ipBlock?: { cidr: string } };
    type Rule = { from?: Peer[]; to?: Peer[]; ports?: Array<{ protocol: string; port: number }> };
    type Policy = K8sObject & { spec: { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] } };
    const policies = objects(env).filter((o) => o.kind === 'NetworkPolicy') as Policy[];
    const policy = (name: string) => policies.find((p) => p.metadata.name === name)!;
    const sources = (name: string) =>
      policy(name).spec.ingress!.flatMap((r) => r.from!.map((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']));

    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual(
      [
        'monitoring/default-deny',
        'monitoring/allow-dns',
        'monitoring/prometheus',
        'monitoring/alertmanager',
        'monitoring/grafana',
        'monitoring/loki',
        'monitoring/kube-state-metrics',
        'monitoring/blackbox-exporter',
        'monitoring/postgres-exporter-orders-db',
        'monitoring/postgres-exporter-postgresql',
        'monitoring/redis-exporter-redis',
        'monitoring-node/node-default-deny',
        'monitoring-node/node-alloy',
      ].sort(),
    );
    expect(policy('default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(sources('kube-state-metrics')).toEqual(['prometheus']);
    expect(sources('blackbox-exporter')).toEqual(['prometheus']);
    // The entry of the environment's traffic provider (test/traffic/ checks its selectors).
    const entry = monitoringValuesOf(env).traffic.provider === 'ingress' ? monitoringValuesOf(env).networkPolicy.ingressControllerNamespace : monitoringValuesOf(env).traffic.gateway.proxies.namespace;
    expect(sources('alertmanager')).toEqual(['prometheus', 'alertmanager', entry]);
    expect(policy('alertmanager').spec.ingress![1].ports).toEqual([
      { protocol: 'TCP', port: 9094 },
      { protocol: 'UDP', port: 9094 },
    ]);
    expect(sources('grafana')).toEqual([entry, 'prometheus']);
    // Argo Rollouts' controller runs the release analysis where the cluster has it (monitoring.argoRollouts).
    expect(sources('prometheus')).toEqual(['grafana', entry, ...(monitoringValuesOf(env).argoRollouts.enabled ? ['argo-rollouts'] : [])]);
    expect(sources('loki')).toEqual(['grafana', 'alloy', 'prometheus']);
    const kubelet = policy('prometheus').spec.egress!.find((r) => r.to?.[0].ipBlock?.cidr === monitoringValuesOf(env).networkPolicy.nodeCidr);
    expect(kubelet?.ports).toContainEqual({ protocol: 'TCP', port: 10250 });
  });
});

describe('differences between environments', () => {
  const retention = (env: string) => (container(env, 'StatefulSet', 'prometheus').args ?? []).filter((a) => a.startsWith('--storage.tsdb.retention.'));

  it('keeps 30 days or 20 GB of metrics in production, less elsewhere', () => {
    expect(retention('production')).toEqual(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=20GB']);
    expect(retention('staging')).toEqual(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=10GB']);
    expect(retention('dev')).toEqual(['--storage.tsdb.retention.time=3d', '--storage.tsdb.retention.size=4GB']);
  });

  it('runs at least two clustered Alertmanagers in production, one in dev', () => {
    expect((find('production', 'StatefulSet', 'alertmanager') as Workload).spec.replicas).toBeGreaterThanOrEqual(2);
    expect((find('dev', 'StatefulSet', 'alertmanager') as Workload).spec.replicas).toBe(1);
    expect(objects('dev').some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });
});
