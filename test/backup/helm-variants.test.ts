/**
 * Every backup setting in both outputs: the worker's backups and restore drills with each kind of
 * encryption (rclone crypt with and without a salt, S3 server-side AES256 and aws:kms with a key, none)
 * and each destination (bucket, volume), synthesized, then `helm template` of the emitted chart with
 * each environment's values file, with Helm 3 and Helm 4: the same objects as the plain manifests, and
 * every manifest valid against the strict Kubernetes schemas and the policy checks (Pod Security
 * restricted, NetworkPolicies selecting every pod).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { type K8sObject, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { type ValuesEdit, synthesizeWith } from './fixtures';

const worker = ['applications', 'worker', 'backups'];
const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

/** Two platforms of variants, each environment a different one. */
const VARIANTS: Record<string, { edits: readonly ValuesEdit[]; expect: Record<(typeof ENVIRONMENTS)[number], { encryption: string; target: RegExp; store?: Record<string, string | undefined> }> }> = {
  'crypt without salt, server-side AES256 and aws:kms': {
    edits: [
      ['base.yaml', [...worker, 'encryption', 'crypt', 'secret'], { name: 'worker-backup-encryption', passwordKey: 'password' }],
      ['dev.yaml', ['defaults', 'backups'], { enabled: true, drill: { enabled: true } }],
      ['staging.yaml', [...worker, 'encryption'], { type: 'serverSide', serverSide: { algorithm: 'AES256' } }],
      ['production.yaml', [...worker, 'encryption'], { type: 'serverSide', serverSide: { algorithm: 'aws:kms', kmsKeyId: 'alias/shop-backups' } }],
    ],
    expect: {
      dev: { encryption: 'crypt', target: /^:s3:shop-dev-backups\/postgresql\/dev\/worker-dev\/worker\/orders$/, store: { BACKUP_CRYPT_SALT: undefined } },
      staging: { encryption: 'serverSide', target: /^:s3:shop-staging-backups\//, store: { RCLONE_S3_SERVER_SIDE_ENCRYPTION: 'AES256', RCLONE_S3_SSE_KMS_KEY_ID: undefined } },
      production: { encryption: 'serverSide', target: /^:s3:shop-production-backups\//, store: { RCLONE_S3_SERVER_SIDE_ENCRYPTION: 'aws:kms', RCLONE_S3_SSE_KMS_KEY_ID: 'alias/shop-backups' } },
    },
  },
  'volumes, encrypted and not': {
    edits: [
      ['dev.yaml', ['defaults', 'backups'], { enabled: true, drill: { enabled: true } }],
      ['dev.yaml', [...worker, 'destination'], { type: 'pvc', pvc: { claimName: 'worker-backups' } }],
      ['dev.yaml', [...worker, 'encryption'], { type: 'none' }],
      ['staging.yaml', [...worker, 'destination'], { type: 'pvc', pvc: { claimName: 'worker-backups' }, prefix: 'dumps/postgresql' }],
      // The claims exist in the clusters: declared prerequisites (lib/references/).
      ['dev.yaml', ['prerequisites', 'persistentVolumeClaims', 'worker-dev'], ['worker-backups']],
      ['staging.yaml', ['prerequisites', 'persistentVolumeClaims', 'worker-staging'], ['worker-backups']],
    ],
    expect: {
      dev: { encryption: 'none', target: /^\/var\/backup\/store\/postgresql\/dev\/worker-dev\/worker\/orders$/ },
      staging: { encryption: 'crypt', target: /^\/var\/backup\/store\/dumps\/postgresql\/staging\/worker-staging\/worker\/orders$/ },
      production: { encryption: 'crypt', target: /^:s3:shop-production-backups\// },
    },
  },
};

const roots: Record<string, string> = {};
beforeAll(() => {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    const root = mkdtempSync(join(tmpdir(), 'backup-variants-'));
    for (const [path, content] of synthesizeWith(variant.edits, ENVIRONMENTS)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    roots[name] = root;
  }
}, 60_000);
afterAll(() => {
  for (const root of Object.values(roots)) rmSync(root, { recursive: true, force: true });
});

async function plain(root: string, environment: string): Promise<K8sObject[]> {
  const { documents } = await loadManifests([join(root, 'manifests', environment, 'worker')]);
  return documents.map((d) => d.doc as K8sObject);
}

describe.each(Object.keys(VARIANTS))('%s', (name) => {
  it('writes the backup and drill CronJobs of each environment’s settings, valid and restricted', async () => {
    for (const environment of ENVIRONMENTS) {
      const objects = await plain(roots[name], environment);
      const cronJobs = objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name);
      expect(cronJobs.sort()).toEqual(['worker-backup-orders', 'worker-drill-orders']);
      for (const cronJob of objects.filter((o) => o.kind === 'CronJob')) {
        const spec = (
          cronJob as unknown as {
            spec: {
              jobTemplate: { spec: { template: { spec: { initContainers: Array<{ env: Array<{ name: string; value?: string }> }>; containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } };
            };
          }
        ).spec.jobTemplate.spec.template.spec;
        const rclone = cronJob.metadata.name.includes('-backup-') ? spec.containers[0] : spec.initContainers[0];
        const value = (key: string) => rclone.env.find((e) => e.name === key)?.value;
        expect(value('BACKUP_ENCRYPTION'), `${environment} ${cronJob.metadata.name}`).toBe(VARIANTS[name].expect[environment].encryption);
        expect(value('BACKUP_TARGET')).toMatch(VARIANTS[name].expect[environment].target);
        if (cronJob.metadata.name.includes('-backup-')) {
          for (const [key, expected] of Object.entries(VARIANTS[name].expect[environment].store ?? {})) {
            // A value, or (undefined) no such variable at all.
            if (expected === undefined) expect(rclone.env.map((e) => e.name)).not.toContain(key);
            else expect(value(key), `${environment} ${key}`).toBe(expected);
          }
        }
      }
      const { documents } = await loadManifests([join(roots[name], 'manifests', environment, 'worker')]);
      const result = await validateManifests(documents, { schemaLocations });
      expect(result.schemaErrors.map(formatFinding)).toEqual([]);
      expect(result.policyFindings.map(formatFinding)).toEqual([]);
    }
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(ENVIRONMENTS)('renders worker in %s as the plain manifests', async (environment) => {
      const chartDir = join(roots[name], 'helm', 'worker');
      const rendered = helmTemplate(binary, ['worker', chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `worker-${environment}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(await plain(roots[name], environment))));
    });
  });
});
