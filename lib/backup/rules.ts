/**
 * Cross-field rules of the `backups` values (see lib/values/app-rules.ts for the form: TypeScript and
 * Go template side by side, the same message in synth and in Helm).
 */
import type { AppRule } from '../values/rule';

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
];
