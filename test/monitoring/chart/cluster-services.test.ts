/**
 * What the monitoring chart holds for the whole cluster besides the stack (issue 14): the ACME
 * ClusterIssuer of each environment and the Velero Schedules of the stack's volumes (production only),
 * as written to dist/; and the values synth refuses around them and around the per-name objects of the
 * application charts (backup databases, Secrets).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readFileSync, writeFileSync } from 'node:fs';
import { type K8sObject, plainObjects } from '../../support/dist';
import { distDir } from '../../support/dist';
import { helm, helmVersions, projectRoot } from '../../support/helm';
import { synthProblems } from '../../support/synth-cli';

type Spec = K8sObject & { spec: Record<string, unknown> };
const find = (env: string, kind: string) => plainObjects(env, 'monitoring').filter((o) => o.kind === kind) as Spec[];
const prometheusArgs = (env: string) =>
  (find(env, 'StatefulSet').find((o) => o.metadata.name === 'prometheus') as unknown as { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } }).spec.template.spec.containers[0].args;

describe('the cluster’s ACME issuer', () => {
  const gatewayHttpListener = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName: 'http' };
  it.each([
    // values/: dev and production enter through the Gateway API, staging through Ingress.
    ['dev', 'letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory', { gatewayHTTPRoute: { parentRefs: [gatewayHttpListener] } }],
    ['staging', 'letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory', { ingress: { ingressClassName: 'nginx' } }],
    ['production', 'letsencrypt-production', 'https://acme-v02.api.letsencrypt.org/directory', { gatewayHTTPRoute: { parentRefs: [gatewayHttpListener] } }],
  ])('%s: %s, HTTP-01 on the traffic provider, named like the issuer the Certificates use', (env, name, server, http01) => {
    const [issuer] = find(env, 'ClusterIssuer');
    expect(issuer.metadata).toMatchObject({ name });
    expect(issuer.metadata.namespace).toBeUndefined();
    expect(issuer.spec).toEqual({
      acme: { server, email: 'platform-team@example.com', privateKeySecretRef: { name: `${name}-account-key` }, solvers: [{ http01 }] },
    });
    for (const app of ['api', 'web']) {
      const certificates = plainObjects(env, app).filter((o) => o.kind === 'Certificate') as Spec[];
      if ('ingress' in http01) {
        expect(certificates).toHaveLength(1);
        expect(certificates[0].spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name });
      } else {
        // TLS ends at the platform Gateway's listener: its certificate is the platform team's.
        expect(certificates).toEqual([]);
      }
    }
  });
});

describe('Velero backups of the monitoring volumes', () => {
  it('production: Prometheus weekly on Sunday at 03:00 kept 4 weeks, after a TSDB snapshot; Grafana daily at 02:00 kept 30 days', () => {
    const schedules = Object.fromEntries(find('production', 'Schedule').map((s) => [s.metadata.name, s]));
    expect(Object.keys(schedules).sort()).toEqual(['monitoring-grafana', 'monitoring-prometheus']);
    const prometheus = schedules['monitoring-prometheus'];
    expect(prometheus.metadata.namespace).toBe('velero');
    expect(prometheus.spec).toMatchObject({
      schedule: '0 3 * * 0',
      template: { ttl: '672h', storageLocation: 'production-backups', includedNamespaces: ['monitoring'], defaultVolumesToFsBackup: true, snapshotVolumes: false },
    });
    const hooks = (prometheus.spec.template as { hooks: { resources: Array<{ pre: Array<{ exec: { command: string[] } }> }> } }).hooks.resources[0];
    expect(hooks.pre[0].exec.command.join(' ')).toContain('http://127.0.0.1:9090/prometheus/api/v1/admin/tsdb/snapshot');
    expect(schedules['monitoring-grafana'].spec).toMatchObject({ schedule: '0 2 * * *', template: { ttl: '720h', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } } } });
    expect(prometheusArgs('production')).toContain('--web.enable-admin-api');
  });

  it.each(['dev', 'staging'])('%s: no Schedule, and no admin API', (env) => {
    expect(find(env, 'Schedule')).toEqual([]);
    expect(prometheusArgs(env)).not.toContain('--web.enable-admin-api');
  });

  it('Prometheus may reach cert-manager’s and Velero’s metrics, and nothing more of their namespaces', () => {
    const policy = find('production', 'NetworkPolicy').find((o) => o.metadata.name === 'prometheus') as Spec;
    const egress = policy.spec.egress as Array<{ to: unknown[]; ports?: unknown[] }>;
    expect(egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cert-manager' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cert-manager' } } }],
      ports: [{ protocol: 'TCP', port: 9402 }],
    });
    expect(egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'velero' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'velero' } } }],
      ports: [{ protocol: 'TCP', port: 8085 }],
    });
  });
});

describe('values synth refuses', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  const valuesWith = (file: string, entries: ReadonlyArray<readonly [string[], unknown]>) => {
    const root = mkdtempSync(join(tmpdir(), 'cluster-services-'));
    roots.push(root);
    const dir = join(root, 'values');
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    const doc = parseDocument(readFileSync(join(dir, file), 'utf8'));
    for (const [path, value] of entries) doc.setIn(path, value);
    writeFileSync(join(dir, file), doc.toString());
    return dir;
  };

  it('a ClusterIssuer other than the environment’s clusterIssuer', () => {
    const lines = synthProblems(valuesWith('production.yaml', [[['monitoring', 'certManager', 'clusterIssuer', 'name'], 'letsencrypt-staging']]));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /\/values\/production\.yaml:\d+:\d+: monitoring\.certManager\.clusterIssuer\.name: expected the environment's clusterIssuer \(letsencrypt-production\), which the applications' Certificates name, got letsencrypt-staging$/,
      ),
    );
  });

  it('a database or a Secret that only an overlay declares (the chart has objects per name of the base values)', () => {
    const database = {
      host: 'billing-db.data.internal',
      port: 5432,
      database: 'billing',
      user: 'backup',
      passwordSecret: { name: 'billing', key: 'password' },
      cidr: '10.20.0.0/16',
      drillChecks: [{ table: 'invoices', minRows: 1 }],
    };
    const lines = synthProblems(
      valuesWith('staging.yaml', [
        [['applications', 'worker', 'backups', 'postgresql', 'billing'], database],
        [
          ['applications', 'worker', 'secrets', 'worker-billing'],
          { externalSecret: { storeRef: { name: 'platform-secrets', kind: 'ClusterSecretStore' }, refreshInterval: '1h', data: [{ secretKey: 'password', remoteKey: 'shop/billing' }] } },
        ],
      ]),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /\/values\/staging\.yaml:\d+:\d+: applications\.worker\.backups\.postgresql\.billing: database not declared in values\/base\.yaml \(declared there: orders\); the chart has its objects from the base values$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /\/values\/staging\.yaml:\d+:\d+: applications\.worker\.secrets\.worker-billing: Secret not declared in values\/base\.yaml \(declared there: worker-backup-bucket, worker-backup-encryption, worker-database, worker-database-backup\); the chart has its objects from the base values$/,
      ),
    );
  });

  it.each(helmVersions)('with $label alone, a database or Secret name the chart has no objects for', ({ binary }) => {
    const chart = join(distDir, 'helm', 'worker');
    const render = (json: string) => helm(binary, ['template', 'worker', chart, '-f', join(chart, 'values-staging.yaml'), '-n', 'worker-staging', '--set-json', json]);
    const database = '{"host":"billing-db.data.internal","port":5432,"database":"billing","user":"backup","passwordSecret":{"name":"billing","key":"password"},"cidr":"10.20.0.0/16"}';
    for (const json of [
      `backups.postgresql.billing=${database}`,
      'secrets.worker-billing={"externalSecret":{"storeRef":{"name":"s","kind":"SecretStore"},"refreshInterval":"1h","data":[{"secretKey":"k","remoteKey":"r"}]}}',
    ]) {
      const result = render(json);
      expect(result.status, json).not.toBe(0);
      expect(result.stderr, json).toMatch(/values don't meet the specifications of the schema/);
      expect(result.stderr, json).toMatch(/billing/);
    }
    expect(render(`backups.postgresql.orders=${database}`).status).toBe(0);
  });
});
