/**
 * The restore drill, for real (issue 23 §6): the drill CronJob synth writes for the worker's orders
 * database, its pod run as the kubelet would (test/backup/job-runner.ts: rclone fetches and decrypts
 * the newest dump from an S3 server on loopback, then a throwaway PostgreSQL from Debian's package is
 * initialised in the pod's emptyDir, the dump restored and the values' checks run). A good dump passes;
 * a truncated dump, a dump under the wrong key, a damaged object, a dump without a checked table or
 * under a row floor, and an empty folder each fail the Job, saying why. The newest dump is the one
 * restored. Also from a volume, unencrypted (staging, pvc).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretValues, S3_KEY, STAGING_ON_A_VOLUME, agedName, containerOf, createShopDatabase, objectOf, podVolumes, rcloneEnvOf, startBucket, synthesizeWith, variable } from './fixtures';
import { runBackupPod } from './job-runner';
import { type PostgresServer, ownedTempDir, runOk, startPostgres } from './postgres-server';

const READER = { name: 'backup_reader', password: 'reader-password-for-tests' };
const secrets: SecretValues = {
  'worker-database-backup': { password: READER.password },
  'worker-backup-bucket': { 'access-key-id': S3_KEY, 'secret-access-key': S3_KEY },
  'worker-backup-encryption': { password: 'the drill key', salt: 'the drill salt' },
};
const CHECKS = [
  { table: 'public.customers', minRows: 500 },
  { table: 'public.orders', minRows: 1000 },
];

let server: PostgresServer;
let bucket: Awaited<ReturnType<typeof startBucket>>;
let manifests: Map<string, string>;
let work: string;
/** Dumps made from the test server: the good one, one with too few orders, one without customers. */
const dumps: Record<'good' | 'small' | 'noCustomers', string> = { good: '', small: '', noCustomers: '' };

const object = (path: string) => objectOf(manifests, path);
const drillOf = (env: string) => object(`manifests/${env}/worker/cronjob-drill-orders.yaml`);

/** Runs the drill pod of `env`; `overrides` replaces Secrets. */
function runDrill(env: string, overrides: SecretValues = {}, volumes = podVolumes(ownedTempDir(`drill-${env}-`))) {
  return runBackupPod({
    cronJob: drillOf(env),
    configMaps: [object(`manifests/${env}/worker/configmap-backup-script.yaml`)],
    secrets: { ...secrets, ...overrides },
    volumes,
    path: `${server.bin}:/usr/bin:/bin`,
  });
}

/** rclone with production's drill settings (bucket, crypt with `key`), and the folder emptied. */
async function emptyProductionFolder(key = secrets['worker-backup-encryption']) {
  const fetch = containerOf(drillOf('production'), 'fetch');
  const env = await rcloneEnvOf(fetch, { ...secrets, 'worker-backup-encryption': key }, work);
  await runOk('rclone', ['delete', variable(fetch, 'BACKUP_TARGET', secrets) as string], env);
  return env;
}

/** Uploads `file` as the dump `name` through `remote` (`:crypt:` or a folder). */
async function upload(file: string, name: string, remote: string, env: Record<string, string>) {
  await runOk('rclone', ['copyto', file, remote.endsWith(':') ? `${remote}${name}` : `${remote}/${name}`], env);
}

beforeAll(async () => {
  server = await startPostgres();
  bucket = await startBucket(['shop-production-backups']);
  await createShopDatabase(server, 'orders', READER);
  await createShopDatabase(server, 'orders_small', READER, 10);
  await createShopDatabase(server, 'orders_no_customers', READER);
  await server.sql('orders_no_customers', 'drop table customers cascade');
  work = ownedTempDir('drill-work-');
  chmodSync(work, 0o755);
  for (const [kind, database] of [
    ['good', 'orders'],
    ['small', 'orders_small'],
    ['noCustomers', 'orders_no_customers'],
  ] as const) {
    dumps[kind] = join(work, `${kind}.dump`);
    await runOk(join(server.bin, 'pg_dump'), ['--format=custom', `--file=${dumps[kind]}`], server.clientEnv(database));
  }
  const worker = ['applications', 'worker', 'backups'];
  manifests = synthesizeWith(
    [['base.yaml', [...worker, 'destination', 's3', 'endpoint'], bucket.endpoint], ['base.yaml', [...worker, 'postgresql', 'orders', 'drillChecks'], CHECKS], ...STAGING_ON_A_VOLUME],
    ['staging', 'production'],
  );
}, 60_000);

afterAll(async () => {
  await bucket?.close();
  await server?.stop();
});

describe('restore drill CronJob, run for real', () => {
  it('is scheduled after the backup, restricted, and reaches only the bucket', () => {
    const cronJob = drillOf('production') as unknown as { spec: { schedule: string; concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } } };
    expect(cronJob.spec.schedule).toBe('0 4 * * *');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cronJob.spec.jobTemplate.spec.template.spec as { securityContext: Record<string, unknown>; automountServiceAccountToken: boolean };
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(variable(containerOf(drillOf('production'), 'restore'), 'DRILL_CHECKS', secrets)).toBe('[{"minRows":500,"table":"public.customers"},{"minRows":1000,"table":"public.orders"}]');
    const policy = object('manifests/production/worker/networkpolicy-drill-orders.yaml') as unknown as { spec: Record<string, unknown> };
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'worker-drill', 'app.kubernetes.io/instance': 'worker', 'backup.platform.example/database': 'orders' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.30.0.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    // A volume needs no network: the staging drill may reach nothing (DNS aside, from the namespace's allow-dns).
    const staging = object('manifests/staging/worker/networkpolicy-drill-orders.yaml') as unknown as { spec: { policyTypes: string[]; egress?: unknown[] } };
    expect(staging.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(staging.spec.egress ?? []).toEqual([]);
  });

  it('passes on the newest good dump, decrypted with the key (production, s3, crypt)', async () => {
    const env = await emptyProductionFolder();
    // An older dump that would fail the checks, then the newest, good one.
    await upload(dumps.small, agedName('orders', 3), ':crypt:', env);
    await upload(dumps.good, agedName('orders', 1), ':crypt:', env);
    const result = await runDrill('production');
    expect(result.status, result.log).toBe(0);
    expect(result.ran).toEqual(['fetch', 'restore']);
    expect(result.log).toContain(`fetched ${agedName('orders', 1)}`);
    expect(result.log).toContain('check ok public.customers: 500 rows (at least 500)');
    expect(result.log).toContain('check ok public.orders: 3000 rows (at least 1000)');
    expect(result.log).toMatch(/restore drill passed: 2 check\(s\) in \d+ s/);
  }, 60_000);

  it('fails on a dump under a row floor, naming the table (the newest is the one restored)', async () => {
    const env = await emptyProductionFolder();
    await upload(dumps.good, agedName('orders', 3), ':crypt:', env);
    await upload(dumps.small, agedName('orders', 1), ':crypt:', env);
    const result = await runDrill('production');
    expect(result.status).not.toBe(0);
    expect(result.log).toContain('check FAIL public.orders: 10 rows, expected at least 1000');
    expect(result.log).toContain('restore drill failed: 1 check(s) failed');
  }, 60_000);

  it('fails on a dump without a checked table', async () => {
    const env = await emptyProductionFolder();
    await upload(dumps.noCustomers, agedName('orders', 1), ':crypt:', env);
    const result = await runDrill('production');
    expect(result.status).not.toBe(0);
    expect(result.log).toContain('check FAIL public.customers: no such table');
    expect(result.log).toContain('check ok public.orders: 3000 rows');
  }, 60_000);

  it('fails on a truncated dump: it does not restore', async () => {
    const env = await emptyProductionFolder();
    const bytes = readFileSync(dumps.good);
    const truncated = join(work, 'truncated.dump');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await upload(truncated, agedName('orders', 1), ':crypt:', env);
    const result = await runDrill('production');
    expect(result.status).not.toBe(0);
    expect(result.ran).toEqual(['fetch', 'restore']);
    expect(result.log).toContain(`${agedName('orders', 1)} does not restore into an empty database`);
    expect(result.log).not.toContain('restore drill passed');
  }, 60_000);

  it('fails on a dump encrypted with another key, and with a wrong key in the Secret', async () => {
    const other = await emptyProductionFolder({ password: 'another key', salt: 'another salt' });
    await upload(dumps.good, agedName('orders', 1), ':crypt:', other);
    const result = await runDrill('production');
    expect(result.status).not.toBe(0);
    expect(result.ran).toEqual(['fetch']);
    expect(result.log).toContain(
      `cannot read ${agedName('orders', 1)} from :s3:shop-production-backups/postgresql/production/worker-production/worker/orders (encryption: crypt; with crypt, a wrong key or a damaged object)`,
    );

    const right = await emptyProductionFolder();
    await upload(dumps.good, agedName('orders', 1), ':crypt:', right);
    const wrongSecret = await runDrill('production', { 'worker-backup-encryption': { password: 'not the key', salt: 'the drill salt' } });
    expect(wrongSecret.status).not.toBe(0);
    expect(wrongSecret.log).toContain('a wrong key or a damaged object');
    expect((await runDrill('production')).status).toBe(0);
  }, 90_000);

  it('fails on a damaged encrypted object, and on an empty folder', async () => {
    const env = await emptyProductionFolder();
    const encrypted = join(work, 'encrypted');
    await upload(dumps.good, agedName('orders', 1), ':crypt:', env);
    const target = variable(containerOf(drillOf('production'), 'fetch'), 'BACKUP_TARGET', secrets) as string;
    await runOk('rclone', ['copy', target, encrypted], env);
    const object = join(encrypted, `${agedName('orders', 1)}.bin`);
    const bytes = readFileSync(object);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(object, bytes);
    await runOk('rclone', ['copy', encrypted, target], env);
    const damaged = await runDrill('production');
    expect(damaged.status).not.toBe(0);
    expect(damaged.log).toContain('a wrong key or a damaged object');

    await emptyProductionFolder();
    const empty = await runDrill('production');
    expect(empty.status).not.toBe(0);
    expect(empty.log).toContain('no dump of orders in :s3:shop-production-backups/postgresql/production/worker-production/worker/orders (encryption: crypt); nothing to restore');
  }, 90_000);

  it('restores from a volume too (staging, pvc, unencrypted)', async () => {
    const volumes = podVolumes(ownedTempDir('drill-pvc-'));
    const folder = join(volumes.store, 'postgresql/staging/worker-staging/worker/orders');
    await runOk('mkdir', ['-p', folder], { PATH: '/usr/bin:/bin' });
    await runOk('cp', [dumps.good, join(folder, agedName('orders', 1))], { PATH: '/usr/bin:/bin' });
    await runOk('chmod', ['-R', 'a+rX', volumes.store], { PATH: '/usr/bin:/bin' });
    const result = await runDrill('staging', {}, volumes);
    expect(result.status, result.log).toBe(0);
    expect(result.log).toContain('restore drill passed: 2 check(s)');
  }, 60_000);
});
