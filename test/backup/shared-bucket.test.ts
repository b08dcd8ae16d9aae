/**
 * Backups never delete each other (issue 19 §4), run for real: two applications (worker with database
 * orders, encrypted; api with database payments, plain) in two environments (staging keeps 7 days,
 * production 30) all store in one bucket of an S3 server on loopback. Each folder is seeded with dumps
 * of many ages, and with the flat `<prefix>/<database>-<time>.dump` names earlier versions wrote; then
 * the four backup pods synth writes run one after the other, staging's 7-day pruning first. Each
 * folder keeps exactly its own dumps younger than its own retention, plus its new one; nothing outside
 * a job's folder is touched.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SecretValues, S3_KEY, type ValuesEdit, agedName, containerOf, createShopDatabase, objectOf, podVolumes, rcloneEnvOf, startBucket, synthesizeWith, variable, writeAged } from './fixtures';
import { runBackupPod } from './job-runner';
import { type PostgresServer, ownedTempDir, runOk, startPostgres } from './postgres-server';

const READER = { name: 'backup_reader', password: 'reader-password-for-tests' };
const BUCKET = 'shop-backups';
const secrets: SecretValues = {
  'worker-database-backup': { password: READER.password },
  'api-database-backup': { password: READER.password },
  'worker-backup-bucket': { 'access-key-id': S3_KEY, 'secret-access-key': S3_KEY },
  'worker-backup-encryption': { password: 'worker passphrase', salt: 'worker salt' },
};
/** Ages (days) of the dumps each folder holds before the run. */
const AGES = [2, 5, 8, 12, 20, 29, 31, 40];
/** The jobs, in the order they run: staging's short retention first. */
const JOBS = [
  { env: 'staging', app: 'worker', database: 'orders', retention: 7, encrypted: true },
  { env: 'staging', app: 'api', database: 'payments', retention: 7, encrypted: false },
  { env: 'production', app: 'worker', database: 'orders', retention: 30, encrypted: true },
  { env: 'production', app: 'api', database: 'payments', retention: 30, encrypted: false },
] as const;

let server: PostgresServer;
let bucket: Awaited<ReturnType<typeof startBucket>>;
let manifests: Map<string, string>;

beforeAll(async () => {
  server = await startPostgres();
  bucket = await startBucket([BUCKET]);
  await createShopDatabase(server, 'orders', READER);
  await createShopDatabase(server, 'payments', READER, 200);
  const s3 = {
    endpoint: bucket.endpoint,
    region: 'us-east-1',
    bucket: BUCKET,
    cidr: '127.0.0.0/8',
    port: 443,
    credentialsSecret: { name: 'worker-backup-bucket', accessKeyIdKey: 'access-key-id', secretAccessKeyKey: 'secret-access-key' },
  };
  const database = (name: string, app: string) => ({
    host: '127.0.0.1',
    port: server.port,
    database: name,
    user: READER.name,
    passwordSecret: { name: `${app}-database-backup`, key: 'password' },
    cidr: '127.0.0.0/8',
    drillChecks: [{ table: 'public.orders', minRows: 1 }],
  });
  const apiSecrets = { 'worker-backup-bucket': { keys: ['access-key-id', 'secret-access-key'] }, 'api-database-backup': { keys: ['password'] } };
  manifests = synthesizeWith(
    [
      ['base.yaml', ['applications', 'worker', 'backups', 'destination', 's3'], s3],
      ['base.yaml', ['applications', 'worker', 'backups', 'postgresql', 'orders'], database('orders', 'worker')],
      ['base.yaml', ['applications', 'api', 'backups'], { destination: { s3 }, postgresql: { payments: database('payments', 'api') } }],
      // The api's backup Secrets exist in its namespaces (declared prerequisites, lib/references/).
      ...['staging', 'production'].map((env): ValuesEdit => ['base.yaml', ['prerequisites', 'secrets', `api-${env}`], apiSecrets]),
      // Both environments in the one bucket (the shipped values give each its own).
      ['staging.yaml', ['applications', 'worker', 'backups', 'destination', 's3', 'bucket'], BUCKET],
      ['production.yaml', ['applications', 'worker', 'backups', 'destination', 's3', 'bucket'], BUCKET],
    ],
    ['staging', 'production'],
  );
}, 60_000);

afterAll(async () => {
  await bucket?.close();
  await server?.stop();
});

it('keeps every job to its own folder: two applications and two environments in one bucket lose nothing of each other', async () => {
  const dir = ownedTempDir('backup-shared-');
  const seed = (name: string) => join(dir, 'seed', name);
  const cronJobOf = (job: (typeof JOBS)[number]) => objectOf(manifests, `manifests/${job.env}/${job.app}/cronjob-backup-${job.database}.yaml`);
  const rcloneOf = (job: (typeof JOBS)[number]) => rcloneEnvOf(containerOf(cronJobOf(job), 'store'), secrets, dir);
  const targetOf = (job: (typeof JOBS)[number]) => variable(containerOf(cronJobOf(job), 'store'), 'BACKUP_TARGET', secrets) as string;
  const plain = await rcloneOf(JOBS[1]);

  // What earlier versions wrote: every job's dumps side by side under the prefix.
  await runOk('mkdir', ['-p', seed('legacy')], { PATH: '/usr/bin:/bin' });
  const legacy = [1, 10, 40].flatMap((days) => ['orders', 'payments'].map((db) => agedName(db, days)));
  for (const days of [1, 10, 40]) for (const db of ['orders', 'payments']) writeAged(seed('legacy'), agedName(db, days), days);
  await runOk('rclone', ['copy', seed('legacy'), `:s3:${BUCKET}/postgresql`], plain);

  for (const job of JOBS) {
    const target = targetOf(job);
    expect(target).toBe(`:s3:${BUCKET}/postgresql/${job.env}/${job.app}-${job.env}/${job.app}/${job.database}`);
    const folder = seed(`${job.env}-${job.app}`);
    await runOk('mkdir', ['-p', folder], { PATH: '/usr/bin:/bin' });
    for (const days of AGES) writeAged(folder, agedName(job.database, days), days);
    // Encrypted folders get encrypted dumps (<name>.dump.bin), the others plain ones.
    await runOk('rclone', ['copy', folder, job.encrypted ? ':crypt:' : target], await rcloneOf(job));
  }
  const before = (await runOk('rclone', ['lsf', '-R', '--files-only', `:s3:${BUCKET}`], plain)).trim().split('\n');
  expect(before).toHaveLength(legacy.length + JOBS.length * AGES.length);

  for (const job of JOBS) {
    const env = job.env;
    const result = await runBackupPod({
      cronJob: cronJobOf(job),
      configMaps: [objectOf(manifests, `manifests/${env}/${job.app}/configmap-backup-script.yaml`)],
      secrets,
      volumes: podVolumes(ownedTempDir(`backup-${env}-${job.app}-`)),
      path: `${server.bin}:/usr/bin:/bin`,
    });
    expect(result.status, result.log).toBe(0);
  }

  const after = (await runOk('rclone', ['lsf', '-R', '--files-only', `:s3:${BUCKET}`], plain)).trim().split('\n').sort();
  const expected: string[] = legacy.map((name) => `postgresql/${name}`);
  for (const job of JOBS) {
    const folder = targetOf(job).slice(`:s3:${BUCKET}/`.length);
    const suffix = job.encrypted ? '.bin' : '';
    for (const days of AGES.filter((d) => d < job.retention)) expected.push(`${folder}/${agedName(job.database, days)}${suffix}`);
    // The new dump of the run, named like the others.
    const fresh = after.filter((name) => name.startsWith(`${folder}/`) && !before.includes(name));
    expect(fresh, `${job.env} ${job.app}`).toHaveLength(1);
    expect(fresh[0]).toMatch(new RegExp(`^${folder}/${job.database}-\\d{8}T\\d{6}Z\\.dump${suffix.replace('.', '\\.')}$`));
    expected.push(fresh[0]);
  }
  expect(after).toEqual(expected.sort());
  // Production's 30-day folders still hold their 8- to 29-day dumps after staging's 7-day pruning ran.
  expect(after.filter((name) => name.startsWith('postgresql/production/')).length).toBe(2 * (AGES.filter((d) => d < 30).length + 1));
}, 120_000);
