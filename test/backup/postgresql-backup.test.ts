/**
 * The generated PostgreSQL backup, for real: a PostgreSQL server from Debian's package on loopback
 * with data in it, the CronJob and script ConfigMap that `npm run synth` writes for the worker (its
 * values pointed at that server), the pod run as the kubelet would (test/backup/job-runner.ts), then the
 * dump restored into a fresh database and compared table by table. Once to a volume (staging, pvc) and
 * once to an S3-compatible server on loopback (production, s3rver, through rclone); pruning keeps
 * exactly the dumps younger than the retention; a dump that does not read back fails the job and
 * stores nothing.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../charts/platform';
import type { K8sObject } from '../support/dist';
import { projectRoot } from '../support/helm';
import { podSpec, runBackupPod } from './job-runner';
import { type PostgresServer, freePort, ownedTempDir, runOk, startPostgres } from './postgres-server';

const DAY = 24 * 60 * 60 * 1000;
const READER_PASSWORD = 'reader-password-for-tests';
/** Credentials s3rver accepts (its documented defaults). */
const S3_KEY = 'S3RVER';

let server: PostgresServer;
let s3: S3rver;
let s3Port: number;
let manifests: Map<string, string>;

/** The objects of a synthesized manifest file. */
function object(path: string): K8sObject {
  const text = manifests.get(path);
  if (text === undefined) throw new Error(`synth wrote no ${path}`);
  return parseDocument(text).toJS() as K8sObject;
}

/** The Secrets the CronJob refers to, as the cluster would hold them. */
const secrets = {
  'worker-database-backup': { password: READER_PASSWORD },
  'worker-backup-bucket': { 'access-key-id': S3_KEY, 'secret-access-key': S3_KEY },
};

const toolPath = () => `${server.bin}:/usr/bin:/bin`;

/** Every row of every table of `database`, in a stable order, as text. */
async function tableContents(database: string): Promise<string> {
  const tables = (await server.sql(database, "select tablename from pg_tables where schemaname = 'public' order by tablename")).trim().split('\n');
  const parts = [];
  for (const table of tables) parts.push(`${table}: ${await server.sql(database, `select count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from ${table} t`)}`);
  return parts.join('');
}

/** Restores a dump into a new database and returns its contents. */
async function restore(dump: string, database: string): Promise<string> {
  await server.sql('postgres', `create database ${database}`);
  await runOk(join(server.bin, 'pg_restore'), ['--no-owner', '--exit-on-error', '-d', database, dump], server.clientEnv(database));
  return tableContents(database);
}

/** The instant the aged files are dated from: one for the whole file, so that a name never straddles a second. */
const NOW = Date.now();

/** Dump files named like the script's, aged `days` days (plus half a day, away from the boundary). */
function agedName(database: string, days: number): string {
  const time = new Date(NOW - days * DAY - DAY / 2);
  return `${database}-${time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.dump`;
}

function writeAged(dir: string, name: string, days: number): void {
  writeFileSync(join(dir, name), `old dump ${name}\n`);
  const time = new Date(NOW - days * DAY - DAY / 2);
  utimesSync(join(dir, name), time, time);
}

function pod(dir: string) {
  return { tmp: join(dir, 'tmp'), work: join(dir, 'work'), script: join(dir, 'script'), store: join(dir, 'store') };
}

beforeAll(async () => {
  server = await startPostgres();
  s3Port = await freePort();
  s3 = new S3rver({ address: '127.0.0.1', port: s3Port, silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')), configureBuckets: [{ name: 'shop-production-backups', configs: [] }] });
  await s3.run();

  // Data with the features a restore must bring back: keys, a foreign key, a sequence, text, numbers, dates, JSON.
  await server.sql('postgres', 'create database orders');
  await server.sql('orders', `create role backup_reader login password '${READER_PASSWORD}' in role pg_read_all_data`);
  await server.sql(
    'orders',
    `create table customers (id serial primary key, name text not null, email text unique, joined date not null);
     create table orders (id bigserial primary key, customer_id int not null references customers(id), total numeric(12,2) not null, items jsonb not null, placed timestamptz not null);
     insert into customers (name, email, joined) select 'customer ' || i, 'c' || i || '@example.com', date '2024-01-01' + i from generate_series(1, 500) i;
     insert into orders (customer_id, total, items, placed) select 1 + i % 500, (i * 7.31)::numeric(12,2), jsonb_build_object('sku', 'SKU-' || i, 'quantity', i % 5 + 1), timestamptz '2025-01-01 00:00:00+00' + i * interval '1 hour' from generate_series(1, 3000) i;`,
  );

  // The worker's values pointed at these servers; staging stores on a volume, production in the bucket.
  const values = join(mkdtempSync(join(tmpdir(), 'backup-values-')), 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const base = parseDocument(readFileSync(join(values, 'base.yaml'), 'utf8'));
  base.setIn(['applications', 'worker', 'backups', 'postgresql', 'orders', 'host'], '127.0.0.1');
  base.setIn(['applications', 'worker', 'backups', 'postgresql', 'orders', 'port'], server.port);
  base.setIn(['applications', 'worker', 'backups', 'postgresql', 'orders', 'user'], 'backup_reader');
  base.setIn(['applications', 'worker', 'backups', 'destination', 's3', 'endpoint'], `http://127.0.0.1:${s3Port}`);
  writeFileSync(join(values, 'base.yaml'), base.toString());
  const staging = parseDocument(readFileSync(join(values, 'staging.yaml'), 'utf8'));
  staging.setIn(['applications', 'worker', 'backups', 'destination'], { type: 'pvc', pvc: { claimName: 'worker-backups' } });
  writeFileSync(join(values, 'staging.yaml'), staging.toString());
  manifests = synthesize({ valuesDir: values, environments: ['staging', 'production'] });
}, 60_000);

afterAll(async () => {
  await s3?.close();
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

  it('dumps to a volume, prunes by age and restores the same data (staging, pvc)', async () => {
    const dir = ownedTempDir('backup-pvc-');
    const volumes = pod(dir);
    const cronJob = object('manifests/staging/worker/cronjob-backup-orders.yaml');
    const folder = join(volumes.store, 'postgresql');
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

    expect(await restore(join(folder, fresh[0]), 'orders_restored_pvc')).toBe(await tableContents('orders'));
  }, 60_000);

  it('dumps to an S3 bucket, prunes by age and restores the same data (production, s3)', async () => {
    const dir = ownedTempDir('backup-s3-');
    const volumes = pod(dir);
    const cronJob = object('manifests/production/worker/cronjob-backup-orders.yaml');
    const store = podSpec(cronJob).containers[0];
    const target = store.env.find((e) => e.name === 'BACKUP_TARGET')?.value as string;
    expect(target).toBe(':s3:shop-production-backups/postgresql');
    // rclone with the container's own S3 settings, for seeding and listing the bucket.
    const rcloneEnv: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: dir, RCLONE_CONFIG: join(dir, 'rclone.conf') };
    for (const e of store.env) if (e.name.startsWith('RCLONE_S3_')) rcloneEnv[e.name] = e.value ?? secrets['worker-backup-bucket'][e.valueFrom?.secretKeyRef.key as 'access-key-id'];
    const seed = join(dir, 'seed');
    await runOk('mkdir', ['-p', seed], { PATH: '/usr/bin:/bin' });
    // Dumps 25 to 34 days old (rclone keeps their times in the bucket), and another database's.
    for (let days = 25; days <= 34; days += 1) writeAged(seed, agedName('orders', days), days);
    writeAged(seed, agedName('customers', 90), 90);
    await runOk('rclone', ['copy', seed, target], rcloneEnv);

    const result = await runBackupPod({ cronJob, configMaps: [object('manifests/production/worker/configmap-backup-script.yaml')], secrets, volumes, path: toolPath() });
    expect(result.status, result.log).toBe(0);

    const listed = (await runOk('rclone', ['lsf', target], rcloneEnv)).trim().split('\n').sort();
    const fresh = listed.filter((name) => /^orders-/.test(name) && !readdirSync(seed).includes(name));
    expect(fresh).toHaveLength(1);
    // Retention 30 days: 25.5 to 29.5 days old stay, 30.5 and older go; the other database's dump stays.
    const kept = [25, 26, 27, 28, 29].map((days) => agedName('orders', days));
    expect(listed).toEqual([...kept, fresh[0], agedName('customers', 90)].sort());

    const download = join(dir, 'download');
    await runOk('rclone', ['copy', `${target}/${fresh[0]}`, download], rcloneEnv);
    chmodSync(download, 0o755);
    await runOk('chmod', ['-R', 'a+r', download], { PATH: '/usr/bin:/bin' });
    expect(await restore(join(download, fresh[0]), 'orders_restored_s3')).toBe(await tableContents('orders'));
  }, 60_000);

  it('fails the job and stores nothing when the dump does not read back', async () => {
    const dir = ownedTempDir('backup-corrupt-');
    const volumes = pod(dir);
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
      volumes: pod(dir),
      path: toolPath(),
    });
    expect(result.status).not.toBe(0);
    expect(result.log).toContain('password authentication failed');
    expect(readdirSync(pod(dir).work)).toEqual([]);
  }, 60_000);
});
