/**
 * Rules on the values Kubernetes and Helm users expect of a chart (issue 22): Downward API variables
 * (`downwardEnv`) and the extra NetworkPolicy rules (`networkPolicy.extraIngress`, `extraEgress`); part
 * of the rules of lib/values/app-rules.ts, in TypeScript and Go side by side, with the same words.
 * (`commonLabels` and `commonAnnotations` need none here: the keys the chart sets, and those another map
 * of values sets beside them, are refused by lib/chart/reserved-keys.ts.)
 */
import { CONFIG_VARIABLES } from '../app/configuration';
import type { AppRule } from './rule';

const goList = (items: readonly string[]) => `(list ${items.map((item) => JSON.stringify(item)).join(' ')})`;

/** The rules; the order is the order of the messages. */
export const EXTENSION_RULES: readonly AppRule[] = [
  {
    // A Downward API variable reads one field of the pod or one resource of the container.
    check: (v, report) => {
      for (const [name, source] of Object.entries(v.downwardEnv)) {
        if ((source.fieldPath === undefined) === (source.resource === undefined)) report(['downwardEnv', name], 'expected exactly one of fieldPath (a field of the pod) or resource (of the container)');
        else if (source.divisor !== undefined && source.resource === undefined) report(['downwardEnv', name, 'divisor'], 'only applies with resource');
      }
    },
    go: `{{- range $name, $source := .Values.downwardEnv }}
{{- if eq (hasKey $source "fieldPath") (hasKey $source "resource") }}
{{- fail (printf "downwardEnv.%s: expected exactly one of fieldPath (a field of the pod) or resource (of the container)" $name) }}
{{- else if and (hasKey $source "divisor") (not (hasKey $source "resource")) }}
{{- fail (printf "downwardEnv.%s.divisor: only applies with resource" $name) }}
{{- end }}
{{- end }}`,
  },
  {
    // A variable comes from one place: the container would get it twice, and one source would silently win.
    check: (v, report) => {
      const secretNames = new Set(v.secretEnv.map((ref) => ref.name));
      for (const name of Object.keys(v.downwardEnv)) {
        const other = CONFIG_VARIABLES.includes(name) ? 'set by the chart itself' : Object.hasOwn(v.env, name) ? 'also a key of env' : secretNames.has(name) ? 'also a secretEnv name' : undefined;
        if (other) report(['downwardEnv', name], `"${name}" is ${other}; a variable comes from one place`);
      }
    },
    go: `{{- $secretNames := dict }}
{{- range .Values.secretEnv }}{{ $_ := set $secretNames .name true }}{{ end }}
{{- range $name, $_ := .Values.downwardEnv }}
{{- $other := "" }}
{{- if has $name ${goList(CONFIG_VARIABLES)} }}{{ $other = "set by the chart itself" }}
{{- else if hasKey $.Values.env $name }}{{ $other = "also a key of env" }}
{{- else if hasKey $secretNames $name }}{{ $other = "also a secretEnv name" }}{{ end }}
{{- if $other }}
{{- fail (printf "downwardEnv.%s: \\"%s\\" is %s; a variable comes from one place" $name $name $other) }}
{{- end }}
{{- end }}`,
  },
  {
    // The peers of an extra rule are networks or namespaces (and pods), as service.allowFrom's: with
    // neither, a peer would admit every namespace, wider than the values.
    check: (v, report) => {
      for (const [list, field] of [
        ['extraIngress', 'from'],
        ['extraEgress', 'to'],
      ] as const) {
        v.networkPolicy[list].forEach((rule, i) => {
          const peers = field === 'from' ? (rule as (typeof v.networkPolicy.extraIngress)[number]).from : (rule as (typeof v.networkPolicy.extraEgress)[number]).to;
          peers.forEach((peer, j) => {
            const at = ['networkPolicy', list, i, field, j];
            if ((peer.cidr === undefined) === (peer.namespaceLabels === undefined)) report(at, 'expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)');
            if (peer.cidr !== undefined && peer.podLabels !== undefined) report([...at, 'podLabels'], 'podLabels only apply with namespaceLabels');
          });
        });
      }
    },
    go: `{{- range $list := list (list "extraIngress" "from") (list "extraEgress" "to") }}
{{- range $i, $rule := index $.Values.networkPolicy (index $list 0) }}
{{- range $j, $peer := index $rule (index $list 1) }}
{{- if eq (hasKey $peer "cidr") (hasKey $peer "namespaceLabels") }}
{{- fail (printf "networkPolicy.%s[%d].%s[%d]: expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)" (index $list 0) $i (index $list 1) $j) }}
{{- end }}
{{- if and (hasKey $peer "cidr") (hasKey $peer "podLabels") }}
{{- fail (printf "networkPolicy.%s[%d].%s[%d].podLabels: podLabels only apply with namespaceLabels" (index $list 0) $i (index $list 1) $j) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
];
