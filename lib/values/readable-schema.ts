/**
 * A chart's values.schema.json written so that Helm says why a value is refused:
 * - an `anyOf` of string constants (TypeBox's union of literals) becomes an `enum`: Helm names the
 *   allowed values instead of "Must validate at least one schema (anyOf)";
 * - the `not` keywords move from values.schema.json to the chart's templates/validate-values.yaml.
 *
 * A JSON Schema `not` fails without a reason: Helm 3 (gojsonschema) prints "Must not validate the
 * schema (not)", Helm 4 (santhosh-tekuri/jsonschema) "'not' failed", e.g. for `--set image.tag=latest`.
 * Every `not` of the values schemas carries a `description` saying why (schema-primitives.ts
 * NOT_LATEST, kubernetes-names.ts, reserved-keys.ts), which synth prints after the value
 * (schema-check.ts: `"latest" is not allowed here (...)`). Here each `not` of a chart's schema is taken
 * out and written as a Go template check at the same place of the values (properties, list items, map
 * values, map keys), failing with the same words: `image.tag: "latest" is not allowed here (...)`, or
 * for a map key `podLabels.app.kubernetes.io/name: invalid key: "app.kubernetes.io/name" is set by ...`.
 *
 * A `not` without a description, or where a check cannot be placed (inside anyOf, oneOf, if), is a
 * bug in the schema: `readableSchema` throws, so no chart ever ships an unreadable refusal.
 */

type SchemaNode = Record<string, unknown>;

/** Where a check stands in the values: the Go operand of the node and its path for messages. */
interface Place {
  /** Go operand of the node's value; may be absent (optional parents are read with `dig`). */
  readonly operand: string;
  /** The path as a printf format (`sidecars[%d].image`) and its arguments. */
  readonly format: string;
  readonly args: readonly string[];
  /** `range` lines opened on the way (closed after the check). */
  readonly open: readonly string[];
  /** Depth of nested ranges, for unique variable names. */
  readonly depth: number;
}

const KEYWORDS_WITHOUT_PLACE = ['anyOf', 'oneOf', 'if', 'then', 'else'] as const;

/** The value at `key` below `operand` (Sprig's dig, which an absent optional object does not stop). */
function child(operand: string, key: string): string {
  // .Values is not a plain map (dig needs one); its first level is read directly.
  if (operand === '.Values') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.Values.${key}` : `(index .Values ${JSON.stringify(key)})`;
  // One dig for a chain of keys: (dig "a" "b" nil (default (dict) X)).
  const chain = /^\(dig (.*) nil (\(default \(dict\) .*\))\)$/.exec(operand);
  if (chain) return `(dig ${chain[1]} ${JSON.stringify(key)} nil ${chain[2]})`;
  return `(dig ${JSON.stringify(key)} nil (default (dict) ${operand}))`;
}

/** A Go condition that holds when the value `operand` matches the `not` schema (string values only). */
function matches(not: SchemaNode, operand: string, where: string): string {
  const keys = Object.keys(not).filter((k) => k !== 'description');
  if (keys.length !== 1) throw new Error(`${where}: a values schema's not must have one of const, enum or pattern (and a description), got ${JSON.stringify(not)}`);
  if (typeof not.const === 'string') return `(and (kindIs "string" ${operand}) (eq ${operand} ${JSON.stringify(not.const)}))`;
  if (Array.isArray(not.enum) && not.enum.every((e) => typeof e === 'string')) return `(has ${operand} (list ${not.enum.map((e) => JSON.stringify(e)).join(' ')}))`;
  if (typeof not.pattern === 'string') return `(and (kindIs "string" ${operand}) (regexMatch ${JSON.stringify(not.pattern)} ${operand}))`;
  throw new Error(`${where}: a values schema's not must have one of const, enum or pattern, got ${JSON.stringify(not)}`);
}

function describedNot(node: SchemaNode, where: string): SchemaNode {
  const not = node.not as SchemaNode;
  if (typeof not.description !== 'string') throw new Error(`${where}: every not of a values schema says why in its description (Helm would only say "'not' failed"), got ${JSON.stringify(not)}`);
  return not;
}

/** `printf` of the path and the message, escaped for a Go string literal. */
function failWith(format: string, args: readonly string[]): string {
  return `fail (printf ${JSON.stringify(format)} ${args.join(' ')})`;
}

/**
 * The schema without its `not` keywords, and the Go template checks that refuse the same values with
 * the description of each (for templates/validate-values.yaml, before the other rules). `schema` is
 * not modified: nodes on the way to a `not` are copied.
 */
export function readableSchema(schema: object): { schema: object; rules: string } {
  // Every application chart has the same schema object (schemaWithReservedKeys keeps one per set of reserved keys): read once.
  let readable = READABLE.get(schema);
  if (readable === undefined) {
    readable = readableSchemaOf(schema);
    READABLE.set(schema, readable);
  }
  return readable;
}

/** readableSchema's results by schema object (schemas are never modified once made: see the functions that copy them). */
const READABLE = new WeakMap<object, { schema: object; rules: string }>();

/** What visiting a schema node gave (readableSchemaOf), by node and by place: its copy or itself, and its rules. */
const VISITED = new WeakMap<object, Map<string, { readonly result: unknown; readonly rules: readonly string[] }>>();

function readableSchemaOf(schema: object): { schema: object; rules: string } {
  const rules: string[] = [];
  const root: Place = { operand: '.Values', format: '', args: [], open: [], depth: 0 };
  // A subtree met before at the same place (charts' schemas share all but the nodes their declared
  // names or reserved keys changed: schema-paths.ts copies only the nodes on the way) gives the same
  // result and rules: taken from VISITED instead of visited again.
  const visit = (node: unknown, place: Place, where: string): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const at = `${where}\0${place.operand}\0${place.format}\0${place.args.join('\0')}\0${place.open.join('\0')}\0${place.depth}`;
    let byPlace = VISITED.get(node);
    const known = byPlace?.get(at);
    if (known !== undefined) {
      rules.push(...known.rules);
      return known.result;
    }
    const before = rules.length;
    const result = visitNode(node as SchemaNode, place, where);
    if (byPlace === undefined) {
      byPlace = new Map();
      VISITED.set(node, byPlace);
    }
    byPlace.set(at, { result, rules: rules.slice(before) });
    return result;
  };
  const visitNode = (s: SchemaNode, place: Place, where: string): unknown => {
    for (const keyword of KEYWORDS_WITHOUT_PLACE) {
      if (keyword in s && JSON.stringify(s[keyword]).includes('"not"')) throw new Error(`${where}: a not inside ${keyword} cannot be checked in the chart's templates; express it without ${keyword}`);
    }
    let copy: SchemaNode | undefined;
    const set = (key: string, value: unknown) => {
      if (value === s[key]) return;
      copy ??= { ...s };
      if (value === undefined) delete copy[key];
      else copy[key] = value;
    };
    const constants = Array.isArray(s.anyOf) ? s.anyOf.map((alternative) => (alternative as SchemaNode).const) : [];
    if (constants.length > 0 && constants.every((c) => typeof c === 'string')) {
      set('anyOf', undefined);
      set('type', 'string');
      set('enum', constants);
    }
    if (s.not !== undefined) {
      const not = describedNot(s, where);
      const at = place.format === '' ? where : place.format;
      rules.push(
        [
          ...place.open,
          `{{- with ${place.operand} }}{{ if ${matches(not, '.', where)} }}{{ ${failWith(`${at}: %q ${not.description}`, [...place.args, '.'])} }}{{ end }}{{ end }}`,
          ...place.open.map(() => '{{- end }}'),
        ].join('\n'),
      );
      set('not', undefined);
    }
    if (Array.isArray(s.allOf)) {
      const members = s.allOf.map((member, i) => visit(member, place, `${where}.allOf[${i}]`));
      set('allOf', members.some((m, i) => m !== (s.allOf as unknown[])[i]) ? members : s.allOf);
    }
    if (s.properties) {
      const properties = s.properties as Record<string, unknown>;
      let changed = false;
      const next: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(properties)) {
        const inner = visit(value, { ...place, operand: child(place.operand, key), format: place.format === '' ? key : `${place.format}.${key}` }, where === '' ? key : `${where}.${key}`);
        next[key] = inner;
        changed ||= inner !== value;
      }
      if (changed) set('properties', next);
    }
    const nested = (variable: string): Place => ({ ...place, operand: `$${variable}${place.depth}`, depth: place.depth + 1 });
    if (s.items !== undefined) {
      const item = nested('item');
      const range = `{{- range $i${place.depth}, ${item.operand} := ${place.operand} }}`;
      set('items', visit(s.items, { ...item, format: `${place.format}[%d]`, args: [...place.args, `$i${place.depth}`], open: [...place.open, range] }, `${where}[]`));
    }
    if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
      const value = nested('value');
      const range = `{{- range $key${place.depth}, ${value.operand} := ${place.operand} }}`;
      set('additionalProperties', visit(s.additionalProperties, { ...value, format: `${place.format}.%s`, args: [...place.args, `$key${place.depth}`], open: [...place.open, range] }, `${where}.*`));
    }
    if (typeof s.propertyNames === 'object' && s.propertyNames !== null) {
      set('propertyNames', withoutKeyNots(s.propertyNames as SchemaNode, place, `${where} keys`, rules));
    }
    return copy ?? s;
  };
  const result = visit(schema, root, '') as object;
  return { schema: result, rules: rules.join('\n') };
}

/** The key schema of a map without its `not` keywords (directly or in `allOf`), each a check over the map's keys. */
function withoutKeyNots(keys: SchemaNode, map: Place, where: string, rules: string[]): SchemaNode | undefined {
  const nots: SchemaNode[] = [];
  const strip = (node: SchemaNode): SchemaNode => {
    let out = node;
    if (node.not !== undefined) {
      nots.push(describedNot(node, where));
      const { not: _, ...rest } = node;
      out = rest;
    }
    if (Array.isArray(node.allOf)) {
      const members = node.allOf.map((m) => strip(m as SchemaNode)).filter((m) => Object.keys(m).length > 0);
      const { allOf: _, ...rest } = out;
      out = members.length === 0 ? rest : members.length === 1 && Object.keys(rest).length === 0 ? members[0] : { ...rest, allOf: members };
    }
    return out;
  };
  const stripped = strip(keys);
  const key = `$name${map.depth}`;
  for (const not of nots) {
    const format = map.format === '' ? '%s' : `${map.format}.%s`;
    rules.push(
      [
        ...map.open,
        `{{- range ${key}, $_ := ${map.operand} }}{{ if ${matches(not, key, where)} }}{{ ${failWith(`${format}: invalid key: %q ${not.description}`, [...map.args, key, key])} }}{{ end }}{{ end }}`,
        ...map.open.map(() => '{{- end }}'),
      ].join('\n'),
    );
  }
  return Object.keys(stripped).length === 0 ? undefined : stripped;
}
