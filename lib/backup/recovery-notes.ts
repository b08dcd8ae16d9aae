/**
 * The "Backups and recovery" section of each environment's README (dist/environments/<env>/README.md,
 * lib/gitops/environment-files.ts): per database, when it is dumped, how much data a loss can cost (the
 * recovery point), how long dumps are kept, where and how encrypted, and what the restore drill checks;
 * then what the recovery time consists of and how the drill measures it. Stated from the values the
 * manifests are made of, honestly: a logical dump is a snapshot as of its start, so a daily dump loses
 * up to a day of writes, more when backups fail.
 *
 * The recovery point is the longest gap between two runs of the backup schedule, read with croner (the
 * cron semantics of Kubernetes' CronJob controller, robfig/cron: five fields, day-of-month OR
 * day-of-week when both are restricted) from a fixed date in January (the text must not change with
 * the day synth runs), over one period of the schedule: a day when it restricts no day, a week when it
 * restricts only the day of the week (neither window holds a daylight-saving change, which can make
 * one gap of a year an hour longer), else a year. Once per schedule and time zone (croner's time zone arithmetic is slow, and every application
 * of an environment usually shares its schedule).
 */
import { Cron } from 'croner';
import { containerNameOf, fullnameOf } from '../app/names';
import { defaultAlertThresholds } from '../monitoring/rules/thresholds';
import type { EnvironmentValues } from '../values/load';
import type { AppValues } from '../values/schema';
import { backupFolder } from './location';

const FROM = new Date('2026-01-05T00:00:00Z');
const DAY_MS = 24 * 3600 * 1000;
const gaps = new Map<string, number>();

/** The longest time between two runs of `schedule` (five fields) in `timeZone`, in milliseconds (0: it never runs twice). */
export function longestGap(schedule: string, timeZone: string): number {
  const key = `${schedule}|${timeZone}`;
  const known = gaps.get(key);
  if (known !== undefined) return known;
  const [, , dayOfMonth, month, dayOfWeek] = schedule.split(' ');
  const period = dayOfMonth !== '*' || month !== '*' ? 366 * DAY_MS : dayOfWeek !== '*' ? 7 * DAY_MS : DAY_MS;
  const cron = new Cron(schedule, { timezone: timeZone, mode: '5-part', domAndDow: false, paused: true });
  let longest = 0;
  let previous = cron.nextRun(FROM);
  // One period of runs, and the run after it (the gap that wraps around).
  while (previous && previous.getTime() - FROM.getTime() <= period) {
    const next = cron.nextRun(previous);
    if (!next) break;
    longest = Math.max(longest, next.getTime() - previous.getTime());
    previous = next;
  }
  gaps.set(key, longest);
  return longest;
}

/** A duration as people say it: `15 min`, `24 h`, `7 days`. */
function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = minutes / 60;
  if (hours <= 48 || !Number.isInteger(hours / 24)) return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
  return `${hours / 24} days`;
}

function encryption(b: AppValues['backups']): string {
  if (b.encryption.type === 'crypt') return `in the pod, rclone crypt (key: Secret \`${b.encryption.crypt?.secret.name}\`)`;
  if (b.encryption.type === 'serverSide') {
    const key = b.encryption.serverSide?.kmsKeyId ? `, key \`${b.encryption.serverSide.kmsKeyId}\`` : '';
    return `by the bucket, S3 ${b.encryption.serverSide?.algorithm}${key}`;
  }
  return '**none**';
}

/** The section's Markdown lines, for the environment `env`. */
export function recoverySection(env: EnvironmentValues, namespaceOf: (app: string, environment: string) => string): string[] {
  const alerts = { ...defaultAlertThresholds, ...((env.monitoring.alerts as Partial<typeof defaultAlertThresholds> | undefined) ?? {}) };
  const rows: string[] = [];
  const drills: string[] = [];
  for (const [app, values] of env.applications) {
    const b = values.backups;
    if (!b.enabled) continue;
    const namespace = namespaceOf(app, env.environment);
    for (const database of Object.keys(b.postgresql).sort()) {
      const folder = backupFolder({ prefix: b.destination.prefix, environment: env.environment, namespace, fullname: fullnameOf(app, app, values), database });
      const where = b.destination.type === 's3' ? `s3://${b.destination.s3?.bucket}/${folder}/` : `volume \`${b.destination.pvc?.claimName}\`, \`${folder}/\``;
      const checks = (b.postgresql[database].drillChecks ?? []).map((c) => `${c.table} ≥ ${c.minRows} rows`).join(', ');
      const drill = b.drill.enabled ? `\`${b.drill.schedule}\`: ${checks}` : '**none**';
      rows.push(
        `| ${app} | ${database} | \`${b.schedule}\` ${b.timeZone} | up to ${humanDuration(longestGap(b.schedule, b.timeZone))} | ${b.retentionDays} days | ${b.destination.type === 's3' ? `\`${where}\`` : where} | ${encryption(b)} | ${drill} |`,
      );
      if (b.drill.enabled) {
        drills.push(`\`kubectl -n ${namespace} logs --prefix -c restore -l app.kubernetes.io/name=${containerNameOf(app, values)}-drill,backup.platform.example/database=${database}\``);
      }
    }
  }
  if (rows.length === 0) {
    return ['## Backups and recovery', '', 'No database is backed up in this environment (`backups.enabled` is false): a lost database cannot be restored from backups of this platform.', ''];
  }
  return [
    '## Backups and recovery',
    '',
    'Logical PostgreSQL dumps (`pg_dump`, verified by reading them back) by a CronJob per database (README: Backups):',
    '',
    '| application | database | backup | recovery point | kept | stored in | encryption | restore drill |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '**Recovery point.** A dump is a snapshot of the database as of the moment it starts. A database lost just',
    'before the next backup completes loses everything written since the previous dump started: up to the',
    'longest time between two runs of the schedule (the table), and one more period for every backup that',
    `fails; DatabaseBackupMissing pages after ${alerts.backupMaxAgeHours} h without a successful backup. Nothing written between dumps is`,
    'kept: a recovery point of minutes needs continuous WAL archiving (point-in-time recovery) of the database',
    'server, which these backups are not.',
    '',
    '**Recovery time.** Not a fixed figure: fetching the newest dump, restoring it (which grows with the',
    "database's size: every row is rewritten and every index rebuilt) and pointing the application at it",
    '(README: Restore runbook).',
    '',
    ...(drills.length === 0
      ? ['**No restore drill** runs in this environment (`backups.drill.enabled` is false): nothing proves that the dumps restore until someone restores one.', '']
      : [
          'The restore drill measures the restore itself on the real newest dump each time it runs: its log says',
          '`restored <dump> in <N> s`, then the result of each check (the pods of its last Jobs, as history keeps them):',
          '',
          ...drills.map((command) => `- ${command}`),
          '',
          '**How the drill proves restores.** Each drill downloads the newest dump from where the backups store it',
          '(decrypting it), restores it into a throwaway PostgreSQL inside its own pod and runs the checks of the',
          `table above; its Job fails on any failure. DatabaseRestoreDrillFailed warns on a failed drill,`,
          `DatabaseRestoreDrillMissing pages when none passed for ${alerts.restoreDrillMaxAgeHours} h.`,
          '',
        ]),
  ];
}
