/**
 * Cross-field rules of the `backups` values (see lib/values/app-rules.ts for the form: TypeScript and
 * Go template side by side, the same message in synth and in Helm).
 */
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
    // cannot know the database names, so each one is checked against the CronJob limit here.
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
];
