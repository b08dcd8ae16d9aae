/**
 * What the backup tests share: the platform synthesized with values edited to point at servers on
 * loopback, an S3 server (s3rver) with its requests recorded, rclone run from this machine with a pod
 * container's own settings (bucket, crypt keys), dump files named and aged like the script's, and
 * restores into the test's PostgreSQL server.
 */
import { cpSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { parseDocument } from 'yaml';
import { synthesize } from '../../charts/platform';
import type { K8sObject } from '../support/dist';
import { projectRoot } from '../support/helm';
import { podSpec } from './job-runner';
import { type PostgresServer, freePort, runOk } from './postgres-server';

const DAY = 24 * 60 * 60 * 1000;
/** Credentials s3rver accepts (its documented defaults). */
export const S3_KEY = 'S3RVER';

/** A values edit: the YAML path in a file of values/ and the value set there. */
export type ValuesEdit = readonly [file: string, path: readonly (string | number)[], value: unknown];

/** Staging's worker backing up to the volume claim `worker-backups`, unencrypted (the shipped values use its bucket, encrypted). */
export const STAGING_ON_A_VOLUME: readonly ValuesEdit[] = [
  ['staging.yaml', ['applications', 'worker', 'backups', 'destination'], { type: 'pvc', pvc: { claimName: 'worker-backups' } }],
  ['staging.yaml', ['applications', 'worker', 'backups', 'encryption'], { type: 'none' }],
  // The claim exists in the cluster: a declared prerequisite (lib/references/).
  ['staging.yaml', ['prerequisites', 'persistentVolumeClaims', 'worker-staging'], ['worker-backups']],
];

/** The synthesized files of a copy of values/ with `edits` applied, for `environments`. */
export function synthesizeWith(edits: readonly ValuesEdit[], environments: readonly string[]): Map<string, string> {
  const values = join(mkdtempSync(join(tmpdir(), 'backup-values-')), 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  for (const file of new Set(edits.map(([name]) => name))) {
    const document = parseDocument(readFileSync(join(values, file), 'utf8'));
    for (const [, path, value] of edits.filter(([name]) => name === file)) document.setIn(path, value);
    writeFileSync(join(values, file), document.toString());
  }
  return synthesize({ valuesDir: values, environments });
}

/** The object of a synthesized manifest file. */
export function objectOf(manifests: Map<string, string>, path: string): K8sObject {
  const text = manifests.get(path);
  if (text === undefined) throw new Error(`synth wrote no ${path}`);
  return parseDocument(text).toJS() as K8sObject;
}

/** An S3 server on loopback with `buckets`; `requests` records each request's method, path and headers. */
export async function startBucket(buckets: readonly string[]) {
  const port = await freePort();
  const s3 = new S3rver({ address: '127.0.0.1', port, silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')), configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  const requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined> }> = [];
  // s3rver is a Koa application (its typings leave that out): a middleware first in its chain sees every request as rclone sent it.
  type Context = { method: string; path: string; headers: Record<string, string | string[] | undefined> };
  (s3 as unknown as { middleware: Array<(ctx: Context, next: () => Promise<void>) => Promise<void>> }).middleware.unshift(async (ctx, next) => {
    requests.push({ method: ctx.method, path: ctx.path, headers: { ...ctx.headers } });
    await next();
  });
  await s3.run();
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => s3.close() };
}

/** A container of a CronJob's pod, by name. */
export function containerOf(cronJob: K8sObject, name: string) {
  const spec = podSpec(cronJob);
  const found = [...spec.initContainers, ...spec.containers].find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/** A container variable: its value, or the Secret value it refers to. */
export function variable(container: ReturnType<typeof containerOf>, name: string, secrets: SecretValues): string | undefined {
  const found = container.env.find((e) => e.name === name);
  if (found?.valueFrom) return secrets[found.valueFrom.secretKeyRef.name]?.[found.valueFrom.secretKeyRef.key];
  return found?.value;
}

export type SecretValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * rclone on this machine with a container's settings: its bucket's (RCLONE_S3_*), and with crypt the
 * crypt remote over the container's BACKUP_TARGET with its keys (obscured as the script does), so that
 * `:crypt:` lists and reads what the pod wrote. `home` holds rclone's (empty) configuration.
 */
export async function rcloneEnvOf(container: ReturnType<typeof containerOf>, secrets: SecretValues, home: string): Promise<Record<string, string>> {
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: home, RCLONE_CONFIG: join(home, 'rclone.conf') };
  for (const e of container.env) if (e.name.startsWith('RCLONE_S3_')) env[e.name] = variable(container, e.name, secrets) as string;
  if (variable(container, 'BACKUP_ENCRYPTION', secrets) === 'crypt') {
    const obscure = async (text: string) => (await runOk('sh', ['-c', 'printf "%s" "$KEY" | rclone obscure -'], { PATH: '/usr/bin:/bin', HOME: home, KEY: text })).trim();
    Object.assign(env, {
      RCLONE_CRYPT_REMOTE: variable(container, 'BACKUP_TARGET', secrets),
      RCLONE_CRYPT_FILENAME_ENCRYPTION: 'off',
      RCLONE_CRYPT_DIRECTORY_NAME_ENCRYPTION: 'false',
      RCLONE_CRYPT_PASSWORD: await obscure(variable(container, 'BACKUP_CRYPT_PASSWORD', secrets) as string),
    });
    const salt = variable(container, 'BACKUP_CRYPT_SALT', secrets);
    if (salt) env.RCLONE_CRYPT_PASSWORD2 = await obscure(salt);
  }
  return env;
}

/** The instant aged files are dated from: one for the whole run, so that a name never straddles a second. */
const NOW = Date.now();

/** A dump name like the script's, `days` days (plus half a day, away from the boundary) old. */
export function agedName(database: string, days: number): string {
  const time = new Date(NOW - days * DAY - DAY / 2);
  return `${database}-${time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.dump`;
}

/** Writes a file named `name` into `dir`, dated `days` days (plus half a day) ago. */
export function writeAged(dir: string, name: string, days: number): void {
  writeFileSync(join(dir, name), `old dump ${name}\n`);
  const time = new Date(NOW - days * DAY - DAY / 2);
  utimesSync(join(dir, name), time, time);
}

/** Host folders for a backup or drill pod's volumes, under `dir`. */
export function podVolumes(dir: string) {
  return { tmp: join(dir, 'tmp'), work: join(dir, 'work'), script: join(dir, 'script'), store: join(dir, 'store'), data: join(dir, 'data') };
}

/** Every row of every table of `database`, in a stable order, as text. */
export async function tableContents(server: PostgresServer, database: string): Promise<string> {
  const tables = (await server.sql(database, "select tablename from pg_tables where schemaname = 'public' order by tablename")).trim().split('\n');
  const parts = [];
  for (const table of tables) parts.push(`${table}: ${await server.sql(database, `select count(*) || ' ' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from ${table} t`)}`);
  return parts.join('');
}

/** Restores a dump into a new database and returns its contents. */
export async function restoreInto(server: PostgresServer, dump: string, database: string): Promise<string> {
  await server.sql('postgres', `create database ${database}`);
  await runOk(join(server.bin, 'pg_restore'), ['--no-owner', '--exit-on-error', '-d', database, dump], server.clientEnv(database));
  return tableContents(server, database);
}

/** Creates `database` with customers and orders (keys, a foreign key, numbers, dates, JSON) and a login role that reads it. */
export async function createShopDatabase(server: PostgresServer, database: string, reader: { name: string; password: string }, orders = 3000): Promise<void> {
  await server.sql('postgres', `create database ${database}`);
  await server.sql(
    database,
    `do $$ begin if not exists (select from pg_roles where rolname = '${reader.name}') then create role ${reader.name} login password '${reader.password}' in role pg_read_all_data; end if; end $$`,
  );
  await server.sql(
    database,
    `create table customers (id serial primary key, name text not null, email text unique, joined date not null);
     create table orders (id bigserial primary key, customer_id int not null references customers(id), total numeric(12,2) not null, items jsonb not null, placed timestamptz not null);
     insert into customers (name, email, joined) select 'customer ' || i, 'c' || i || '@example.com', date '2024-01-01' + i from generate_series(1, 500) i;
     insert into orders (customer_id, total, items, placed) select 1 + i % 500, (i * 7.31)::numeric(12,2), jsonb_build_object('sku', 'SKU-' || i, 'quantity', i % 5 + 1), timestamptz '2025-01-01 00:00:00+00' + i * interval '1 hour' from generate_series(1, ${orders}) i;`,
  );
}
