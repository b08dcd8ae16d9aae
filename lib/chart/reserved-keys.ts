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

/** The reserved keys of a chart's objects (see the module comment). */
export function reservedKeys(objects: readonly ChartObject[]): ReservedKeys {
  const found = new Map<string, Set<string>>();
  const visit = (node: Node): void => {
    if (node instanceof When) {
      visit(node.then);
      if (node.otherwise !== undefined) visit(node.otherwise);
      return;
    }
    if (node instanceof Each) {
      visit(node.body);
      return;
    }
    if (node === null || typeof node !== 'object' || node instanceof Expr || node instanceof Spread) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const entries = Object.entries(node as Record<string, Node>);
    const spreads = entries.filter(([, child]) => child instanceof Spread).map(([, child]) => (child as Spread).map);
    const fixed = entries.filter(([, child]) => !(child instanceof Spread)).map(([key]) => key);
    for (const map of spreads) {
      if (!(map instanceof ValueRef) || map.refRoot !== null) continue;
      const path = map.refPath.join('.');
      const keys = found.get(path) ?? new Set<string>();
      for (const key of fixed) keys.add(key);
      found.set(path, keys);
    }
    for (const [, child] of entries) visit(child);
  };
  for (const object of objects) visit(object.manifest);
  for (const [path, keys] of found) if (keys.size === 0) found.delete(path);
  return found;
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
