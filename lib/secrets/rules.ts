/**
 * Cross-field rules of the `secrets` values (see lib/values/app-rules.ts for the form: TypeScript and
 * Go template side by side, the same message in synth and in Helm).
 */
import type { AppRule } from '../values/rule';

export const SECRET_RULES: readonly AppRule[] = [
  {
    // A Secret comes from one place: the operator and the controller would overwrite each other.
    check: (v, report) => {
      for (const [name, source] of Object.entries(v.secrets)) {
        if ((source.externalSecret === undefined) === (source.sealedSecret === undefined)) report(['secrets', name], 'expected exactly one of externalSecret or sealedSecret');
      }
    },
    go: `{{- range $name, $source := .Values.secrets }}
{{- if eq (hasKey $source "externalSecret") (hasKey $source "sealedSecret") }}
{{- fail (printf "secrets.%s: expected exactly one of externalSecret or sealedSecret" $name) }}
{{- end }}
{{- end }}`,
  },
];
