/**
 * The `backups` section of the application values: logical PostgreSQL backups of the databases an
 * application owns, run by a CronJob per database (lib/backup/postgresql-backup.ts). Kept in its own
 * module so that the values model (lib/values/schema.ts) only adds one key.
 *
 * Schedule, time zone and retention are shared by the application's databases, so that an environment
 * sets them once for every application under `defaults.backups` (values/production.yaml: daily at 02:00,
 * 30 days; values/staging.yaml: daily at 03:00, 7 days). The databases are a map by name: the chart has
 * one CronJob per name declared in values/base.yaml (overlays change their settings, never add names).
 */
import { Type } from '@sinclair/typebox';
import { dnsLabelPattern, keyedMap } from '../values/kubernetes-names';
import { int, notLatestTag, patterns, quantity, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;

/**
 * A cron schedule of five fields (minute hour day-of-month month day-of-week), numbers, ranges, steps,
 * lists and `*` only: no names and no `@daily`, so that the backup-freshness alerts can read the period.
 */
const cronSchedulePattern = '^(\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+)$';

/** A name of a database entry: it becomes part of object names (`<fullname>-backup-<name>`) and of dump file names. */
const DATABASE_KEY = Type.String({ pattern: dnsLabelPattern, maxLength: 20 });

/** The `backups` schema. */
const image = (what: string) =>
  Type.Object(
    { repository: str('Image repository.', patterns.repository), tag: str(`Image tag of ${what} ("latest" is refused).`, patterns.tag, { not: notLatestTag }) },
    { ...closed, description: `Image with ${what}.` },
  );
const resourceSet = (what: string) => Type.Object({ cpu: quantity(`CPU ${what}.`), memory: quantity(`Memory ${what}.`) }, closed);
const secretKey = (what: string) => str(`Key of the Secret holding ${what}.`, '^[-._a-zA-Z0-9]+$');

const database = Type.Object(
  {
    host: str('Host name or IP address of the PostgreSQL server (PGHOST).', patterns.dnsSubdomain),
    port: int('TCP port of the server (PGPORT).', 1, 65535),
    database: str('Database to dump (PGDATABASE).', '^[A-Za-z_][A-Za-z0-9_$-]{0,62}$'),
    user: str('Role that dumps it: read access to every object is enough (PGUSER).', '^[A-Za-z_][A-Za-z0-9_$-]{0,62}$'),
    passwordSecret: Type.Object(
      { name: str('Existing Secret holding the password (PGPASSWORD); never a value in values.', patterns.dnsSubdomain), key: secretKey('the password') },
      { ...closed, description: 'Where the password is read from.' },
    ),
    cidr: str('Network of the server, the only destination the backup pod may reach besides the bucket and DNS.', patterns.cidr),
  },
  { ...closed, description: 'A PostgreSQL database backed up by its own CronJob.' },
);

export const backupsSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Back up the databases below (no backup object otherwise).' }),
    schedule: str('When the backups run: a cron schedule of five fields, in timeZone.', cronSchedulePattern),
    timeZone: str('IANA time zone of the schedule (CronJob spec.timeZone), e.g. Etc/UTC.', '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'),
    retentionDays: int('Days a dump is kept: after each verified backup, dumps of the database older than this are deleted.', 1, 3650),
    startingDeadlineSeconds: int('A run missed by more than this (controller down, cluster busy) is skipped.', 10, 86400),
    activeDeadlineSeconds: int('A backup Job running longer than this is stopped and fails.', 60, 86400),
    backoffLimit: int('Retries of a failed backup pod before the Job fails.', 0, 10),
    successfulJobsHistoryLimit: int('Finished Jobs kept for inspection.', 0, 100),
    failedJobsHistoryLimit: int('Failed Jobs kept for inspection.', 1, 100),
    workSizeLimit: quantity('Most the dump may take in the pod’s scratch volume (emptyDir) before it is stored.'),
    images: Type.Object(
      { postgresql: image('pg_dump and pg_restore (not older than the server)'), rclone: image('rclone') },
      { ...closed, description: 'Images of the two steps: dump and verify, then store and prune.' },
    ),
    resources: Type.Object({ requests: resourceSet('requested'), limits: resourceSet('limit') }, { ...closed, description: 'Resources of each backup container.' }),
    destination: Type.Object(
      {
        type: Type.Unsafe<'pvc' | 's3'>({ type: 'string', enum: ['pvc', 's3'], description: 'Where dumps go: a PersistentVolumeClaim or an S3-compatible bucket.' }),
        prefix: str('Folder of the dumps in the volume or the bucket.', '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$'),
        pvc: Type.Optional(Type.Object({ claimName: str('Existing PersistentVolumeClaim (type pvc).', patterns.dnsSubdomain) }, { ...closed, description: 'Volume (type pvc).' })),
        s3: Type.Optional(
          Type.Object(
            {
              endpoint: str('Endpoint URL of the S3 API.', patterns.url),
              region: str('Region of the bucket.', '^[a-z0-9-]{1,40}$'),
              bucket: str('Existing bucket.', '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'),
              cidr: str('Network of the endpoint, the only one the backup pod may reach besides the database and DNS.', patterns.cidr),
              port: int('TCP port of the endpoint.', 1, 65535),
              credentialsSecret: Type.Object(
                { name: str('Existing Secret with the access key.', patterns.dnsSubdomain), accessKeyIdKey: secretKey('the access key id'), secretAccessKeyKey: secretKey('the secret access key') },
                { ...closed, description: 'Credentials, from an existing Secret (or one an ExternalSecret writes).' },
              ),
            },
            { ...closed, description: 'Bucket (type s3).' },
          ),
        ),
      },
      { ...closed, description: 'Where verified dumps are stored and pruned.' },
    ),
    postgresql: keyedMap(DATABASE_KEY, database, 'Databases by name (declared in values/base.yaml; overlays change their settings): each gets a CronJob `<fullname>-backup-<name>`.'),
  },
  { ...closed, description: 'Logical PostgreSQL backups: pg_dump in custom format, verified with pg_restore, stored with rclone, pruned by age.' },
);
