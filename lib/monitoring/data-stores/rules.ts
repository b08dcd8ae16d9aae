/**
 * Cross-field rules of a dependency that is a data store (`kind`, `exporter`; see values-schema.ts),
 * in the form of lib/values/app-rules.ts: TypeScript and Go template side by side, the same message
 * in synth and in Helm. The schema says each field's shape; these say what goes together:
 * - a data store has a name (its identity across applications, part of its exporter's object names,
 *   hence at most MAX_DATA_STORE_NAME characters), a host and a port number: the address its exporter
 *   and the probe reach;
 * - PostgreSQL needs credentials with a user name (postgres_exporter logs in); Redis may have none;
 * - `exporter` only with `kind`; `database` and `sslMode` only for PostgreSQL;
 * - PostgreSQL and Redis speak TCP: a `protocol` other than TCP would open the application's side on
 *   another protocol than the exporter's and the probe's.
 */
import type { AppRule } from '../../values/rule';
import { MAX_DATA_STORE_NAME } from './values-schema';

const at = (i: number, ...rest: string[]) => ['networkPolicy', 'dependencies', i, ...rest];

export const DATA_STORE_RULES: readonly AppRule[] = [
  {
    check: (v, report) => {
      v.networkPolicy.dependencies.forEach((dep, i) => {
        if (dep.kind === undefined) {
          if (dep.exporter !== undefined) report(at(i, 'exporter'), 'only applies with kind (postgresql or redis)');
          return;
        }
        if (dep.name === undefined) report(at(i, 'name'), `required with kind ${dep.kind} (the data store's name, the same in every application that depends on it)`);
        else if (dep.name.length > MAX_DATA_STORE_NAME)
          report(at(i, 'name'), `expected at most ${MAX_DATA_STORE_NAME} characters with kind (its exporter is named <kind>-exporter-<name>), got ${dep.name.length}`);
        if (dep.host === undefined) report(at(i, 'host'), `required with kind ${dep.kind} (the address its exporter and the blackbox probe reach)`);
        if (dep.protocol !== undefined && dep.protocol !== 'TCP') report(at(i, 'protocol'), `expected TCP with kind ${dep.kind} (its exporter and the blackbox probe connect over TCP), got ${dep.protocol}`);
        const credentials = dep.exporter?.credentialsSecret;
        if (dep.kind === 'postgresql' && credentials?.usernameKey === undefined) {
          report(at(i, 'exporter', 'credentialsSecret', ...(credentials ? ['usernameKey'] : [])), 'required with kind postgresql (postgres_exporter logs in as that user)');
        }
        if (dep.kind !== 'postgresql') {
          for (const key of ['database', 'sslMode'] as const) if (dep.exporter?.[key] !== undefined) report(at(i, 'exporter', key), 'only applies with kind postgresql');
        }
      });
    },
    go: `{{- range $i, $dep := .Values.networkPolicy.dependencies }}
{{- if not $dep.kind }}
{{- if hasKey $dep "exporter" }}
{{- fail (printf "networkPolicy.dependencies[%d].exporter: only applies with kind (postgresql or redis)" $i) }}
{{- end }}
{{- else }}
{{- if not (hasKey $dep "name") }}
{{- fail (printf "networkPolicy.dependencies[%d].name: required with kind %s (the data store's name, the same in every application that depends on it)" $i $dep.kind) }}
{{- else if gt (len $dep.name) ${MAX_DATA_STORE_NAME} }}
{{- fail (printf "networkPolicy.dependencies[%d].name: expected at most ${MAX_DATA_STORE_NAME} characters with kind (its exporter is named <kind>-exporter-<name>), got %d" $i (len $dep.name)) }}
{{- end }}
{{- if not (hasKey $dep "host") }}
{{- fail (printf "networkPolicy.dependencies[%d].host: required with kind %s (the address its exporter and the blackbox probe reach)" $i $dep.kind) }}
{{- end }}
{{- if and (hasKey $dep "protocol") (ne $dep.protocol "TCP") }}
{{- fail (printf "networkPolicy.dependencies[%d].protocol: expected TCP with kind %s (its exporter and the blackbox probe connect over TCP), got %s" $i $dep.kind $dep.protocol) }}
{{- end }}
{{- $credentials := dig "exporter" "credentialsSecret" dict $dep }}
{{- if and (eq $dep.kind "postgresql") (not (hasKey $credentials "usernameKey")) }}
{{- fail (printf "networkPolicy.dependencies[%d].exporter.credentialsSecret%s: required with kind postgresql (postgres_exporter logs in as that user)" $i (ternary ".usernameKey" "" (hasKey $credentials "name"))) }}
{{- end }}
{{- if ne $dep.kind "postgresql" }}
{{- range $key := list "database" "sslMode" }}
{{- if hasKey (dig "exporter" dict $dep) $key }}
{{- fail (printf "networkPolicy.dependencies[%d].exporter.%s: only applies with kind postgresql" $i $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
];

/**
 * Where a data store of the monitoring chart's values (`dataStores.<kind>.<name>`) is: exactly one of
 * `cidr` or `namespaceLabels` (not empty), `podLabels` only beside `namespaceLabels`. Synth derives these
 * values from dependencies that DATA_STORE_RULES and the dependency rules of lib/values/app-rules.ts
 * have checked; a Helm user writes them by hand, and `--set dataStores.postgresql.<name>.cidr=null`
 * removes the key: the exporter's and the blackbox probe's NetworkPolicies would then admit every
 * namespace (an empty namespaceSelector), wider than any value says. For the chart's validate-values.yaml.
 */
export const DATA_STORE_ADDRESS_TEMPLATE = `{{- range $kind, $stores := .Values.dataStores }}
{{- range $name, $store := $stores }}
{{- if or (eq (hasKey $store "cidr") (not (empty $store.namespaceLabels))) (and (hasKey $store "namespaceLabels") (empty $store.namespaceLabels)) }}
{{- fail (printf "dataStores.%s.%s: expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster, not empty: no labels would select every namespace)" $kind $name) }}
{{- else if and (hasKey $store "podLabels") (hasKey $store "cidr") }}
{{- fail (printf "dataStores.%s.%s.podLabels: podLabels only apply with namespaceLabels" $kind $name) }}
{{- end }}
{{- end }}
{{- end }}`;
