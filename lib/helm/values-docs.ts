/** Documentation of chart values generated from the values schema: commented values.yaml and README table. */
import { Document, isMap, isScalar } from 'yaml';
import { YAML_FOR_HELM } from './yaml-options';

interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  items?: SchemaNode;
}

/**
 * values.yaml: every key in schema order (keys the schema does not name after them), each preceded
 * by its description. One YAML document written by the yaml library for Helm (YAML 1.1 quoting),
 * with the descriptions as comments.
 */
export function commentedValues(schema: SchemaNode, values: Record<string, unknown>, header: string): string {
  const document = new Document(inSchemaOrder(schema, values), YAML_FOR_HELM);
  describe(document.contents, schema);
  return `${header}\n${document.toString(YAML_FOR_HELM)}`;
}

function inSchemaOrder(schema: SchemaNode, values: Record<string, unknown>): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const ordered: Record<string, unknown> = {};
  for (const key of [...Object.keys(properties), ...Object.keys(values)]) {
    if (!(key in values) || key in ordered) continue;
    const value = values[key];
    const property = properties[key];
    ordered[key] = property?.properties && isObject(value) ? inSchemaOrder(property, value) : value;
  }
  return ordered;
}

/** Each key's description as a comment before it, where the schema describes the key. */
function describe(node: unknown, schema: SchemaNode): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const property = schema.properties?.[String(pair.key.value)];
    if (property === undefined) continue;
    if (property.description) pair.key.commentBefore = ` ${property.description}`;
    if (property.properties) describe(pair.value, property);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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
  if (node.enum) return node.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (node.anyOf) return node.anyOf.map(typeName).join(' or ');
  if (node.type === 'array') return `list of ${node.items ? typeName(node.items) : 'values'}`;
  return node.type ?? 'object';
}
