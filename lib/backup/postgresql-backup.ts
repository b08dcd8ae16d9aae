/**
 * Logical PostgreSQL backups of an application's databases (values `backups`, lib/backup/values-schema.ts):
 * - a ConfigMap `<fullname>-backup-script` with the generated script (lib/backup/script.ts);
 * - per database `<name>`, a CronJob `<fullname>-backup-<name>`: concurrencyPolicy Forbid, a starting
 *   deadline, an active deadline, a backoff limit and history limits from values; its pod runs the
 *   script's `dump` step in an init container (PostgreSQL image) and its `store` step in the container
 *   (rclone image), both Pod Security restricted with resources, sharing an emptyDir for the dump;
 * - per database, a NetworkPolicy `<fullname>-backup-<name>`: the backup pod receives nothing and may
 *   reach only the database's network and port and, for a bucket, the bucket's network and port (DNS
 *   comes from the namespace's allow-dns policy).
 * The pods carry `app.kubernetes.io/name: <name>-backup`, never the application's selector labels, so the
 * application's own policies and Service never select them.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { TemplatedObject, helmOnly } from '../chart/templated-object';
import { names, nameWith } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { podSecurityContext } from '../app/pod';
import { type Expr, and, eq, fmt, release } from '../template/expr';
import { quantities } from '../template/functions';
import type { Refs } from '../template/manifest';
import { when } from '../template/manifest';
import type { AppValues } from '../values/schema';
import { BACKUP_SCRIPT } from './script';

export interface PostgresqlBackupsProps extends AppObjectProps {
  /** The database names of `backups.postgresql` (from the base values: the chart has a CronJob per name). */
  readonly databases: readonly string[];
}

/** Where the pod mounts the script, the scratch volume and the backup volume. */
const SCRIPT_DIR = '/opt/backup';
const WORK_DIR = '/var/backup/work';
const VOLUME_DIR = '/var/backup/store';

/**
 * The labels of the backup objects and pods (of one database when given); `app.kubernetes.io/name`
 * differs from the application's.
 */
function backupLabels(v: Refs<AppValues>, database?: string) {
  return {
    'app.kubernetes.io/name': fmt`${names.name}-backup`,
    'app.kubernetes.io/instance': release.name,
    'app.kubernetes.io/version': v.backups.images.postgresql.tag,
    'app.kubernetes.io/component': 'database-backup',
    'app.kubernetes.io/part-of': v.partOf,
    'app.kubernetes.io/managed-by': release.service,
    ...(database === undefined ? {} : { 'backup.platform.example/database': database }),
    'helm.sh/chart': helmOnly(names.chart),
  };
}

function backupSelector(database: string) {
  return { 'app.kubernetes.io/name': fmt`${names.name}-backup`, 'app.kubernetes.io/instance': release.name, 'backup.platform.example/database': database };
}

export class PostgresqlBackups extends Construct {
  constructor(scope: Construct, id: string, props: PostgresqlBackupsProps) {
    super(scope, id);
    const v = props.values;
    const b = v.backups;
    const scriptName = nameWith('backup-script');
    const enabled = and(b.enabled, b.postgresql);
    const s3 = eq(b.destination.type, 's3');
    const pvc = eq(b.destination.type, 'pvc');

    new TemplatedObject(this, 'Script', {
      type: k8s.KubeConfigMap,
      template: 'configmap-backup-script.yaml',
      condition: enabled,
      manifest: {
        metadata: { name: scriptName, namespace: release.namespace, labels: backupLabels(v) },
        data: { 'backup.sh': BACKUP_SCRIPT },
      },
    });

    for (const database of props.databases) {
      const db = b.postgresql[database];
      const name = nameWith(`backup-${database}`);
      // The objects carry the chart's six labels; the pods also name their database (the policy selects on it).
      const labels = backupLabels(v);
      const podLabels = backupLabels(v, database);
      const common = [
        { name: 'BACKUP_NAME', value: database },
        { name: 'BACKUP_WORK_DIR', value: WORK_DIR },
        { name: 'HOME', value: '/tmp' },
      ] as const;
      const mounts = [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'work', mountPath: WORK_DIR },
        { name: 'script', mountPath: SCRIPT_DIR, readOnly: true },
      ] as const;
      const container = (step: 'dump' | 'store', image: Expr<string>) => ({
        name: step,
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', `${SCRIPT_DIR}/backup.sh`, step],
        resources: quantities(b.resources),
        securityContext: RESTRICTED_CONTAINER,
      });

      new TemplatedObject(this, `CronJob-${database}`, {
        type: k8s.KubeCronJob,
        template: `cronjob-backup-${database}.yaml`,
        condition: b.enabled,
        manifest: {
          metadata: { name, namespace: release.namespace, labels },
          spec: {
            schedule: b.schedule,
            timeZone: b.timeZone,
            // Never two dumps of one database at once; a run missed by more than the deadline is skipped.
            concurrencyPolicy: 'Forbid',
            startingDeadlineSeconds: b.startingDeadlineSeconds,
            successfulJobsHistoryLimit: b.successfulJobsHistoryLimit,
            failedJobsHistoryLimit: b.failedJobsHistoryLimit,
            jobTemplate: {
              metadata: { labels: podLabels },
              spec: {
                backoffLimit: b.backoffLimit,
                activeDeadlineSeconds: b.activeDeadlineSeconds,
                template: {
                  metadata: { labels: podLabels },
                  spec: {
                    restartPolicy: 'Never',
                    automountServiceAccountToken: false,
                    securityContext: podSecurityContext(v),
                    initContainers: [
                      {
                        ...container('dump', fmt`${b.images.postgresql.repository}:${b.images.postgresql.tag}`),
                        env: [
                          ...common,
                          { name: 'PGHOST', value: db.host },
                          { name: 'PGPORT', value: fmt`${db.port}` },
                          { name: 'PGDATABASE', value: db.database },
                          { name: 'PGUSER', value: db.user },
                          { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: db.passwordSecret.name, key: db.passwordSecret.key } } },
                          { name: 'PGCONNECT_TIMEOUT', value: '30' },
                        ],
                        volumeMounts: mounts,
                      },
                    ],
                    containers: [
                      {
                        ...container('store', fmt`${b.images.rclone.repository}:${b.images.rclone.tag}`),
                        env: [
                          ...common,
                          { name: 'BACKUP_RETENTION_DAYS', value: fmt`${b.retentionDays}` },
                          when(pvc, { name: 'BACKUP_TARGET', value: fmt`${VOLUME_DIR}/${b.destination.prefix}` }),
                          when(s3, { name: 'BACKUP_TARGET', value: fmt`:s3:${b.destination.s3.bucket}/${b.destination.prefix}` }),
                          { name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' },
                          when(s3, { name: 'RCLONE_S3_PROVIDER', value: 'Other' }),
                          when(s3, { name: 'RCLONE_S3_ENDPOINT', value: b.destination.s3.endpoint }),
                          when(s3, { name: 'RCLONE_S3_REGION', value: b.destination.s3.region }),
                          when(s3, { name: 'RCLONE_S3_FORCE_PATH_STYLE', value: 'true' }),
                          when(s3, { name: 'RCLONE_S3_NO_CHECK_BUCKET', value: 'true' }),
                          when(s3, { name: 'RCLONE_S3_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: b.destination.s3.credentialsSecret.name, key: b.destination.s3.credentialsSecret.accessKeyIdKey } } }),
                          when(s3, {
                            name: 'RCLONE_S3_SECRET_ACCESS_KEY',
                            valueFrom: { secretKeyRef: { name: b.destination.s3.credentialsSecret.name, key: b.destination.s3.credentialsSecret.secretAccessKeyKey } },
                          }),
                        ],
                        volumeMounts: [...mounts, when(pvc, { name: 'store', mountPath: VOLUME_DIR })],
                      },
                    ],
                    volumes: [
                      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
                      { name: 'work', emptyDir: { sizeLimit: fmt`${b.workSizeLimit}` } },
                      { name: 'script', configMap: { name: scriptName, defaultMode: 0o555 } },
                      when(pvc, { name: 'store', persistentVolumeClaim: { claimName: b.destination.pvc.claimName } }),
                    ],
                  },
                },
              },
            },
          },
        },
      });

      new TemplatedObject(this, `NetworkPolicy-${database}`, {
        type: k8s.KubeNetworkPolicy,
        template: `networkpolicy-backup-${database}.yaml`,
        condition: and(b.enabled, v.networkPolicy.enabled),
        manifest: {
          metadata: { name, namespace: release.namespace, labels },
          spec: {
            podSelector: { matchLabels: backupSelector(database) },
            // Nothing may connect to a backup pod; it connects to the database and the bucket only.
            policyTypes: ['Ingress', 'Egress'],
            egress: [
              { to: [{ ipBlock: { cidr: db.cidr } }], ports: [{ protocol: 'TCP', port: db.port }] },
              when(s3, { to: [{ ipBlock: { cidr: b.destination.s3.cidr } }], ports: [{ protocol: 'TCP', port: b.destination.s3.port }] }),
            ],
          },
        },
      });
    }
  }
}
