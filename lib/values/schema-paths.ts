/**
 * Changes to a JSON schema at dotted property paths (`backups.postgresql`: `properties.backups.properties.postgresql`),
 * made without copying the whole schema: only the objects on the way to each changed node are copied
 * (the rest is shared with the input, which is never modified). A chart per application does this to
 * the same large values schema, so a deep copy per chart cost the synth of 100 applications about 10%.
 */

type SchemaNode = Record<string, unknown>;

/**
 * The schema with `change` applied at each path: `change` gets a copy of the node there (a map's
 * schema) and edits it. Throws when a path names no node of the schema: a bug in the chart, not in values.
 */
export function withSchemaChanges(schema: object, changes: ReadonlyArray<readonly [path: string, change: (node: SchemaNode) => void]>): object {
  let root = schema as SchemaNode;
  for (const [path, change] of changes) root = changedAt(root, path.split('.'), path, change);
  return root;
}

function changedAt(node: SchemaNode, segments: readonly string[], path: string, change: (node: SchemaNode) => void): SchemaNode {
  if (segments.length === 0) {
    const copy = { ...node };
    change(copy);
    return copy;
  }
  const properties = node.properties as Record<string, SchemaNode> | undefined;
  const child = properties?.[segments[0]];
  if (!child) throw new Error(`the values schema has no map at ${path}`);
  return { ...node, properties: { ...properties, [segments[0]]: changedAt(child, segments.slice(1), path, change) } };
}
