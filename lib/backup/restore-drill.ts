/**
 * The restore drill of one database (values `backups.drill`, and `drillChecks` per database): a backup
 * proves only that a dump was written and read back; a drill proves, on a schedule, that the newest dump
 * in the bucket restores into PostgreSQL and holds the data the checks expect (issue 23 §6).
 *
 * - a CronJob `<fullname>-drill-<database>` (concurrencyPolicy Forbid; deadline, retries and history
 *   from values): its pod runs the backup script's `fetch` step in an init container (rclone image:
 *   the newest dump of the database's folder, decrypted when `backups.encryption.type` is crypt) and
 *   its `restore` step in the container (PostgreSQL image: initdb of a throwaway server in an emptyDir,
 *   Unix socket only, `pg_restore --exit-on-error`, then `drillChecks`); the Job fails on any failure,
 *   and the alerts DatabaseRestoreDrillMissing and DatabaseRestoreDrillFailed watch it
 *   (lib/monitoring/rules/backups.ts). Pod Security restricted: non-root (`drill.runAsUser`, the image's
 *   postgres user, which initdb looks up), read-only root filesystem, every capability dropped,
 *   resources from values, no service account token;
 * - a NetworkPolicy `<fullname>-drill-<database>`: nothing in; out only to the bucket's network and port
 *   (type s3; none for a volume). DNS comes from the namespace's allow-dns policy; the drill never
 *   reaches the database server it tests.
 * The pods carry `app.kubernetes.io/name: <name>-drill`, so neither the application's policies nor
 * the backup's select them.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { nameWith } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, and, fmt, release, toJson } from '../template/expr';
import { when } from '../template/manifest';
import { VOLUME_DIR, backupLabels, backupSelector, destinationOf, locationAnnotation, rcloneEnv, scriptContainer } from './pod-parts';

/** Where the drill's PostgreSQL keeps its data, socket and log. */
const DATA_DIR = '/var/restore';

export interface RestoreDrillProps extends AppObjectProps {
  /** The database key (`backups.postgresql.<database>`). */
  readonly database: string;
  /** The ConfigMap holding the backup script. */
  readonly scriptName: Expr<string>;
}

export class RestoreDrill extends Construct {
  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    const { database, scriptName } = props;
    const v = props.values;
    const b = v.backups;
    const db = b.postgresql[database];
    const { s3, pvc } = destinationOf(v);
    const name = nameWith(`drill-${database}`);
    const labels = backupLabels(v, 'drill');
    const podLabels = backupLabels(v, 'drill', database);
    const enabled = and(b.enabled, b.drill.enabled);

    new TemplatedObject(this, 'CronJob', {
      type: k8s.KubeCronJob,
      template: `cronjob-drill-${database}.yaml`,
      condition: enabled,
      manifest: {
        metadata: { name, namespace: release.namespace, labels, annotations: locationAnnotation(v, database) },
        spec: {
          schedule: b.drill.schedule,
          timeZone: b.timeZone,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: b.startingDeadlineSeconds,
          successfulJobsHistoryLimit: b.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: b.failedJobsHistoryLimit,
          jobTemplate: {
            metadata: { labels: podLabels },
            spec: {
              backoffLimit: b.drill.backoffLimit,
              activeDeadlineSeconds: b.drill.activeDeadlineSeconds,
              template: {
                metadata: { labels: podLabels },
                spec: {
                  restartPolicy: 'Never',
                  automountServiceAccountToken: false,
                  // initdb needs a user the image knows: its postgres user, not the application's.
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: b.drill.runAsUser,
                    runAsGroup: b.drill.runAsUser,
                    fsGroup: b.drill.runAsUser,
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                  initContainers: [
                    scriptContainer('fetch', fmt`${b.images.rclone.repository}:${b.images.rclone.tag}`, b.drill.resources, database, rcloneEnv(v, database, 'fetch'), [
                      when(pvc, { name: 'store', mountPath: VOLUME_DIR, readOnly: true }),
                    ]),
                  ],
                  containers: [
                    scriptContainer(
                      'restore',
                      fmt`${b.images.postgresql.repository}:${b.images.postgresql.tag}`,
                      b.drill.resources,
                      database,
                      [
                        { name: 'DRILL_DATA_DIR', value: DATA_DIR },
                        { name: 'DRILL_CHECKS', value: toJson(db.drillChecks) },
                      ],
                      [{ name: 'data', mountPath: DATA_DIR }],
                    ),
                  ],
                  volumes: [
                    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
                    { name: 'work', emptyDir: { sizeLimit: fmt`${b.workSizeLimit}` } },
                    { name: 'data', emptyDir: { sizeLimit: fmt`${b.drill.dataSizeLimit}` } },
                    { name: 'script', configMap: { name: scriptName, defaultMode: 0o555 } },
                    when(pvc, { name: 'store', persistentVolumeClaim: { claimName: b.destination.pvc.claimName, readOnly: true } }),
                  ],
                },
              },
            },
          },
        },
      },
    });

    new TemplatedObject(this, 'NetworkPolicy', {
      type: k8s.KubeNetworkPolicy,
      template: `networkpolicy-drill-${database}.yaml`,
      condition: and(enabled, v.networkPolicy.enabled),
      manifest: {
        metadata: { name, namespace: release.namespace, labels },
        spec: {
          podSelector: { matchLabels: backupSelector('drill', database) },
          // Nothing may connect to a drill pod; it reaches the bucket only (a volume needs no network).
          policyTypes: ['Ingress', 'Egress'],
          egress: [when(s3, { to: [{ ipBlock: { cidr: b.destination.s3.cidr } }], ports: [{ protocol: 'TCP', port: b.destination.s3.port }] })],
        },
      },
    });
  }
}
