/**
 * A chart's values.schema.json as editors read it: the chart's defaults in the schema and `required`
 * only where the chart has no default, so that a JSON-schema-aware editor (VS Code's YAML extension,
 * IntelliJ) validates the chart's own values.yaml and each values-<env>.yaml, which holds only what an
 * environment changes, without an error, and shows each default.
 *
 * Helm merges values.yaml under every -f and --set, so a value with a default is never missing; only a
 * `null`, which Helm reads as "remove the key", takes it away. The values model still requires those
 * values (synth, the TypeScript types), so the chart checks them after the merge instead: the named
 * template `<chart>.requireValues` of templates/validate-values.yaml fails on a removed one with
 * synth's words (`image.tag: required value is missing (null removes the chart’s default)`).
 *
 * Where the values hold a map entry (e.g. `secrets.worker-database`), the entry gets the same treatment
 * as a property: an overlay may change one field of it, as Helm merges maps key by key.
 */
import { isMap } from '../values/merge';

type SchemaNode = Record<string, unknown>;

/**
 * The keys the model requires that the chart's values give defaults for, nested like the values; an
 * optional key whose value holds required ones is there too, as `?<key>` (checked only when present).
 */
type RequiredTree = { [key: string]: RequiredTree };

/** Why a required value is missing after Helm's merge (synth says the same of a null: lib/values/schema-check.ts). */
export const REMOVED_BY_NULL = 'required value is missing (null removes the chart’s default)';

/**
 * `schema` with `default` on every value `values` holds (leaves, lists and maps: the objects of the
 * schema get theirs key by key), and `required` keeping only the keys without one; and the keys so
 * dropped from `required`, for `requireValuesTemplate`. `schema` is not modified.
 */
export function schemaWithDefaults(schema: object, values: Record<string, unknown>): { schema: object; required: RequiredTree } {
  const required: RequiredTree = {};
  const result = withDefaults(schema as SchemaNode, values, required);
  return { schema: result, required };
}

function withDefaults(node: SchemaNode, value: unknown, required: RequiredTree): SchemaNode {
  const properties = node.properties as Record<string, SchemaNode> | undefined;
  const entries = typeof node.additionalProperties === 'object' && node.additionalProperties !== null ? (node.additionalProperties as SchemaNode) : undefined;
  if (!isMap(value) || (!properties && !entries?.properties)) {
    return value === undefined ? node : { ...node, default: structuredClone(value) };
  }
  const out: SchemaNode = { ...node };
  if (properties) {
    const next: Record<string, SchemaNode> = {};
    for (const [key, property] of Object.entries(properties)) {
      if (!Object.hasOwn(value, key)) {
        next[key] = property;
        continue;
      }
      const inner: RequiredTree = {};
      next[key] = withDefaults(property, value[key], inner);
      if (((node.required as string[] | undefined) ?? []).includes(key)) required[key] = inner;
      else if (Object.keys(inner).length > 0) required[`?${key}`] = inner;
    }
    out.properties = next;
    const kept = ((node.required as string[] | undefined) ?? []).filter((key) => !Object.hasOwn(value, key));
    if (kept.length > 0) out.required = kept;
    else delete out.required;
  }
  if (entries?.properties) {
    // The entries the values hold: each one a property of its own, merged key by key in Helm.
    const known: Record<string, SchemaNode> = { ...((out.properties as Record<string, SchemaNode> | undefined) ?? {}) };
    for (const key of Object.keys(value).filter((k) => !properties || !Object.hasOwn(properties, k))) {
      const inner: RequiredTree = {};
      known[key] = withDefaults(entries, value[key], inner);
      required[key] = inner;
    }
    out.properties = known;
  }
  return out;
}

/**
 * The named template `<chart>.requireValues` and its call, for templates/validate-values.yaml: after
 * Helm's merge, every value of `required` is still there (a `null` in -f or --set removes a default),
 * else fail with `<path>: required value is missing (...)`, the first missing one in key order.
 */
export function requireValuesTemplate(chart: string, required: RequiredTree): { helper: string; check: string } {
  const helper = `{{/*
The values the model requires and the chart gives defaults for, still there after Helm's merge (a
null removes a default): generated from the values schema by lib/helm/schema-defaults.ts.
*/}}
{{- define "${chart}.requireValues" -}}
{{- $values := index . 0 -}}
{{- $required := index . 1 -}}
{{- $path := index . 2 -}}
{{- range $entry, $inner := $required }}
{{- $key := trimPrefix "?" $entry }}
{{- if hasKey $values $key }}
{{- $value := index $values $key }}
{{- if and $inner (kindIs "map" $value) }}{{ include "${chart}.requireValues" (list $value $inner (printf "%s%s." $path $key)) }}{{ end }}
{{- else if not (hasPrefix "?" $entry) }}
{{- fail (printf "%s%s: ${REMOVED_BY_NULL}" $path $key) }}
{{- end }}
{{- end }}
{{- end }}
`;
  const check = `{{- include "${chart}.requireValues" (list .Values (fromJson ${JSON.stringify(JSON.stringify(required))}) "") }}`;
  return { helper, check };
}
