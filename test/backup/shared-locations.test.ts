/**
 * Synth refuses two backup jobs whose folders could meet (lib/backup/shared-locations.ts): the same
 * folder, or one inside the other, of one bucket, across applications and environments, each reported
 * at its database with file and line and naming the other. Neighbours are accepted: the shipped layout
 * with two environments or two applications in one bucket, a folder whose name only starts like
 * another's, the same folders in different buckets. Prefixes that would leave their folder (`..`, `.`)
 * are refused by the schema.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const WORKER_FOLDER = 'postgresql/production/worker-production/worker/orders';

/** values/ with api backing up its payments database in production, into `bucket` under `prefix`. */
function withApiBackups(prefix: string, bucket = 'shop-production-backups', stagingBucket?: string): string {
  const dir = valuesCopyWith(roots, 'base.yaml', (text) => `${text}\n`);
  const edit = (file: string, change: (document: ReturnType<typeof parseDocument>) => void) => {
    const document = parseDocument(readFileSync(join(dir, file), 'utf8'));
    change(document);
    writeFileSync(join(dir, file), document.toString());
  };
  edit('base.yaml', (document) =>
    document.setIn(['applications', 'api', 'backups'], {
      destination: {
        s3: {
          endpoint: 'https://objects.data.internal',
          region: 'us-east-1',
          bucket,
          cidr: '10.30.0.0/24',
          port: 443,
          credentialsSecret: { name: 'api-backup-bucket', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' },
        },
      },
      postgresql: {
        payments: {
          host: 'payments-db.data.internal',
          port: 5432,
          database: 'payments',
          user: 'backup',
          passwordSecret: { name: 'api-database-backup', key: 'password' },
          cidr: '10.20.0.0/16',
          drillChecks: [{ table: 'payments', minRows: 1 }],
        },
      },
    }),
  );
  edit('production.yaml', (document) => document.setIn(['applications', 'api', 'backups'], { destination: { prefix, s3: { bucket } } }));
  // The api's backup Secrets exist in its namespaces (declared prerequisites, lib/references/).
  for (const env of ['dev', 'staging', 'production']) {
    edit('base.yaml', (document) => document.setIn(['prerequisites', 'secrets', `api-${env}`], { 'api-backup-bucket': { keys: ['id', 'secret'] }, 'api-database-backup': { keys: ['password'] } }));
  }
  if (stagingBucket) edit('staging.yaml', (document) => document.setIn(['applications', 'worker', 'backups', 'destination', 's3', 'bucket'], stagingBucket));
  return dir;
}

it('refuses a folder inside another job’s folder of the same bucket, at both databases', () => {
  const problems = synthProblems(withApiBackups(WORKER_FOLDER));
  const apiFolder = `${WORKER_FOLDER}/production/api-production/api/payments`;
  const tail = 'each job prunes and restores from its own folder only, so no two may share or nest; give one of them another backups.destination.prefix or bucket';
  expect(problems).toEqual([
    expect.stringMatching(
      new RegExp(
        `values/base\\.yaml:\\d+:\\d+: applications\\.api\\.backups\\.postgresql\\.payments: its dumps would go to bucket shop-production-backups, folder ${apiFolder}/, inside the folder of production's worker \\(database orders, folder ${WORKER_FOLDER}/\\): ${tail}$`,
      ),
    ),
    expect.stringMatching(
      new RegExp(
        `values/base\\.yaml:\\d+:\\d+: applications\\.worker\\.backups\\.postgresql\\.orders: its dumps would go to bucket shop-production-backups, folder ${WORKER_FOLDER}/, around the folder of production's api \\(database payments, folder ${apiFolder}/\\): ${tail}$`,
      ),
    ),
  ]);
});

it('accepts neighbours: a folder that only starts like another’s, another bucket, two environments and two applications in one bucket', () => {
  expect(() => synthProblems(withApiBackups(`${WORKER_FOLDER}-archive`))).toThrow('synth did not fail');
  expect(() => synthProblems(withApiBackups(WORKER_FOLDER, 'shop-payments-backups'))).toThrow('synth did not fail');
  // The case of issue 19: staging and production, worker and api, one bucket and the default prefix.
  expect(() => synthProblems(withApiBackups('postgresql', 'shop-production-backups', 'shop-production-backups'))).toThrow('synth did not fail');
});

it.each(['../escape', 'postgresql/../other', './postgresql', 'postgresql//x', 'postgresql/', '.hidden'])('refuses the prefix %s', (prefix) => {
  const problems = synthProblems(valuesCopyWith(roots, 'base.yaml', (text) => text.replace('      prefix: postgresql\n', `      prefix: "${prefix}"\n`)));
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) expect(problem).toMatch(/values\/base\.yaml:\d+:\d+: (defaults|applications\.\w+)\.backups\.destination\.prefix: /);
});
