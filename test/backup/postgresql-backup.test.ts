/**
 * The generated PostgreSQL backup, for real: a PostgreSQL server from Debian's package on loopback
 * with data in it, the CronJob and script ConfigMap that `npm run synth` writes for the worker (its
 * values pointed at that server), the pod run as the kubelet would (test/backup/job-runner.ts), then the
 * dump restored into a fresh database and compared table by table. Once to a volume without encryption
 * (staging, pvc) and once encrypted with rclone crypt to an S3-compatible server on loopback
 * (production, s3rver, through rclone): the object in the bucket is no PostgreSQL archive and reads
 * only with the key. Pruning keeps exactly the dumps younger than the retention, in the database's own
 * folder; a dump that does not read back fails the job and stores nothing.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '../support/dist';
import {
  type SecretValues,
  S3_KEY,
  STAGING_ON_A_VOLUME,
  agedName,
  containerOf,
  createShopDatabase,
  objectOf,
  podVolumes,
  rcloneEnvOf,
  restoreInto,
  startBucket,
  synthesizeWith,
  tableContents,
  variable,
  writeAged,
} from './fixtures';
import { podSpec, runBackupPod } from './job-runner';
import { type PostgresServer, ownedTempDir, runOk, startPostgres } from './postgres-server';

const READER = { name: 'backup_reader', password: 'reader-password-for-tests' };

let server: PostgresServer;
let bucket: Awaited<ReturnType<typeof startBucket>>;
let manifests: Map<string, string>;
const object = (path: string) => objectOf(manifests, path);

/** The Secrets the CronJobs refer to, as the cluster would hold them. */
const secrets: SecretValues = {
  'worker-database-backup': { password: READER.password },
  'worker-backup-bucket': { 'access-key-id': S3_KEY, 'secret-access-key': S3_KEY },
  'worker-backup-encryption': { password: 'correct horse battery staple', salt: 'pepper for the tests' },
};

const toolPath = () => `${server.bin}:/usr/bin:/bin`;

beforeAll(async () => {
  server = await startPostgres();
  bucket = await startBucket(['shop-production-backups']);
  await createShopDatabase(server, 'orders', READER);
  const worker = ['applications', 'worker', 'backups'];
  manifests = synthesizeWith(
    [
      ['base.yaml', [...worker, 'postgresql', 'orders', 'host'], '127.0.0.1'],
      ['base.yaml', [...worker, 'postgresql', 'orders', 'port'], server.port],
      ['base.yaml', [...worker, 'postgresql', 'orders', 'user'], READER.name],
      ['base.yaml', [...worker, 'destination', 's3', 'endpoint'], bucket.endpoint],
      // Staging stores on a volume, unencrypted; production in the bucket, encrypted (base.yaml's crypt).
      ...STAGING_ON_A_VOLUME,
    ],
    ['staging', 'production'],
  );
}, 60_000);

afterAll(async () => {
  await bucket?.close();
  await server?.stop();
});

describe('PostgreSQL backup CronJob, run for real', () => {
  it('has the environment schedule and retention (staging 03:00 and 7 days, production 02:00 and 30 days)', () => {
    for (const [env, schedule, days] of [
      ['staging', '0 3 * * *', '7'],
      ['production', '0 2 * * *', '30'],
    ]) {
      const cronJob = object(`manifests/${env}/worker/cronjob-backup-orders.yaml`) as unknown as { spec: { schedule: string; concurrencyPolicy: string } };
      expect(cronJob.spec.schedule).toBe(schedule);
      expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
      const store = podSpec(cronJob as unknown as K8sObject).containers[0];
      expect(store.env.find((e) => e.name === 'BACKUP_RETENTION_DAYS')?.value).toBe(days);
    }
  });

  it('dumps to its own folder of a volume, prunes by age there and restores the same data (staging, pvc)', async () => {
    const dir = ownedTempDir('backup-pvc-');
    const volumes = podVolumes(dir);
    const cronJob = object('manifests/staging/worker/cronjob-backup-orders.yaml');
    expect(cronJob.metadata.annotations?.['backup.platform.example/location']).toBe('pvc://worker-backups/postgresql/staging/worker-staging/worker/orders/');
    const folder = join(volumes.store, 'postgresql/staging/worker-staging/worker/orders');
    await runOk('mkdir', ['-p', folder], { PATH: '/usr/bin:/bin' });
    // Earlier dumps 1 to 10 days old, another database's old dump and a file that is not a dump.
    for (let days = 1; days <= 10; days += 1) writeAged(folder, agedName('orders', days), days);
    writeAged(folder, agedName('customers', 20), 20);
    writeAged(folder, 'README.txt', 40);
    const before = new Set(readdirSync(folder));

    const result = await runBackupPod({ cronJob, configMaps: [object('manifests/staging/worker/configmap-backup-script.yaml')], secrets, volumes, path: toolPath() });
    expect(result.log).toContain('dumped and verified');
    expect(result.status, result.log).toBe(0);
    expect(result.ran).toEqual(['dump', 'store']);

    const after = readdirSync(folder).sort();
    const fresh = after.filter((name) => !before.has(name));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatch(/^orders-\d{8}T\d{6}Z\.dump$/);
    // Retention 7 days: the dumps 1.5 to 6.5 days old stay, 7.5 and older go; other files are not touched.
    const kept = [1, 2, 3, 4, 5, 6].map((days) => agedName('orders', days));
    expect(after).toEqual([...kept, fresh[0], agedName('customers', 20), 'README.txt'].sort());
    expect(statSync(join(folder, fresh[0])).size).toBeGreaterThan(1000);

    expect(await restoreInto(server, join(folder, fresh[0]), 'orders_restored_pvc')).toBe(await tableContents(server, 'orders'));
  }, 60_000);

  it('encrypts in the pod, prunes by age in its own folder of the bucket and restores with the key (production, s3, crypt)', async () => {
    const dir = ownedTempDir('backup-s3-');
    const volumes = podVolumes(dir);
    const cronJob = object('manifests/production/worker/cronjob-backup-orders.yaml');
    const store = containerOf(cronJob, 'store');
    const target = variable(store, 'BACKUP_TARGET', secrets) as string;
    expect(target).toBe(':s3:shop-production-backups/postgresql/production/worker-production/worker/orders');
    expect(variable(store, 'BACKUP_ENCRYPTION', secrets)).toBe('crypt');
    const rclone = await rcloneEnvOf(store, secrets, dir);
    const seed = join(dir, 'seed');
    await runOk('mkdir', ['-p', seed], { PATH: '/usr/bin:/bin' });
    // Encrypted dumps 25 to 34 days old (rclone keeps their times in the bucket, through crypt), and another database's.
    for (let days = 25; days <= 34; days += 1) writeAged(seed, agedName('orders', days), days);
    writeAged(seed, agedName('customers', 90), 90);
    await runOk('rclone', ['copy', seed, ':crypt:'], rclone);

    const result = await runBackupPod({ cronJob, configMaps: [object('manifests/production/worker/configmap-backup-script.yaml')], secrets, volumes, path: toolPath() });
    expect(result.status, result.log).toBe(0);
    expect(result.log).toContain('(encryption: crypt)');

    // In the bucket: encrypted objects only, named <dump>.bin.
    const raw = (await runOk('rclone', ['lsf', target], rclone)).trim().split('\n').sort();
    expect(
      raw.every((name) => name.endsWith('.dump.bin')),
      raw.join(' '),
    ).toBe(true);
    const listed = (await runOk('rclone', ['lsf', ':crypt:'], rclone)).trim().split('\n').sort();
    const fresh = listed.filter((name) => /^orders-/.test(name) && !readdirSync(seed).includes(name));
    expect(fresh).toHaveLength(1);
    // Retention 30 days: 25.5 to 29.5 days old stay, 30.5 and older go; the other database's dump stays.
    const kept = [25, 26, 27, 28, 29].map((days) => agedName('orders', days));
    expect(listed).toEqual([...kept, fresh[0], agedName('customers', 90)].sort());

    // Without the key the object is no PostgreSQL archive: rclone's crypt header, and pg_restore refuses it.
    const encrypted = join(dir, 'encrypted');
    await runOk('rclone', ['copy', `${target}/${fresh[0]}.bin`, encrypted], rclone);
    await runOk('chmod', ['-R', 'a+rX', encrypted], { PATH: '/usr/bin:/bin' });
    const bytes = readFileSync(join(encrypted, `${fresh[0]}.bin`));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('RCLONE\0\0');
    expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
    const refused = await runOk('sh', ['-c', `"${server.bin}/pg_restore" --list "$1" >/dev/null 2>&1; echo $?`, 'sh', join(encrypted, `${fresh[0]}.bin`)], { PATH: '/usr/bin:/bin' });
    expect(refused.trim()).not.toBe('0');

    // With the key it restores the same data.
    const download = join(dir, 'download');
    await runOk('rclone', ['copy', `:crypt:${fresh[0]}`, download], rclone);
    chmodSync(download, 0o755);
    await runOk('chmod', ['-R', 'a+r', download], { PATH: '/usr/bin:/bin' });
    expect(readFileSync(join(download, fresh[0])).subarray(0, 5).toString()).toBe('PGDMP');
    expect(await restoreInto(server, join(download, fresh[0]), 'orders_restored_s3')).toBe(await tableContents(server, 'orders'));
  }, 60_000);

  it('fails the job and stores nothing when the dump does not read back', async () => {
    const dir = ownedTempDir('backup-corrupt-');
    const volumes = podVolumes(dir);
    const cronJob = object('manifests/staging/worker/cronjob-backup-orders.yaml');
    // A pg_dump whose archive is cut in half on the way to disk (a full disk, a failing volume).
    const faults = join(dir, 'faults');
    await runOk('mkdir', ['-p', faults], { PATH: '/usr/bin:/bin' });
    writeFileSync(
      join(faults, 'pg_dump'),
      `#!/bin/sh\n"${server.bin}/pg_dump" "$@" || exit $?\nfor a in "$@"; do case "$a" in --file=*) f="\${a#--file=}";; esac; done\nsize=$(wc -c <"$f")\nhead -c $((size / 2)) "$f" >"$f.cut" && mv "$f.cut" "$f"\n`,
      { mode: 0o755 },
    );
    chmodSync(dir, 0o755);
    const result = await runBackupPod({ cronJob, configMaps: [object('manifests/staging/worker/configmap-backup-script.yaml')], secrets, volumes, path: `${faults}:${toolPath()}` });
    expect(result.status).not.toBe(0);
    expect(result.ran).toEqual(['dump']);
    expect(result.log).toContain('does not read back; nothing is stored');
    expect(readdirSync(volumes.work)).toEqual([]);
    expect(existsSync(join(volumes.store, 'postgresql'))).toBe(false);
  }, 60_000);

  it('fails when the database refuses the password', async () => {
    const dir = ownedTempDir('backup-password-');
    const cronJob = object('manifests/staging/worker/cronjob-backup-orders.yaml');
    const result = await runBackupPod({
      cronJob,
      configMaps: [object('manifests/staging/worker/configmap-backup-script.yaml')],
      secrets: { ...secrets, 'worker-database-backup': { password: 'wrong' } },
      volumes: podVolumes(dir),
      path: toolPath(),
    });
    expect(result.status).not.toBe(0);
    expect(result.log).toContain('password authentication failed');
    expect(readdirSync(podVolumes(dir).work)).toEqual([]);
  }, 60_000);
});
