/**
 * Keys a chart sets itself beside a map that values spread in: the pod labels beside `podLabels`
 * (selectors rely on them), the ConfigMap entries beside `env`, the ingress annotations beside
 * `ingress.annotations`. A values key that is one of them would be written twice (Helm renders both,
 * and which one wins depends on the reader), so it is refused in synth and by the chart's schema.
 *
 * The keys are read from the chart's manifest trees (every object literal holding `...spread(v.x)`),
 * so the constructs stay the only place that says which keys a chart sets.
 */
import { Expr, ValueRef } from '../template/expr';
import { Each, type Node, Spread, When } from '../template/manifest';
import type { SchemaProblem } from '../values/schema-check';
import type { ChartObject } from './release';
import { withSchemaChanges } from '../values/schema-paths';

/** Values path of a spread map (e.g. `podLabels`, `ingress.annotations`) → the keys set beside it. */
export type ReservedKeys = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Calls `visit` with every object literal of the objects' trees (inside `when` branches, `each` bodies
 * and lists too) that spreads maps of values, and the values paths it spreads (spreadPath), in order:
 * where maps of values meet the chart's keys. Most literals spread nothing and cost only the walk.
 */
function eachSpreadingLiteral(objects: readonly ChartObject[], visit: (literal: Record<string, Node>, paths: string[]) => void): void {
  const walk = (node: Node): void => {
    if (node instanceof When) {
      walk(node.then);
      if (node.otherwise !== undefined) walk(node.otherwise);
      return;
    }
    if (node instanceof Each) {
      walk(node.body);
      return;
    }
    if (node === null || typeof node !== 'object' || node instanceof Expr || node instanceof Spread) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const literal = node as Record<string, Node>;
    // The literal before what it holds (the order of the trees).
    const paths: string[] = [];
    for (const key in literal) {
      if (!Object.hasOwn(literal, key)) continue;
      const path = spreadPath(literal[key]);
      if (path !== undefined) paths.push(path);
    }
    if (paths.length > 0) visit(literal, paths);
    for (const key in literal) if (Object.hasOwn(literal, key)) walk(literal[key]);
  };
  for (const object of objects) walk(object.manifest);
}

/** The values path of a spread of a values map (`.Values.x.y` → `x.y`), else undefined. */
function spreadPath(node: Node): string | undefined {
  return node instanceof Spread && node.map instanceof ValueRef && node.map.refRoot === null ? node.map.refPath.join('.') : undefined;
}

/**
 * What a chart's objects set beside the maps of values they spread in, from one walk of their trees:
 * - `reserved`: the reserved keys (see the module comment);
 * - `overlaps`: maps of values spread into the same map of an object (e.g. `commonLabels` and
 *   `podLabels` into a pod template's labels, `commonAnnotations` and `service.annotations` into a
 *   Service's): a key in both would be written twice. Pairs of values paths, each pair once, in the
 *   order of the trees.
 */
export function chartSpreads(objects: readonly ChartObject[]): { reserved: ReservedKeys; overlaps: (readonly [string, string])[] } {
  const found = new Map<string, Set<string>>();
  const pairs = new Map<string, readonly [string, string]>();
  eachSpreadingLiteral(objects, (literal, paths) => {
    const fixed = Object.keys(literal).filter((key) => !(literal[key] instanceof Spread));
    for (const path of paths) {
      const keys = found.get(path) ?? new Set<string>();
      for (const key of fixed) keys.add(key);
      found.set(path, keys);
    }
    for (let i = 0; i < paths.length; i += 1) {
      for (let j = i + 1; j < paths.length; j += 1) {
        const [a, b] = [paths[i], paths[j]].sort();
        if (a !== b) pairs.set(`${a}\0${b}`, [a, b]);
      }
    }
  });
  for (const [path, keys] of found) if (keys.size === 0) found.delete(path);
  return { reserved: found, overlaps: [...pairs.values()] };
}

const valueAt = (values: unknown, path: string) => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);

/** Why a key of one spread map is refused when another has it: the message of both renderings. */
function overlapMessage(other: string): string {
  return `invalid key: it is also a key of ${other}, and both are written into the same object; set it in one of them`;
}

/** Problems for keys in both maps of a pair (`chartSpreads`), at the second map's key. */
export function spreadOverlapProblems(values: unknown, pairs: readonly (readonly [string, string])[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const [first, second] of pairs) {
    const a = valueAt(values, first);
    const b = valueAt(values, second);
    if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') continue;
    for (const key of Object.keys(b)) if (Object.hasOwn(a, key)) problems.push({ path: [...second.split('.'), key], message: overlapMessage(first) });
  }
  return problems;
}

/** The same check in Go, for templates/validate-values.yaml. */
export function spreadOverlapTemplate(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(
      ([first, second]) => `{{- $first := default (dict) .Values.${first} }}
{{- range $key, $_ := (default (dict) .Values.${second}) }}{{ if hasKey $first $key }}{{ fail (printf "${second}.%s: ${overlapMessage(first)}" $key) }}{{ end }}{{ end }}`,
    )
    .join('\n');
}

/** Problems for values keys that the chart sets itself, with the path of each key. */
export function reservedKeyProblems(values: unknown, reserved: ReservedKeys): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const [path, keys] of reserved) {
    const segments = path.split('.');
    let map: unknown = values;
    for (const segment of segments) map = (map as Record<string, unknown> | undefined)?.[segment];
    if (map === null || typeof map !== 'object') continue;
    for (const key of Object.keys(map)) {
      if (keys.has(key)) problems.push({ path: [...segments, key], message: `invalid key: ${JSON.stringify(key)} ${reservedReason(keys)}` });
    }
  }
  return problems;
}

/** Why a reserved key is refused: the description of its schema's `not` (the charts say the same, readable-schema.ts). */
function reservedReason(keys: ReadonlySet<string>): string {
  return `is set by the chart itself (${[...keys].sort().join(', ')}); choose another key`;
}

/**
 * A copy of a values JSON Schema in which each map of `reserved` refuses those keys
 * (`propertyNames: {not: {enum, description}}`, beside any key schema it has), so that Helm refuses
 * them too (the chart's templates/validate-values.yaml, in the same words: readable-schema.ts).
 */
export function schemaWithReservedKeys(schema: object, reserved: ReservedKeys): object {
  // Every application chart has the same reserved keys: one copy per distinct set.
  const key = JSON.stringify([...reserved].map(([path, keys]) => [path, [...keys].sort()]));
  let bySet = WITH_RESERVED.get(schema);
  if (!bySet) {
    bySet = new Map();
    WITH_RESERVED.set(schema, bySet);
  }
  let found = bySet.get(key);
  if (!found) {
    found = withReservedKeys(schema, reserved);
    bySet.set(key, found);
  }
  return found;
}

const WITH_RESERVED = new WeakMap<object, Map<string, object>>();

function withReservedKeys(schema: object, reserved: ReservedKeys): object {
  return withSchemaChanges(
    schema,
    [...reserved].map(([path, keys]) => [
      path,
      (node) => {
        const refuse = { not: { enum: [...keys].sort(), description: reservedReason(keys) } };
        node.propertyNames = node.propertyNames ? { allOf: [node.propertyNames, refuse] } : refuse;
      },
    ]),
  );
}
