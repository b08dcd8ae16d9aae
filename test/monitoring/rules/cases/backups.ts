import { type AlertSpec, selector } from '../promtool';

const hour = 3600;
/** The alerts are evaluated at 10m: promtool's time() is then 600. */
const now = 600;
const cronJob = { namespace: 'worker-production', cronjob: 'worker-backup-orders' };
const ksm = { job: 'kube-state-metrics', instance: 'kube-state-metrics' };
/** A CronJob created `createdHours` ago whose last success was `hours` ago (none when undefined). */
const cronJobSeries = (createdHours: number, hours?: number) => ({
  [selector('kube_cronjob_created', { ...cronJob, ...ksm })]: `${now - createdHours * hour}x10`,
  ...(hours === undefined ? {} : { [selector('kube_cronjob_status_last_successful_time', { ...cronJob, ...ksm })]: `${now - hours * hour}x10` }),
});
const drill = { namespace: 'worker-production', cronjob: 'worker-drill-orders' };
/** A drill CronJob created `createdHours` ago whose last success was `hours` ago (none when undefined). */
const drillSeries = (createdHours: number, hours?: number) => ({
  [selector('kube_cronjob_created', { ...drill, ...ksm })]: `${now - createdHours * hour}x10`,
  ...(hours === undefined ? {} : { [selector('kube_cronjob_status_last_successful_time', { ...drill, ...ksm })]: `${now - hours * hour}x10` }),
});
const velero = (schedule: string, hours: number) => ({ [selector('velero_backup_last_successful_timestamp', { schedule, job: 'velero', instance: 'velero' })]: `${now - hours * hour}x10` });

export const backupSpecs: AlertSpec[] = [
  {
    alertname: 'DatabaseBackupMissing',
    priority: 'P1',
    component: 'database',
    cases: (t) => [
      {
        name: 'fires when the last success is 30 hours old',
        series: cronJobSeries(24 * 30, 30),
        evalTime: '10m',
        fires: [
          {
            labels: cronJob,
            summary: 'No successful backup by worker-production/worker-backup-orders for 1d 6h 0m 0s',
            description: `The backup CronJob worker-backup-orders in worker-production has not succeeded for 1d 6h 0m 0s (threshold ${t.backupMaxAgeHours} hours): check its last Jobs (kubectl get jobs) and their logs.`,
          },
        ],
      },
      {
        name: 'fires when it never succeeded since its creation 2 days ago',
        series: cronJobSeries(48),
        evalTime: '10m',
        fires: [
          {
            labels: cronJob,
            summary: 'No successful backup by worker-production/worker-backup-orders for 2d 0h 0m 0s',
            description: `The backup CronJob worker-backup-orders in worker-production has not succeeded for 2d 0h 0m 0s (threshold ${t.backupMaxAgeHours} hours): check its last Jobs (kubectl get jobs) and their logs.`,
          },
        ],
      },
      { name: 'is silent after a success 20 hours ago', series: cronJobSeries(24 * 30, 20), evalTime: '10m', fires: [] },
      { name: 'is silent for a new CronJob that has not run yet', series: cronJobSeries(5), evalTime: '10m', fires: [] },
      {
        name: 'ignores CronJobs that are not backups',
        series: { [selector('kube_cronjob_created', { namespace: 'worker-production', cronjob: 'worker-cleanup', ...ksm })]: `${now - 48 * hour}x10` },
        evalTime: '10m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'DatabaseBackupJobFailed',
    priority: 'P2',
    component: 'database',
    cases: () => [
      {
        name: 'fires when a backup Job failed',
        series: { [selector('kube_job_failed', { namespace: 'worker-production', job_name: 'worker-backup-orders-29412360', condition: 'true', ...ksm })]: '1x10' },
        evalTime: '5m',
        fires: [
          {
            labels: { namespace: 'worker-production', job_name: 'worker-backup-orders-29412360' },
            summary: 'Backup Job worker-production/worker-backup-orders-29412360 failed',
            description:
              'The backup Job worker-backup-orders-29412360 in worker-production failed after its retries (a dump that does not read back, a refused connection, an upload error): see its pod logs; the next scheduled run may still succeed.',
          },
        ],
      },
      {
        name: 'is silent when it did not fail',
        series: { [selector('kube_job_failed', { namespace: 'worker-production', job_name: 'worker-backup-orders-29412360', condition: 'true', ...ksm })]: '0x10' },
        evalTime: '5m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'DatabaseRestoreDrillMissing',
    priority: 'P1',
    component: 'database',
    cases: (t) => {
      const description = (age: string) =>
        `The restore drill worker-drill-orders in worker-production has not passed for ${age} (threshold ${t.restoreDrillMaxAgeHours} hours): nothing proves that the newest backup restores. Check its last Jobs (kubectl get jobs) and their logs: each check prints ok or FAIL.`;
      return [
        {
          name: 'fires when the last passing drill is 30 hours old',
          series: drillSeries(24 * 30, 30),
          evalTime: '10m',
          fires: [{ labels: drill, summary: 'No passing restore drill by worker-production/worker-drill-orders for 1d 6h 0m 0s', description: description('1d 6h 0m 0s') }],
        },
        {
          name: 'fires when no drill passed since its creation 2 days ago',
          series: drillSeries(48),
          evalTime: '10m',
          fires: [{ labels: drill, summary: 'No passing restore drill by worker-production/worker-drill-orders for 2d 0h 0m 0s', description: description('2d 0h 0m 0s') }],
        },
        { name: 'is silent after a drill passed 20 hours ago', series: drillSeries(24 * 30, 20), evalTime: '10m', fires: [] },
        { name: 'is silent for a new drill that has not run yet', series: drillSeries(5), evalTime: '10m', fires: [] },
        // The backup CronJob of the same database is DatabaseBackupMissing's: its age is not the drill's.
        { name: 'ignores the backup CronJobs', series: cronJobSeries(24 * 30, 30), evalTime: '10m', fires: [] },
      ];
    },
  },
  {
    alertname: 'DatabaseRestoreDrillFailed',
    priority: 'P2',
    component: 'database',
    cases: () => {
      const failed = (value: string, job = 'worker-drill-orders-29412480') => ({ [selector('kube_job_failed', { namespace: 'worker-production', job_name: job, condition: 'true', ...ksm })]: value });
      return [
        {
          name: 'fires when a drill Job failed',
          series: failed('1x10'),
          evalTime: '5m',
          fires: [
            {
              labels: { namespace: 'worker-production', job_name: 'worker-drill-orders-29412480' },
              summary: 'Restore drill worker-production/worker-drill-orders-29412480 failed',
              description:
                'The restore drill Job worker-drill-orders-29412480 in worker-production failed: the newest dump could not be fetched or decrypted, did not restore, or failed a check. Its pod logs say which; until a drill passes, treat the newest backup as unproven.',
            },
          ],
        },
        { name: 'is silent when it did not fail', series: failed('0x10'), evalTime: '5m', fires: [] },
        { name: 'ignores failed backup Jobs', series: failed('1x10', 'worker-backup-orders-29412360'), evalTime: '5m', fires: [] },
      ];
    },
  },
  {
    alertname: 'VolumeBackupMissing',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => {
      const description = (schedule: string, age: string) =>
        `Velero has not completed a backup of schedule ${schedule} for ${age} (thresholds: ${t.weeklyBackupMaxAgeHours} hours for the weekly Prometheus schedule, ${t.backupMaxAgeHours} hours for daily ones): velero backup get; velero backup logs.`;
      return [
        {
          name: 'fires for the daily Grafana schedule after 30 hours',
          series: velero('monitoring-grafana', 30),
          evalTime: '10m',
          fires: [
            { labels: { schedule: 'monitoring-grafana' }, summary: 'No successful Velero backup of schedule monitoring-grafana for 1d 6h 0m 0s', description: description('monitoring-grafana', '1d 6h 0m 0s') },
          ],
        },
        {
          name: 'fires for the weekly Prometheus schedule after 8 days',
          series: velero('monitoring-prometheus', 192),
          evalTime: '10m',
          fires: [
            {
              labels: { schedule: 'monitoring-prometheus' },
              summary: 'No successful Velero backup of schedule monitoring-prometheus for 8d 0h 0m 0s',
              description: description('monitoring-prometheus', '8d 0h 0m 0s'),
            },
          ],
        },
        { name: 'is silent for the weekly schedule 5 days after its backup', series: velero('monitoring-prometheus', 120), evalTime: '10m', fires: [] },
        { name: 'is silent for a daily schedule 20 hours after its backup', series: velero('monitoring-grafana', 20), evalTime: '10m', fires: [] },
      ];
    },
  },
  {
    alertname: 'VolumeBackupFailed',
    priority: 'P2',
    component: 'infrastructure',
    cases: () => {
      const counters = (failures: string) => ({
        [selector('velero_backup_failure_total', { schedule: 'monitoring-grafana', job: 'velero' })]: failures,
        [selector('velero_backup_partial_failure_total', { schedule: 'monitoring-grafana', job: 'velero' })]: '0x30',
      });
      return [
        {
          name: 'fires when a backup failed in the last hour',
          series: counters('0x10 1x20'),
          evalTime: '20m',
          fires: [
            {
              labels: { schedule: 'monitoring-grafana' },
              summary: 'A Velero backup of schedule monitoring-grafana failed',
              description: 'A backup of Velero schedule monitoring-grafana failed or partly failed in the last hour: velero backup describe --details.',
            },
          ],
        },
        { name: 'is silent without failures', series: counters('0x30'), evalTime: '20m', fires: [] },
      ];
    },
  },
];
