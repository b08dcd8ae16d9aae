/**
 * Backup folders never shared (issue 19 §4): across every application and every environment a synth
 * renders together, no two backup CronJobs may write to the same folder, or to folders nested in each
 * other, of one bucket or one volume. Each job prunes its own folder only (lib/backup/script.ts), so
 * a shared or nested folder would still mix dumps (a drill restoring the other's newest dump, a
 * runbook listing both) and, with the pruning of earlier versions, delete them.
 *
 * The folders are `<prefix>/<environment>/<namespace>/<fullname>/<database>` (lib/backup/location.ts),
 * which already differ for every job synth writes unless prefixes are chosen to meet (one prefix that
 * ends where another job's folder begins) or two applications share a namespace and full name.
 * Buckets are compared by name alone, whatever their endpoints: one bucket may be reached through
 * several endpoints, and a false alarm costs a prefix, a miss costs dumps. A volume is a
 * PersistentVolumeClaim, which belongs to its namespace.
 *
 * What Helm cannot do: a chart renders one release and sees no other, so two releases installed with
 * Helm alone are kept apart by the environment, namespace and full name in their folders, and by
 * nothing else. A synth with `--env` sees only the environments it renders; CI synthesizes them all.
 */
import { fullnameOf } from '../app/names';
import { type EnvironmentValues, located } from '../values/load';
import type { Problem } from '../values/problems';
import { backupFolder } from './location';

/** One backup job's place: where its folder is and who owns it. */
interface BackupJob {
  readonly environment: EnvironmentValues;
  readonly app: string;
  readonly database: string;
  /** The bucket or the volume, as people name it: `bucket shop-backups`, `volume worker-staging/worker-backups`. */
  readonly store: string;
  readonly folder: string;
}

function jobsOf(environment: EnvironmentValues, namespaceOf: (app: string, environment: string) => string): BackupJob[] {
  const jobs: BackupJob[] = [];
  for (const [app, values] of environment.applications) {
    const b = values.backups;
    if (!b.enabled) continue;
    const namespace = namespaceOf(app, environment.environment);
    const store = b.destination.type === 's3' ? `bucket ${b.destination.s3?.bucket}` : `volume ${namespace}/${b.destination.pvc?.claimName}`;
    const fullname = fullnameOf(app, app, values);
    for (const database of Object.keys(b.postgresql).sort()) {
      jobs.push({ environment, app, database, store, folder: backupFolder({ prefix: b.destination.prefix, environment: environment.environment, namespace, fullname, database }) });
    }
  }
  return jobs;
}

/**
 * Every backup job whose folder is the same as, inside or around another job's folder in the same
 * bucket or volume, reported at its database (`applications.<app>.backups.postgresql.<database>`) in
 * the environment's files, naming the other job.
 */
export function sharedBackupFolderProblems(environments: readonly EnvironmentValues[], namespaceOf: (app: string, environment: string) => string): Problem[] {
  const byStore = new Map<string, Map<string, BackupJob[]>>();
  for (const job of environments.flatMap((env) => jobsOf(env, namespaceOf))) {
    const folders = byStore.get(job.store) ?? new Map<string, BackupJob[]>();
    byStore.set(job.store, folders);
    folders.set(job.folder, [...(folders.get(job.folder) ?? []), job]);
  }
  const problems: Problem[] = [];
  const report = (store: string, job: BackupJob, relation: string, other: BackupJob) =>
    problems.push(
      ...located(
        [
          {
            path: ['backups', 'postgresql', job.database],
            message: `its dumps would go to ${store}, folder ${job.folder}/, ${relation} ${other.environment.environment}'s ${other.app} (database ${other.database}, folder ${other.folder}/): each job prunes and restores from its own folder only, so no two may share or nest; give one of them another backups.destination.prefix or bucket`,
          },
        ],
        job.environment.files,
        [['applications', job.app], ['defaults']],
      ),
    );
  for (const [store, folders] of byStore) {
    for (const [folder, jobs] of folders) {
      for (const job of jobs) for (const other of jobs) if (other !== job) report(store, job, 'the same folder as', other);
      // Folders this one is inside of: each parent path of the folder.
      const segments = folder.split('/');
      for (let depth = 1; depth < segments.length; depth += 1) {
        for (const outer of folders.get(segments.slice(0, depth).join('/')) ?? []) {
          for (const job of jobs) {
            report(store, job, 'inside the folder of', outer);
            report(store, outer, 'around the folder of', job);
          }
        }
      }
    }
  }
  return problems;
}
