/**
 * Cross-field rules of the `backups` values (see lib/values/app-rules.ts for the form: TypeScript and
 * Go template side by side, the same message in synth and in Helm).
 */
import { CRON_MESSAGE_TAIL, cronScheduleGo, cronScheduleProblem } from '../values/cron-schedule';
import type { AppRule } from '../values/rule';

/**
 * Longest CronJob name: the controller appends an 11-character suffix to name its Jobs, which must fit
 * a 63-character label (Kubernetes API validation of batch/v1 CronJob names).
 */
const MAX_CRONJOB_NAME = 52;

export const BACKUP_RULES: readonly AppRule[] = [
  {
    // With databases to back up, the destination's settings are those of its type: a volume claim, or a bucket.
    check: (v, report) => {
      const destination = v.backups.destination;
      if (v.backups.enabled && Object.keys(v.backups.postgresql).length > 0 && destination[destination.type] === undefined) {
        report(['backups', 'destination', destination.type], `required value is missing (destination type ${destination.type})`);
      }
    },
    go: `{{- with .Values.backups }}
{{- if and .enabled .postgresql (not (hasKey .destination .destination.type)) }}
{{- fail (printf "backups.destination.%s: required value is missing (destination type %s)" .destination.type .destination.type) }}
{{- end }}
{{- end }}`,
  },
  {
    // Each database's CronJob is `<full name>-backup-<database>`: the full name's budget (lib/values/name-budget.ts)
    // cannot know the database names, so each one is checked against the CronJob limit here. The restore
    // drill's `<full name>-drill-<database>` is one character shorter, so it fits whenever this one does.
    check: (v, report, context) => {
      if (!v.backups.enabled) return;
      for (const database of Object.keys(v.backups.postgresql)) {
        const name = `${context.fullname}-backup-${database}`;
        if (name.length > MAX_CRONJOB_NAME) {
          report(['backups', 'postgresql', database], `the CronJob name "${name}" is ${name.length} characters; a CronJob name is at most ${MAX_CRONJOB_NAME}: use a shorter database key or fullnameOverride`);
        }
      }
    },
    go: `{{- if .Values.backups.enabled }}
{{- $fullname := include "C.fullname" . }}
{{- range $database, $_ := .Values.backups.postgresql }}
{{- $name := printf "%s-backup-%s" $fullname $database }}
{{- if gt (len $name) ${MAX_CRONJOB_NAME} }}
{{- fail (printf "backups.postgresql.%s: the CronJob name %q is %d characters; a CronJob name is at most ${MAX_CRONJOB_NAME}: use a shorter database key or fullnameOverride" $database $name (len $name)) }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // With databases to back up, the encryption's settings are those of its type (the Secret of crypt, the algorithm of serverSide).
    check: (v, report) => {
      const { encryption } = v.backups;
      if (v.backups.enabled && Object.keys(v.backups.postgresql).length > 0 && encryption.type !== 'none' && encryption[encryption.type] === undefined) {
        report(['backups', 'encryption', encryption.type], `required value is missing (encryption type ${encryption.type})`);
      }
    },
    go: `{{- with .Values.backups }}
{{- if and .enabled .postgresql (ne .encryption.type "none") (not (hasKey .encryption .encryption.type)) }}
{{- fail (printf "backups.encryption.%s: required value is missing (encryption type %s)" .encryption.type .encryption.type) }}
{{- end }}
{{- end }}`,
  },
  {
    // Server-side encryption is the bucket's: a volume has none (rclone crypt encrypts anywhere).
    check: (v, report) => {
      if (v.backups.encryption.type === 'serverSide' && v.backups.destination.type !== 's3') {
        report(['backups', 'encryption', 'type'], `serverSide is the bucket’s encryption, and destination type is ${v.backups.destination.type}; use crypt to encrypt dumps on a volume`);
      }
    },
    go: `{{- with .Values.backups }}
{{- if and (eq .encryption.type "serverSide") (ne .destination.type "s3") }}
{{- fail (printf "backups.encryption.type: serverSide is the bucket’s encryption, and destination type is %s; use crypt to encrypt dumps on a volume" .destination.type) }}
{{- end }}
{{- end }}`,
  },
  {
    // A KMS key id is sent only with aws:kms; with AES256 S3 would refuse the upload.
    check: (v, report) => {
      const serverSide = v.backups.encryption.serverSide;
      if (serverSide?.kmsKeyId !== undefined && serverSide.algorithm !== 'aws:kms') {
        report(['backups', 'encryption', 'serverSide', 'kmsKeyId'], `a KMS key goes with algorithm aws:kms, and the algorithm is ${serverSide.algorithm}`);
      }
    },
    go: `{{- with .Values.backups.encryption.serverSide }}
{{- if and (hasKey . "kmsKeyId") (ne .algorithm "aws:kms") }}
{{- fail (printf "backups.encryption.serverSide.kmsKeyId: a KMS key goes with algorithm aws:kms, and the algorithm is %s" .algorithm) }}
{{- end }}
{{- end }}`,
  },
  {
    // A drill without checks proves only that the archive restores, not that it holds the data.
    check: (v, report) => {
      if (!v.backups.enabled || !v.backups.drill.enabled) return;
      for (const database of Object.keys(v.backups.postgresql).sort()) {
        if ((v.backups.postgresql[database].drillChecks ?? []).length === 0) {
          report(['backups', 'postgresql', database, 'drillChecks'], 'a restore drill needs at least one check (a table and its fewest rows): without one it proves only that the archive restores');
        }
      }
    },
    go: `{{- with .Values.backups }}
{{- if and .enabled .drill.enabled }}
{{- range $database, $db := .postgresql }}
{{- if not $db.drillChecks }}
{{- fail (printf "backups.postgresql.%s.drillChecks: a restore drill needs at least one check (a table and its fewest rows): without one it proves only that the archive restores" $database) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // The drill's CronJob schedule, read as the API server reads backups.schedule (lib/values/api-server-rules.ts).
    check: (v, report) => {
      const schedule = v.backups.drill.schedule;
      const problem = cronScheduleProblem(schedule);
      if (problem) report(['backups', 'drill', 'schedule'], `${JSON.stringify(schedule)}: ${problem} (${CRON_MESSAGE_TAIL})`);
    },
    go: cronScheduleGo('.Values.backups.drill.schedule', '"backups.drill.schedule"'),
  },
];
