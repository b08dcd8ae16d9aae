/**
 * Secrets from values without values in git (lib/secrets/) and backups to a volume, set in values/ for
 * some environments: the plain manifests carry the ExternalSecrets and SealedSecrets, `helm template`
 * of the emitted chart renders the same objects with Helm 3 and Helm 4, every manifest passes strict
 * validation against the Kubernetes and CRD schemas (external-secrets.io/v1, bitnami.com/v1alpha1), the
 * secret scan finds nothing, and a new pinned version rolls the pods (checksum/secrets).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { synthesize } from '../../charts/platform';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { type K8sObject, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { scanObject } from './scan';

/** Ciphertext as kubeseal writes it (base64); these are not real sealed values. */
const CIPHERTEXT = {
  dev: 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAx1Zk2JkAbCdEfGhIjKlMnOpQrStUvWxYz==',
  production: 'AgCq7Hm2bVx9+TzLpR4sWn8KdE3fJ6gY1uIoPaSdFgHjKlZxCvBnMqWeRtYuIoPz==',
};

/** Sets values in a values file of `dir` (YAML paths, as the user would write them). */
function setValues(dir: string, file: string, entries: ReadonlyArray<readonly [readonly string[], unknown]>): void {
  const doc = parseDocument(readFileSync(join(dir, file), 'utf8'));
  for (const [path, value] of entries) doc.setIn(path, value);
  writeFileSync(join(dir, file), doc.toString());
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'secret-sources-'));
  const values = join(root, 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const worker = ['applications', 'worker'];
  setValues(values, 'base.yaml', [[[...worker, 'secrets', 'worker-redis'], { sealedSecret: { encryptedData: { password: CIPHERTEXT.dev } } }]]);
  setValues(values, 'production.yaml', [
    [[...worker, 'secrets', 'worker-redis', 'sealedSecret', 'encryptedData', 'password'], CIPHERTEXT.production],
    [[...worker, 'secrets', 'worker-database', 'externalSecret', 'data'], [{ secretKey: 'password', remoteKey: 'shop/worker/database', property: 'password', version: '2' }]],
  ]);
  setValues(values, 'staging.yaml', [
    [[...worker, 'backups', 'destination'], { type: 'pvc', pvc: { claimName: 'worker-backups' } }],
    // The volume exists in the cluster: declared (lib/references/).
    [['prerequisites', 'persistentVolumeClaims'], { 'worker-staging': ['worker-backups'] }],
  ]);
  for (const [path, content] of synthesize({ valuesDir: values })) {
    mkdirSync(dirname(join(root, 'dist', path)), { recursive: true });
    writeFileSync(join(root, 'dist', path), content);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plain(environment: string): K8sObject[] {
  const dir = join(root, 'dist', 'manifests', environment, 'worker');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
}
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as K8sObject & { spec: Record<string, unknown> };

describe('secret sources and volume backups', () => {
  it('writes a SealedSecret with each environment’s ciphertext and ExternalSecrets with their pinned versions', () => {
    for (const environment of ['dev', 'staging', 'production'] as const) {
      const sealed = find(plain(environment), 'SealedSecret', 'worker-redis');
      expect(sealed.spec).toEqual({
        encryptedData: { password: environment === 'production' ? CIPHERTEXT.production : CIPHERTEXT.dev },
        template: { metadata: { name: 'worker-redis', namespace: `worker-${environment}`, labels: sealed.metadata.labels } },
      });
      const external = find(plain(environment), 'ExternalSecret', 'worker-database');
      expect(external.spec).toEqual({
        secretStoreRef: { name: 'platform-secrets', kind: 'ClusterSecretStore' },
        refreshInterval: '1h',
        target: { name: 'worker-database', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: 'password', remoteRef: { key: 'shop/worker/database', property: 'password', version: environment === 'production' ? '2' : '1' } }],
      });
      expect(plain(environment).filter((o) => o.kind === 'Secret')).toEqual([]);
    }
    const bucket = find(plain('dev'), 'ExternalSecret', 'worker-backup-bucket');
    expect((bucket.spec.data as Array<{ remoteRef: object }>).map((d) => d.remoteRef)).toEqual([
      { key: 'shop/worker/backup-bucket', property: 'access-key-id' },
      { key: 'shop/worker/backup-bucket', property: 'secret-access-key' },
    ]);
  });

  it('rolls the pods when a pinned version or the ciphertext changes (checksum/secrets)', () => {
    const checksum = (environment: string) => (find(plain(environment), 'Deployment', 'worker').spec.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations['checksum/secrets'];
    expect(checksum('dev')).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum('staging')).toBe(checksum('dev'));
    expect(checksum('production')).not.toBe(checksum('dev'));
  });

  it('stores staging backups on the volume claim', () => {
    const cronJob = find(plain('staging'), 'CronJob', 'worker-backup-orders') as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: { volumes: unknown[]; containers: Array<{ env: Array<{ name: string }> }> } } } } };
    };
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'store', persistentVolumeClaim: { claimName: 'worker-backups' } });
    expect(pod.containers[0].env.map((e) => e.name).filter((name) => name.startsWith('RCLONE_S3'))).toEqual([]);
    const policy = find(plain('staging'), 'NetworkPolicy', 'worker-backup-orders');
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(['dev', 'staging', 'production'])('renders worker in %s as the plain manifests', (environment) => {
      const chartDir = join(root, 'dist', 'helm', 'worker');
      const rendered = helmTemplate(binary, ['worker', chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `worker-${environment}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment))));
    });
  });

  it('pass strict schema validation (Kubernetes and CRD schemas) and the policy checks', async () => {
    for (const environment of ['dev', 'staging', 'production']) {
      const { documents, problems } = await loadManifests([join(root, 'dist', 'manifests', environment, 'worker')]);
      expect(problems).toEqual([]);
      const result = await validateManifests(documents, { schemaLocations });
      expect(result.schemaErrors.map(formatFinding)).toEqual([]);
      expect(result.policyFindings.map(formatFinding)).toEqual([]);
    }
  });

  it('hold no secret value (ciphertext is not one)', () => {
    for (const environment of ['dev', 'staging', 'production']) expect(plain(environment).flatMap((o) => scanObject(o, environment))).toEqual([]);
  });
});
