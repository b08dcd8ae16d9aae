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
import { IANA_TIME_ZONES } from '../values/time-zones';
import { dnsLabelPattern, keyedMap } from '../values/kubernetes-names';
import { int, notLatestTag, patterns, quantity, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;

/**
 * A cron schedule of five fields (minute hour day-of-month month day-of-week), numbers, ranges, steps,
 * lists and `*` only: no names and no `@daily`, so that the backup-freshness alerts can read the period.
 */
const cronSchedulePattern = '^(\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+) (\\*|[0-9,/*-]+)$';

/** A name of a database entry: it becomes part of object names (`<fullname>-backup-<name>`, `<fullname>-drill-<name>`), of the dump folder and of dump file names. */
const DATABASE_KEY = Type.String({ pattern: dnsLabelPattern, maxLength: 20 });

/** The `backups` schema. */
const image = (what: string) =>
  Type.Object(
    { repository: str('Image repository.', patterns.repository), tag: str(`Image tag of ${what} ("latest" is refused).`, patterns.tag, { not: notLatestTag }) },
    { ...closed, description: `Image with ${what}.` },
  );
const resourceSet = (what: string) => Type.Object({ cpu: quantity(`CPU ${what}.`), memory: quantity(`Memory ${what}.`) }, closed);
const secretKey = (what: string) => str(`Key of the Secret holding ${what}.`, '^[-._a-zA-Z0-9]+$');

/**
 * A table the restore drill checks: lower-case identifiers, optionally schema-qualified (`public.orders`),
 * as PostgreSQL folds unquoted names; resolved with `to_regclass` in the drill, never spliced into SQL.
 */
const drillCheck = Type.Object(
  {
    table: str('Table (or schema.table) that must exist in the restored database.', '^[a-z_][a-z0-9_$]{0,62}([.][a-z_][a-z0-9_$]{0,62})?$'),
    minRows: int('Fewest rows the table may have (0: only that it exists).', 0, 1_000_000_000_000),
  },
  { ...closed, description: 'A check of the restore drill.' },
);

/**
 * Folder of the dumps: segments of letters, digits, `.`, `_` and `-`, none starting with a dot (no `.` or
 * `..` that would leave the volume's folder or alias another), no empty segment.
 */
const prefixPattern = '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$';

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
    drillChecks: Type.Optional(
      Type.Array(drillCheck, {
        maxItems: 100,
        description: 'What the restore drill checks in the restored database (backups.drill): each table present with at least minRows rows. At least one while drills are on.',
      }),
    ),
  },
  { ...closed, description: 'A PostgreSQL database backed up by its own CronJob.' },
);

export const backupsSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Back up the databases below (no backup object otherwise).' }),
    schedule: str('When the backups run: a cron schedule of five fields, in timeZone.', cronSchedulePattern),
    // An enum (lib/values/time-zones.ts): the API server loads the zone (validateTimeZone), and a chart can only know the names from its schema.
    timeZone: Type.String({ description: 'IANA time zone of the schedule (CronJob spec.timeZone), e.g. Etc/UTC; never Local.', enum: [...IANA_TIME_ZONES] }),
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
        prefix: str(
          'Top folder of the dumps in the volume or the bucket; each database has its own folder under it, <prefix>/<environment>/<namespace>/<fullname>/<database>/ (lib/backup/location.ts).',
          prefixPattern,
          { maxLength: 200 },
        ),
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
    encryption: Type.Object(
      {
        type: Type.Unsafe<'none' | 'crypt' | 'serverSide'>({
          type: 'string',
          enum: ['none', 'crypt', 'serverSide'],
          description: 'none; crypt: encrypted in the pod before they leave it (rclone crypt, key from a Secret; the restore drill decrypts); serverSide: the bucket encrypts them (S3 SSE, type s3 only).',
        }),
        crypt: Type.Optional(
          Type.Object(
            {
              secret: Type.Object(
                {
                  name: str('Existing Secret holding the passphrase (or one an ExternalSecret writes); never a value in values.', patterns.dnsSubdomain),
                  passwordKey: secretKey('the passphrase (plain text: the script obscures it for rclone)'),
                  saltKey: Type.Optional(secretKey('an optional second passphrase, rclone crypt’s salt (password2)')),
                },
                { ...closed, description: 'Where the keys are read from. Losing them loses every encrypted dump: keep them outside the cluster too.' },
              ),
            },
            { ...closed, description: 'rclone crypt (type crypt): contents encrypted, file names kept.' },
          ),
        ),
        serverSide: Type.Optional(
          Type.Object(
            {
              algorithm: Type.Unsafe<'AES256' | 'aws:kms'>({ type: 'string', enum: ['AES256', 'aws:kms'], description: 'x-amz-server-side-encryption: AES256 (keys of the bucket’s service) or aws:kms.' }),
              kmsKeyId: Type.Optional(str('KMS key (id, ARN or alias) for aws:kms; the bucket’s default key when absent.', '^[A-Za-z0-9:/_.-]+$', { maxLength: 2048 })),
            },
            { ...closed, description: 'S3 server-side encryption (type serverSide).' },
          ),
        ),
      },
      { ...closed, description: 'Encryption of the stored dumps.' },
    ),
    drill: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Restore drills: per database a CronJob `<fullname>-drill-<name>` restores the newest dump into a throwaway PostgreSQL in its pod and runs drillChecks.' }),
        schedule: str('When the drills run: a cron schedule of five fields, in backups.timeZone (after the backups).', cronSchedulePattern),
        activeDeadlineSeconds: int('A drill running longer than this is stopped and fails.', 60, 86400),
        backoffLimit: int('Retries of a failed drill pod before the Job fails.', 0, 10),
        runAsUser: int('User (and group) of the drill pod: the PostgreSQL image’s postgres user, which initdb needs (999 in the Debian-based images, 70 in the Alpine ones).', 1, 2147483647),
        dataSizeLimit: quantity('Most the restored database may take in the pod’s scratch volume (emptyDir).'),
        resources: Type.Object({ requests: resourceSet('requested'), limits: resourceSet('limit') }, { ...closed, description: 'Resources of each drill container.' }),
      },
      { ...closed, description: 'Scheduled restore drills: each proves that the newest dump restores and holds the data drillChecks expect.' },
    ),
    postgresql: keyedMap(DATABASE_KEY, database, 'Databases by name (declared in values/base.yaml; overlays change their settings): each gets a CronJob `<fullname>-backup-<name>`.'),
  },
  { ...closed, description: 'Logical PostgreSQL backups: pg_dump in custom format, verified with pg_restore, stored with rclone, pruned by age.' },
);
