/**
 * Logical PostgreSQL backups of an application's databases (values `backups`, lib/backup/values-schema.ts):
 * - a ConfigMap `<fullname>-backup-script` with the generated script (lib/backup/script.ts);
 * - per database `<name>`, a CronJob `<fullname>-backup-<name>`: concurrencyPolicy Forbid, a starting
 *   deadline, an active deadline, a backoff limit and history limits from values; its pod runs the
 *   script's `dump` step in an init container (PostgreSQL image) and its `store` step in the container
 *   (rclone image), both Pod Security restricted with resources, sharing an emptyDir for the dump; the
 *   dumps go to the database's own folder (lib/backup/location.ts), named in the CronJob's
 *   `backup.platform.example/location` annotation, encrypted as `backups.encryption` says;
 * - per database, a NetworkPolicy `<fullname>-backup-<name>`: the backup pod receives nothing and may
 *   reach only the database's network and port and, for a bucket, the bucket's network and port (DNS
 *   comes from the namespace's allow-dns policy).
 * The pods carry `app.kubernetes.io/name: <name>-backup`, never the application's selector labels, so the
 * application's own policies and Service never select them. The restore drills are in restore-drill.ts.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { nameWith } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { podSecurityContext } from '../app/pod';
import { and, fmt, release } from '../template/expr';
import { when } from '../template/manifest';
import { BACKUP_SCRIPT } from './script';
import { VOLUME_DIR, backupLabels, backupSelector, destinationOf, locationAnnotation, rcloneEnv, scriptContainer } from './pod-parts';
import { RestoreDrill } from './restore-drill';

export interface PostgresqlBackupsProps extends AppObjectProps {
  /** The database names of `backups.postgresql` (from the base values: the chart has a CronJob per name). */
  readonly databases: readonly string[];
}

export class PostgresqlBackups extends Construct {
  constructor(scope: Construct, id: string, props: PostgresqlBackupsProps) {
    super(scope, id);
    const v = props.values;
    const b = v.backups;
    const scriptName = nameWith('backup-script');
    const enabled = and(b.enabled, b.postgresql);
    const { s3, pvc } = destinationOf(v);

    new TemplatedObject(this, 'Script', {
      type: k8s.KubeConfigMap,
      template: 'configmap-backup-script.yaml',
      condition: enabled,
      manifest: {
        metadata: { name: scriptName, namespace: release.namespace, labels: backupLabels(v, 'backup') },
        data: { 'backup.sh': BACKUP_SCRIPT },
      },
    });

    for (const database of props.databases) {
      const db = b.postgresql[database];
      const name = nameWith(`backup-${database}`);
      // The objects carry the chart's six labels; the pods also name their database (the policy selects on it).
      const labels = backupLabels(v, 'backup');
      const podLabels = backupLabels(v, 'backup', database);
      new TemplatedObject(this, `CronJob-${database}`, {
        type: k8s.KubeCronJob,
        template: `cronjob-backup-${database}.yaml`,
        condition: b.enabled,
        manifest: {
          metadata: { name, namespace: release.namespace, labels, annotations: locationAnnotation(v, database) },
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
                      scriptContainer(
                        'dump',
                        fmt`${b.images.postgresql.repository}:${b.images.postgresql.tag}`,
                        b.resources,
                        database,
                        [
                          { name: 'PGHOST', value: db.host },
                          { name: 'PGPORT', value: fmt`${db.port}` },
                          { name: 'PGDATABASE', value: db.database },
                          { name: 'PGUSER', value: db.user },
                          { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: db.passwordSecret.name, key: db.passwordSecret.key } } },
                          { name: 'PGCONNECT_TIMEOUT', value: '30' },
                        ],
                        [],
                      ),
                    ],
                    containers: [
                      scriptContainer(
                        'store',
                        fmt`${b.images.rclone.repository}:${b.images.rclone.tag}`,
                        b.resources,
                        database,
                        [{ name: 'BACKUP_RETENTION_DAYS', value: fmt`${b.retentionDays}` }, ...rcloneEnv(v, database, 'store')],
                        [when(pvc, { name: 'store', mountPath: VOLUME_DIR })],
                      ),
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
            podSelector: { matchLabels: backupSelector('backup', database) },
            // Nothing may connect to a backup pod; it connects to the database and the bucket only.
            policyTypes: ['Ingress', 'Egress'],
            egress: [
              { to: [{ ipBlock: { cidr: db.cidr } }], ports: [{ protocol: 'TCP', port: db.port }] },
              when(s3, { to: [{ ipBlock: { cidr: b.destination.s3.cidr } }], ports: [{ protocol: 'TCP', port: b.destination.s3.port }] }),
            ],
          },
        },
      });

      new RestoreDrill(this, `Drill-${database}`, { values: v, database, scriptName });
    }
  }
}
