/** Documentation of chart values generated from the values schema: commented values.yaml and README table. */
import { stringify } from 'yaml';
import { YAML_FOR_HELM } from './yaml-options';

interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  items?: SchemaNode;
}

/** values.yaml: every key in schema order, preceded by its description. */
export function commentedValues(schema: SchemaNode, values: Record<string, unknown>, header: string): string {
  return `${header}\n${commentedLines(schema, values, 0).join('\n')}\n`;
}

function commentedLines(schema: SchemaNode, values: Record<string, unknown>, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  const keys = [...Object.keys(schema.properties ?? {}), ...Object.keys(values).filter((k) => !(k in (schema.properties ?? {})))];
  for (const key of keys) {
    if (!(key in values)) continue;
    const property = schema.properties?.[key] ?? {};
    const value = values[key];
    if (property.description) lines.push(`${pad}# ${property.description}`);
    // An object of the schema written key by key; an empty one (every key optional) stays `{}`, not null.
    if (property.properties && value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      lines.push(`${pad}${key}:`, ...commentedLines(property, value as Record<string, unknown>, indent + 2));
    } else {
      for (const line of leafLines(key, value)) lines.push(pad + line);
    }
  }
  return lines;
}

/**
 * `key: value` as the yaml library writes it for Helm (YAML 1.1 quoting), in lines. A leaf is written
 * once per distinct key and value: charts repeat the same leaves many times (each application's chart,
 * each environment), and the output depends on nothing else.
 */
const leaves = new Map<string, readonly string[]>();

function leafLines(key: string, value: unknown): readonly string[] {
  const type = typeof value;
  const empty = Array.isArray(value) ? value.length === 0 : value !== null && type === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.keys(value as object).length === 0;
  const scalar = empty || value === null || type === 'string' || type === 'boolean' || (type === 'number' && !Object.is(value, -0));
  // Unambiguous: a fixed tag, the key as JSON (quoted), then the value as text (one per value of its
  // type), or for lists and maps of such data their JSON text (one per value: see isJsonTree).
  const id = scalar
    ? `${empty ? (Array.isArray(value) ? '[]' : '{}') : value === null ? 'null' : type}:${JSON.stringify(key)}:${empty ? '' : String(value)}`
    : type === 'object' && isJsonTree(value, new Set())
      ? `json:${JSON.stringify(key)}:${JSON.stringify(value)}`
      : undefined;
  const memo = id !== undefined;
  let lines = memo ? leaves.get(id) : undefined;
  if (lines === undefined) {
    lines = stringify({ [key]: value }, YAML_FOR_HELM)
      .trimEnd()
      .split('\n');
    if (memo) leaves.set(id, lines);
  }
  return lines;
}

/** By key and value (their JSON texts): the pair as the yaml library writes it for Helm. */
const pairs = new Map<string, string>();
/** Pairs kept at most: memory stays bounded whatever the values hold. */
const MAX_PAIRS = 16_384;

/**
 * `stringify(values, YAML_FOR_HELM)` (a values-<env>.yaml, a Chart.yaml), written pair by pair: a
 * block map's text is its top-level pairs' texts one after the other, and charts repeat the same
 * pairs (in values-<env>.yaml replicas, resources, the environment's name; in Chart.yaml all but the
 * name, description and versions), so each distinct pair is written once.
 * Values that are not a tree of JSON data (see isJsonTree; an object met twice anywhere in them
 * would be an anchor and an alias) are written whole.
 */
export function helmYaml(values: Record<string, unknown>): string {
  const seen = new Set<object>();
  if (Object.keys(values).length === 0 || !isJsonTree(values, seen)) return stringify(values, YAML_FOR_HELM);
  let text = '';
  for (const key in values) {
    // Unambiguous: the key's JSON text ends where the value's begins.
    const id = `${JSON.stringify(key)}${JSON.stringify(values[key])}`;
    let pair = pairs.get(id);
    if (pair === undefined) {
      pair = stringify({ [key]: values[key] }, YAML_FOR_HELM);
      if (pairs.size < MAX_PAIRS) pairs.set(id, pair);
    }
    text += pair;
  }
  return text;
}

/**
 * Whether `value` is a tree of plain maps and lists of strings, booleans, null and finite numbers other
 * than -0, with no object twice: the yaml library then writes exactly what its JSON text says (an object
 * met twice would be written as an anchor and an alias; NaN, Infinity and -0 have no JSON text of their own).
 */
function isJsonTree(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.every((item) => isJsonTree(item, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((item) => isJsonTree(item, seen));
}

/** A Markdown table row per value: key, type, default, description. */
export function valuesTable(schema: SchemaNode, values: Record<string, unknown>): string {
  const rows: string[] = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |'];
  const walk = (node: SchemaNode, current: unknown, prefix: string) => {
    for (const [key, property] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      const value = (current as Record<string, unknown> | undefined)?.[key];
      if (property.properties) {
        walk(property, value, path);
        continue;
      }
      const shown = value === undefined ? '(unset)' : `\`${JSON.stringify(value)}\``;
      rows.push(`| \`${path}\` | ${typeName(property)} | ${shown.replace(/\|/g, '\\|')} | ${(property.description ?? '').replace(/\|/g, '\\|')} |`);
    }
  };
  walk(schema, values, '');
  return rows.join('\n');
}

function typeName(node: SchemaNode): string {
  // A long list (the IANA time zones) is named by its size; values.schema.json holds it.
  if (node.enum && node.enum.length > 20) return `${node.type ?? 'string'} (one of ${node.enum.length} names in values.schema.json)`;
  if (node.enum) return node.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (node.anyOf) return node.anyOf.map(typeName).join(' or ');
  if (node.type === 'array') return `list of ${node.items ? typeName(node.items) : 'values'}`;
  if (Array.isArray(node.type)) return node.type.join(' or ');
  return node.type ?? 'object';
}
