/**
 * An object as the API server hands it to a CRD's CEL rules: defaulted, typed by its schema, with
 * property names escaped.
 *
 * - Defaults: the API server applies the schema's `default`s before validating (structural defaulting,
 *   k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting), so a rule on an omitted field with
 *   a default sees the default: an HTTPRoute match without `path` is checked as `{type: PathPrefix, value: /}`.
 * - Types (k8s.io/apiserver/pkg/cel/common/values.go, UnstructuredToVal): `integer` is a CEL int,
 *   `number` a double (an integral JSON number too), `x-kubernetes-int-or-string` an int or a string,
 *   values without a schema (x-kubernetes-preserve-unknown-fields) int when integral. Strings stay
 *   strings, also those with format duration or date-time (the rules here call duration() on them).
 * - Names (k8s.io/apiserver/pkg/cel/escaping.go): a property whose name is a CEL keyword or holds
 *   `__`, `.`, `-` or `/` is visible to rules escaped (`__dash__`, ...); keys of maps
 *   (additionalProperties) are not escaped.
 */
import { isRecord } from '../kubernetes-object';

export type Schema = Readonly<Record<string, unknown>>;

export function isSchema(value: unknown): value is Schema {
  return isRecord(value);
}

/** The schema of property `name` of an object schema, if declared. */
export function propertySchema(schema: Schema, name: string): Schema | undefined {
  const properties = schema.properties;
  if (!isRecord(properties)) return undefined;
  const child = properties[name];
  return isSchema(child) ? child : undefined;
}

/** The schema of a map's values (additionalProperties as a schema), if any. */
export function mapValueSchema(schema: Schema): Schema | undefined {
  return isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

export function itemSchema(schema: Schema): Schema | undefined {
  return isSchema(schema.items) ? schema.items : undefined;
}

/**
 * A copy of `value` with the schema's defaults filled in where a property is absent, at every depth (a
 * default is itself defaulted, as the API server does). Values are not otherwise changed.
 */
export function withDefaults(value: unknown, schema: Schema | undefined): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    return items ? value.map((item) => withDefaults(item, items)) : value;
  }
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  const additional = mapValueSchema(schema);
  for (const [key, child] of Object.entries(value)) copy[key] = withDefaults(child, propertySchema(schema, key) ?? additional);
  if (isRecord(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (!(key in copy) && isSchema(child) && child.default !== undefined) copy[key] = withDefaults(structuredClone(child.default), child);
    }
  }
  return copy;
}

/** CEL's reserved words, escaped as `__<word>__` in property names (escaping.go, celReservedSymbols). */
const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** A property name as CEL rules see it (escaping.go, Escape); undefined when it cannot be accessed at all. */
function escapePropertyName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) && !name.includes('__')) return name;
  const escaped = name.replace(/__|[./-]/g, (found) => ({ __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' })[found]!);
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(escaped) ? escaped : undefined;
}

function isIntegerSchema(schema: Schema | undefined): boolean {
  return schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true;
}

/** `value` (already defaulted) as a CEL input typed by `schema`: see the module comment. */
export function toCelValue(value: unknown, schema: Schema | undefined): unknown {
  if (typeof value === 'number') {
    if (schema?.type === 'number') return value;
    if (Number.isInteger(value) && (schema === undefined || isIntegerSchema(schema) || schema.type === undefined)) return BigInt(value);
    return value;
  }
  if (Array.isArray(value)) {
    const items = schema && itemSchema(schema);
    return value.map((item) => toCelValue(item, items));
  }
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  const declared = schema && isRecord(schema.properties);
  const additional = schema && mapValueSchema(schema);
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema && propertySchema(schema, key);
    if (childSchema) {
      const name = escapePropertyName(key);
      if (name !== undefined) result[name] = toCelValue(child, childSchema);
    } else {
      // A map entry, or a field kept by x-kubernetes-preserve-unknown-fields (no schema).
      result[declared && !additional ? (escapePropertyName(key) ?? key) : key] = toCelValue(child, additional);
    }
  }
  return result;
}
