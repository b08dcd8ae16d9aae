/**
 * Server-side encryption (`backups.encryption.type: serverSide`), with the real rclone against an S3
 * server on loopback: every upload of the backup pod asks the bucket to encrypt the object
 * (`x-amz-server-side-encryption`, and the KMS key with aws:kms), the drill's download needs no key of
 * its own (S3 decrypts for a caller allowed to use the key), and the dump restores. s3rver accepts the
 * headers and stores the object as sent: what this proves is the request, which is all a client
 * controls; encryption at rest is then the bucket's (and its KMS key policy's) promise.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SecretValues, S3_KEY, createShopDatabase, objectOf, podVolumes, startBucket, synthesizeWith } from './fixtures';
import { runBackupPod } from './job-runner';
import { type PostgresServer, ownedTempDir, startPostgres } from './postgres-server';

const READER = { name: 'backup_reader', password: 'reader-password-for-tests' };
const KMS_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const secrets: SecretValues = {
  'worker-database-backup': { password: READER.password },
  'worker-backup-bucket': { 'access-key-id': S3_KEY, 'secret-access-key': S3_KEY },
};

let server: PostgresServer;
let bucket: Awaited<ReturnType<typeof startBucket>>;
let manifests: Map<string, string>;

beforeAll(async () => {
  server = await startPostgres();
  bucket = await startBucket(['shop-staging-backups', 'shop-production-backups']);
  await createShopDatabase(server, 'orders', READER, 100);
  const worker = ['applications', 'worker', 'backups'];
  manifests = synthesizeWith(
    [
      ['base.yaml', [...worker, 'postgresql', 'orders', 'host'], '127.0.0.1'],
      ['base.yaml', [...worker, 'postgresql', 'orders', 'port'], server.port],
      ['base.yaml', [...worker, 'postgresql', 'orders', 'user'], READER.name],
      ['base.yaml', [...worker, 'destination', 's3', 'endpoint'], bucket.endpoint],
      ['staging.yaml', [...worker, 'encryption'], { type: 'serverSide', serverSide: { algorithm: 'AES256' } }],
      ['production.yaml', [...worker, 'encryption'], { type: 'serverSide', serverSide: { algorithm: 'aws:kms', kmsKeyId: KMS_KEY } }],
    ],
    ['staging', 'production'],
  );
}, 60_000);

afterAll(async () => {
  await bucket?.close();
  await server?.stop();
});

it.each([
  ['staging', 'AES256', undefined],
  ['production', 'aws:kms', KMS_KEY],
] as const)(
  '%s: every upload asks for %s, and the drill restores the dump',
  async (env, algorithm, key) => {
    const path = `${server.bin}:/usr/bin:/bin`;
    const script = [objectOf(manifests, `manifests/${env}/worker/configmap-backup-script.yaml`)];
    const first = bucket.requests.length;
    const backup = await runBackupPod({ cronJob: objectOf(manifests, `manifests/${env}/worker/cronjob-backup-orders.yaml`), configMaps: script, secrets, volumes: podVolumes(ownedTempDir('sse-')), path });
    expect(backup.status, backup.log).toBe(0);
    expect(backup.log).toContain('(encryption: serverSide)');
    const uploads = bucket.requests.slice(first).filter((r) => r.method === 'PUT' && r.path.includes(`/postgresql/${env}/worker-${env}/worker/orders/orders-`));
    expect(uploads.length).toBeGreaterThan(0);
    for (const upload of uploads) {
      expect(upload.headers['x-amz-server-side-encryption']).toBe(algorithm);
      expect(upload.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(key);
    }

    const afterBackup = bucket.requests.length;
    const drill = await runBackupPod({ cronJob: objectOf(manifests, `manifests/${env}/worker/cronjob-drill-orders.yaml`), configMaps: script, secrets, volumes: podVolumes(ownedTempDir('sse-drill-')), path });
    expect(drill.status, drill.log).toBe(0);
    expect(drill.log).toContain('restore drill passed');
    // Downloads carry no encryption header: the bucket decrypts by itself.
    expect(bucket.requests.slice(afterBackup).filter((r) => r.headers['x-amz-server-side-encryption'] !== undefined)).toEqual([]);
  },
  60_000,
);
