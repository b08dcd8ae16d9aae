/**
 * Where a database's dumps live: one folder per environment, namespace, release and database,
 *
 *   <destination.prefix>/<environment>/<namespace>/<fullname>/<database>/<database>-<UTC time>.dump
 *
 * in the bucket (`destination.type: s3`) or in the volume (`pvc`). Each backup CronJob writes, prunes
 * and (its restore drill) reads only its own folder, never a parent or a sibling, so jobs that share a
 * bucket cannot delete each other's dumps (issue 19 §4: a 7-day job pruned a neighbour's 30-day dumps
 * when every job wrote `<prefix>/<database>-<time>.dump` side by side).
 *
 * Why each part: the environment, because staging and production may share a bucket (and a Helm user
 * may give two clusters the same namespace names); the namespace and the release's full name, because
 * within one cluster those make a CronJob unique (the CronJob is `<fullname>-backup-<database>` in its
 * namespace), so two releases of one chart never meet; the database key last. Synth additionally
 * refuses two jobs whose folders are the same or nested (lib/backup/shared-locations.ts); a chart
 * rendered by Helm sees only its own release, whose folders differ by database key by construction.
 */
import { names } from '../app/names';
import { type Expr, fmt, release } from '../template/expr';
import type { Refs } from '../template/manifest';
import type { AppValues } from '../values/schema';

/** The parts of a dump folder, outside a chart (synth's checks, the environment README). */
export interface BackupFolderParts {
  readonly prefix: string;
  readonly environment: string;
  readonly namespace: string;
  readonly fullname: string;
  readonly database: string;
}

/** The folder of a database's dumps, relative to the bucket or the volume root (no leading or trailing slash). */
export function backupFolder(parts: BackupFolderParts): string {
  return `${parts.prefix}/${parts.environment}/${parts.namespace}/${parts.fullname}/${parts.database}`;
}

/** The same folder as an expression of a release (both outputs of the chart). */
export function backupFolderOf(v: Refs<AppValues>, database: string): Expr<string> {
  return fmt`${v.backups.destination.prefix}/${v.environment}/${release.namespace}/${names.fullname}/${database}`;
}
