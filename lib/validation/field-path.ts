/** Field paths as Kubernetes users write them: `spec.template.spec.containers[0].ports[1].hostPort`. */
export type FieldPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (!PLAIN_KEY.test(key))
      text += `[${JSON.stringify(key)}]`; // e.g. metadata.labels["app.kubernetes.io/name"]
    else text += text === '' ? key : `.${key}`;
  }
  return text;
}

/**
 * The field path of a JSON pointer (as ajv reports it) within `root`, and the value there. Walking the
 * document tells a list index (`containers[0]`) from a map key that happens to be numeric (`data["0"]`).
 */
export function resolvePointer(root: unknown, pointer: string): { path: (string | number)[]; value: unknown } {
  const path: (string | number)[] = [];
  let value = root;
  if (pointer === '') return { path, value };
  for (const escaped of pointer.slice(1).split('/')) {
    const key = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      path.push(Number(key));
      value = value[Number(key)];
    } else {
      path.push(key);
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return { path, value };
}
