/**
 * Velero Schedules (velero.io/v1) for the monitoring stack's volumes, created in Velero's namespace:
 * - `<namespace>-prometheus`: the Prometheus pods and their TSDB volume (file-system backup). A pre
 *   hook asks Prometheus for a TSDB snapshot through its admin API on loopback first (URL under the
 *   /prometheus sub path), so the backup holds a consistent copy in the data volume's snapshots folder
 *   (the live blocks and write-ahead log may change while they are read); a post hook removes the
 *   snapshots again. The admin API is enabled only when these backups are; the stack's NetworkPolicies
 *   let only Grafana, Prometheus itself and the traffic provider's proxies reach Prometheus's port,
 *   and the proxies only through the monitoring-admin route (the admin networks).
 * - `<namespace>-grafana`: the Grafana pods and their data volume.
 * Schedules, retention (ttl) and the BackupStorageLocation come from values (`monitoring.velero`):
 * Prometheus weekly on Sunday at 03:00 kept 4 weeks, Grafana daily at 02:00 kept 30 days in production.
 */
import { Construct } from 'constructs';
import { Schedule } from '../../imports/velero.io';
import { TemplatedObject } from '../chart/templated-object';
import { and, fmt, release } from '../template/expr';
import type { Refs } from '../template/manifest';
import { type Component, PART_OF, labels, standalone } from '../monitoring/stack/common';
import { PORTS, SUB_PATHS } from '../monitoring/stack/ports';
import type { MonitoringValues } from '../monitoring/values-schema';

/**
 * The Prometheus TSDB snapshot, through the admin API on loopback (BusyBox wget of the Prometheus image),
 * under Prometheus' sub path: its route prefix (`--web.external-url`) puts every endpoint there.
 */
const SNAPSHOT = ['/bin/sh', '-c', `wget -q -O - --post-data='' http://127.0.0.1:${PORTS.prometheus}${SUB_PATHS.prometheus}/api/v1/admin/tsdb/snapshot`];
const REMOVE_SNAPSHOTS = ['/bin/sh', '-c', 'rm -rf /prometheus/snapshots'];

export class MonitoringVolumeBackups extends Construct {
  constructor(scope: Construct, id: string, props: { readonly values: Refs<MonitoringValues> }) {
    super(scope, id);
    const v = props.values;
    const velero = v.velero;
    const schedule = (component: Extract<Component, 'prometheus' | 'grafana'>, hooks: boolean) =>
      new TemplatedObject(this, `Schedule-${component}`, {
        type: Schedule,
        template: `velero-schedule-${component}.yaml`,
        condition: and(standalone(v), velero.enabled),
        manifest: {
          metadata: { name: fmt`${release.namespace}-${component}`, namespace: velero.namespace, labels: labels('backup-schedule') },
          spec: {
            schedule: velero[component].schedule,
            // A backup as soon as the Schedule exists would snapshot a stack that may still be starting.
            skipImmediately: true,
            useOwnerReferencesInBackup: false,
            template: {
              ttl: velero[component].ttl,
              storageLocation: velero.storageLocation,
              includedNamespaces: [release.namespace],
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': release.name } },
              includeClusterResources: false,
              snapshotVolumes: false,
              defaultVolumesToFsBackup: true,
              metadata: { labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': component } },
              ...(hooks && {
                hooks: {
                  resources: [
                    {
                      name: 'prometheus-tsdb-snapshot',
                      includedNamespaces: [release.namespace],
                      labelSelector: { matchLabels: { 'app.kubernetes.io/name': component } },
                      pre: [{ exec: { container: component, command: SNAPSHOT, onError: 'Fail', timeout: '2m' } }],
                      post: [{ exec: { container: component, command: REMOVE_SNAPSHOTS, onError: 'Continue', timeout: '2m' } }],
                    },
                  ],
                },
              }),
            },
          },
        },
      });
    schedule('prometheus', true);
    schedule('grafana', false);
  }
}
