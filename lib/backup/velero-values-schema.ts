/**
 * The `velero` section of the monitoring chart's values: Velero Schedules for the monitoring stack's
 * volumes (lib/backup/velero-schedules.ts).
 */
import { Type } from '@sinclair/typebox';
import { patterns, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;

const schedule = (what: string) =>
  Type.Object(
    {
      schedule: Type.String({ description: `Cron schedule of the ${what} backups (five fields, in the Velero server's time zone, UTC by default).`, pattern: '^[0-9*,/-]+( [0-9*,/-]+){4}$' }),
      ttl: Type.String({ description: `How long Velero keeps each ${what} backup, as a Go duration in hours, e.g. 672h (4 weeks).`, pattern: '^[0-9]+h$' }),
    },
    { ...closed, description: `Backups of ${what}.` },
  );

export const VeleroValuesSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Create the Velero Schedules (standalone mode; needs Velero with file-system backup in the cluster). Velero’s metrics are scraped either way.' }),
    namespace: str('Namespace Velero runs in; Schedules are created there, and Prometheus scrapes its Service `velero` there on port 8085.', patterns.dnsLabel),
    storageLocation: str('BackupStorageLocation the backups go to.', patterns.dnsSubdomain),
    prometheus: schedule('Prometheus (its TSDB volume, after a TSDB snapshot through the admin API)'),
    grafana: schedule('Grafana (its data volume)'),
  },
  { ...closed, description: 'Velero backups of the monitoring stack’s volumes.' },
);
