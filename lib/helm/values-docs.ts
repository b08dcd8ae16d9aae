/** Documentation of chart values generated from the values schema: commented values.yaml and README table. */
import { stringify } from 'yaml';
import { YAML_FOR_HELM } from './yaml-options';

interface SchemaNode {
  type?: string;
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
    if (property.properties && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${pad}${key}:`, ...commentedLines(property, value as Record<string, unknown>, indent + 2));
    } else {
      const text = stringify({ [key]: value }, YAML_FOR_HELM).trimEnd();
      lines.push(...text.split('\n').map((line) => pad + line));
    }
  }
  return lines;
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
