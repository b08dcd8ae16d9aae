/**
 * The canonical-quantity rule (quantity.ts) in the Helm charts. JSON Schema cannot say it (a binary
 * quantity is canonical unless its number is divisible by 1024), so each chart's
 * templates/validate-values.yaml checks every quantity value of its schema with the named template
 * `<chart>.isCanonicalQuantity`, and fails naming the value, as synth refuses it.
 *
 * The test is the canonical form's definition read backwards: a canonical quantity is `0`, or a
 * whole number without leading zeros and a suffix, whose number is not divisible by the suffix step
 * (1000 for decimal suffixes and none, 1024 for binary ones), unless the suffix is the largest (E, Ei).
 * test/values/quantity-rules.test.ts holds it equal to `canonicalQuantity(q) === q` with Helm 3 and 4.
 */
import { patterns } from './schema-primitives';

/**
 * Where the schema holds a quantity: a path of properties and list items (`null` for "every item"),
 * e.g. `resources.requests.cpu` or `sidecars[].resources.limits.memory`. Maps of values are not entered
 * (no quantity is a map's value).
 */
function quantityPaths(schema: unknown, path: readonly (string | null)[] = []): (string | null)[][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as { pattern?: string; properties?: Record<string, unknown>; items?: unknown };
  if (s.pattern === patterns.quantity) return [[...path]];
  return [...Object.entries(s.properties ?? {}).flatMap(([key, child]) => quantityPaths(child, [...path, key])), ...quantityPaths(s.items, [...path, null])];
}

/** quantityPaths of each schema object quantityRulesTemplate was given (schemas are never modified once made). */
const QUANTITY_PATHS = new WeakMap<object, readonly (readonly (string | null)[])[]>();

/** The named template `<chart>.isCanonicalQuantity`: "true" for a canonical quantity, "" otherwise. */
export function canonicalQuantityHelper(chart: string): string {
  return `{{/* "true" when a quantity is in the canonical form the API server stores (lib/values/quantity-rules.ts). */}}
{{- define "${chart}.isCanonicalQuantity" -}}
{{- $q := include "${chart}.str" . -}}
{{- if eq $q "0" -}}true
{{- else if regexMatch "^[1-9][0-9]*(Ki|Mi|Gi|Ti|Pi|Ei)$" $q -}}
{{- if or (hasSuffix "Ei" $q) (ne (mod (int64 (regexFind "^[0-9]+" $q)) 1024) 0) }}true{{ end -}}
{{- else if regexMatch "^[1-9][0-9]*(n|u|m|k|M|G|T|P|E)?$" $q -}}
{{- if or (hasSuffix "E" $q) (ne (mod (int64 (regexFind "^[0-9]+" $q)) 1000) 0) }}true{{ end -}}
{{- end -}}
{{- end }}
`;
}

/** The message of a non-canonical quantity in Helm (synth names the canonical form too). */
export function nonCanonicalMessage(path: string, value: string): string {
  return `${path}: "${value}" is not in the form the API server stores (it would store 0.5 as 500m, 1000m as 1, 1024Mi as 1Gi): write the canonical form`;
}

/**
 * The check of every quantity path of `schema`, for templates/validate-values.yaml: each list on the
 * way is ranged over, and the message names the item (`sidecars[0].resources.requests.cpu`).
 */
export function quantityRulesTemplate(chart: string, schema: object): string {
  // Every application chart has the same schema: its paths are found once.
  let paths = QUANTITY_PATHS.get(schema);
  if (paths === undefined) {
    paths = quantityPaths(schema);
    QUANTITY_PATHS.set(schema, paths);
  }
  return paths
    .map((path) => {
      // The value at `keys` under `base`: Sprig's dig, which an absent optional object does not stop.
      const at = (base: string, keys: readonly string[]) => (keys.length === 0 ? base : `(dig ${keys.map((k) => JSON.stringify(k)).join(' ')} nil (default (dict) ${base}))`);
      let base = '.Values';
      let keys: string[] = [];
      let dotted = '';
      const indexes: string[] = [];
      const open: string[] = [];
      for (const key of path) {
        if (key === null) {
          const depth = indexes.length;
          open.push(`{{- range $i${depth}, $item${depth} := ${at(base, keys)} }}`);
          indexes.push(`$i${depth}`);
          base = `$item${depth}`;
          keys = [];
          dotted += '[%d]';
        } else {
          // The first key of the root is read from .Values (not a plain map, which dig needs).
          if (base === '.Values' && keys.length === 0) base = `.Values.${key}`;
          else keys.push(key);
          dotted += dotted === '' ? key : `.${key}`;
        }
      }
      const operand = at(base, keys);
      const message = nonCanonicalMessage(dotted, '%s').replace(/"/g, '\\"');
      const check = `{{- with ${operand} }}{{ if not (include "${chart}.isCanonicalQuantity" .) }}{{ fail (printf "${message}" ${[...indexes, `(include "${chart}.str" .)`].join(' ')}) }}{{ end }}{{ end }}`;
      return [...open, check, ...open.map(() => '{{- end }}')].join('\n');
    })
    .join('\n');
}
