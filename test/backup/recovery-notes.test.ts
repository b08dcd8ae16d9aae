/**
 * Each environment's README states the recovery point and time its backups give
 * (lib/backup/recovery-notes.ts): the recovery point from the longest gap between two runs of the
 * backup schedule (croner, Kubernetes' cron semantics), the restore drill and its checks, and an
 * environment without backups or without drills says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { longestGap } from '../../lib/backup/recovery-notes';
import { distDir } from '../support/dist';
import { STAGING_ON_A_VOLUME, synthesizeWith } from './fixtures';

const HOUR = 3600 * 1000;

describe('longestGap', () => {
  it.each([
    ['0 2 * * *', 24],
    ['*/15 * * * *', 0.25],
    ['0 3 * * 0', 7 * 24],
    ['0 2 * * 1-5', 3 * 24],
    ['0 2 1 * *', 31 * 24],
    // Day of month or day of week when both are restricted (as the CronJob controller reads them).
    ['0 2 1 * 0', 7 * 24],
  ])('%s: %d hours', (schedule, hours) => {
    expect(longestGap(schedule, 'Etc/UTC')).toBe(hours * HOUR);
  });
});

describe('the environment README', () => {
  const readme = (env: string) => readFileSync(join(distDir, 'environments', env, 'README.md'), 'utf8');

  it('states production’s recovery point, store, encryption and drill per database', () => {
    const text = readme('production');
    expect(text).toContain(
      '| worker | orders | `0 2 * * *` Etc/UTC | up to 24 h | 30 days | `s3://shop-production-backups/postgresql/production/worker-production/worker/orders/` | in the pod, rclone crypt (key: Secret `worker-backup-encryption`) | `0 4 * * *`: public.customers ≥ 1 rows, public.orders ≥ 1 rows |',
    );
    expect(text).toContain('DatabaseBackupMissing pages after 26 h');
    expect(text).toContain('`kubectl -n worker-production logs --prefix -c restore -l app.kubernetes.io/name=worker-drill,backup.platform.example/database=orders`');
    expect(text).toContain('DatabaseRestoreDrillMissing pages when none passed for 26 h.');
  });

  it('says so when an environment backs nothing up', () => {
    expect(readme('dev')).toContain('No database is backed up in this environment (`backups.enabled` is false)');
  });

  it('follows the values: a weekly backup without drills, unencrypted, on a volume', () => {
    const files = synthesizeWith([['staging.yaml', ['defaults', 'backups'], { enabled: true, schedule: '0 3 * * 0', retentionDays: 28, drill: { enabled: false } }], ...STAGING_ON_A_VOLUME], ['staging']);
    const text = files.get('environments/staging/README.md') as string;
    expect(text).toContain('| worker | orders | `0 3 * * 0` Etc/UTC | up to 7 days | 28 days | volume `worker-backups`, `postgresql/staging/worker-staging/worker/orders/` | **none** | **none** |');
    expect(text).toContain('**No restore drill** runs in this environment');
  });
});
