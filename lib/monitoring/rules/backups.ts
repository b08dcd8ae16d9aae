/**
 * Backup alerts: a backup that has not succeeded within its period.
 * - PostgreSQL logical backups (lib/backup/postgresql-backup.ts): CronJobs named `<app>-backup-<db>`,
 *   from kube-state-metrics' CronJob and Job metrics; routed to the database team.
 * - their restore drills (lib/backup/restore-drill.ts): CronJobs named `<app>-drill-<db>`, whose Job
 *   succeeds only when the newest dump restored and passed its checks; from the same kube-state-metrics
 *   metrics (`kube_cronjob_status_last_successful_time`, STABLE in kube-state-metrics v2.15's
 *   docs/metrics/workload/cronjob-metrics.md: the CronJob's status.lastSuccessfulTime, which the CronJob
 *   controller sets when one of its Jobs completes), routed to the database team;
 * - Velero Schedules of the monitoring stack (lib/backup/velero-schedules.ts): from Velero's metrics,
 *   the Prometheus schedule (`<namespace>-prometheus`) weekly, the others daily; routed to infrastructure.
 */
import type { AlertGroupDefinition } from './model';
import type { AlertThresholds } from './thresholds';

const BACKUP_CRONJOBS = 'cronjob=~".+-backup-.+"';
const DRILL_CRONJOBS = 'cronjob=~".+-drill-.+"';

/** The last success of the CronJobs `matcher` selects is older than `hours`, or none since their creation that long ago. */
const staleCronJobs = (matcher: string, hours: number) =>
  `(time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${matcher}}) > ${hours} * 3600) or (time() - max by (namespace, cronjob) (kube_cronjob_created{${matcher}}) > ${hours} * 3600 unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${matcher}})`;

export const databaseBackupAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.backups.database.alerts',
  component: 'database',
  alerts: (t) => [
    {
      alert: 'DatabaseBackupMissing',
      priority: 'P1',
      // The last success is too old, or there has been none since the CronJob was created that long ago.
      expr: staleCronJobs(BACKUP_CRONJOBS, t.backupMaxAgeHours),
      summary: 'No successful backup by {{ $labels.namespace }}/{{ $labels.cronjob }} for {{ $value | humanizeDuration }}',
      description: `The backup CronJob {{ $labels.cronjob }} in {{ $labels.namespace }} has not succeeded for {{ $value | humanizeDuration }} (threshold ${t.backupMaxAgeHours} hours): check its last Jobs (kubectl get jobs) and their logs.`,
    },
    {
      alert: 'DatabaseBackupJobFailed',
      priority: 'P2',
      expr: 'max by (namespace, job_name) (kube_job_failed{job_name=~".+-backup-.+", condition="true"}) == 1',
      summary: 'Backup Job {{ $labels.namespace }}/{{ $labels.job_name }} failed',
      description:
        'The backup Job {{ $labels.job_name }} in {{ $labels.namespace }} failed after its retries (a dump that does not read back, a refused connection, an upload error): see its pod logs; the next scheduled run may still succeed.',
    },
    {
      alert: 'DatabaseRestoreDrillMissing',
      priority: 'P1',
      expr: staleCronJobs(DRILL_CRONJOBS, t.restoreDrillMaxAgeHours),
      summary: 'No passing restore drill by {{ $labels.namespace }}/{{ $labels.cronjob }} for {{ $value | humanizeDuration }}',
      description: `The restore drill {{ $labels.cronjob }} in {{ $labels.namespace }} has not passed for {{ $value | humanizeDuration }} (threshold ${t.restoreDrillMaxAgeHours} hours): nothing proves that the newest backup restores. Check its last Jobs (kubectl get jobs) and their logs: each check prints ok or FAIL.`,
    },
    {
      alert: 'DatabaseRestoreDrillFailed',
      priority: 'P2',
      expr: 'max by (namespace, job_name) (kube_job_failed{job_name=~".+-drill-.+", condition="true"}) == 1',
      summary: 'Restore drill {{ $labels.namespace }}/{{ $labels.job_name }} failed',
      description:
        'The restore drill Job {{ $labels.job_name }} in {{ $labels.namespace }} failed: the newest dump could not be fetched or decrypted, did not restore, or failed a check. Its pod logs say which; until a drill passes, treat the newest backup as unproven.',
    },
  ],
};

const lastSuccess = (matcher: string) => `time() - max by (schedule) (velero_backup_last_successful_timestamp{${matcher}})`;

export const volumeBackupAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.backups.volumes.alerts',
  component: 'infrastructure',
  alerts: (t) => [
    {
      alert: 'VolumeBackupMissing',
      priority: 'P1',
      expr: `(${lastSuccess('schedule=~".+-prometheus"')} > ${t.weeklyBackupMaxAgeHours} * 3600) or (${lastSuccess('schedule!="", schedule!~".+-prometheus"')} > ${t.backupMaxAgeHours} * 3600)`,
      summary: 'No successful Velero backup of schedule {{ $labels.schedule }} for {{ $value | humanizeDuration }}',
      description: `Velero has not completed a backup of schedule {{ $labels.schedule }} for {{ $value | humanizeDuration }} (thresholds: ${t.weeklyBackupMaxAgeHours} hours for the weekly Prometheus schedule, ${t.backupMaxAgeHours} hours for daily ones): velero backup get; velero backup logs.`,
    },
    {
      alert: 'VolumeBackupFailed',
      priority: 'P2',
      expr: 'sum by (schedule) (increase(velero_backup_failure_total{schedule!=""}[1h]) + increase(velero_backup_partial_failure_total{schedule!=""}[1h])) > 0',
      summary: 'A Velero backup of schedule {{ $labels.schedule }} failed',
      description: 'A backup of Velero schedule {{ $labels.schedule }} failed or partly failed in the last hour: velero backup describe --details.',
    },
  ],
};
