/**
 * Names of the networks (CIDR address ranges) an environment's values write into NetworkPolicies, so
 * that the pictures say "postgresql" beside 10.20.0.0/16 rather than the bare range. Read from the
 * values as they are, wherever a CIDR is written: the `name` of the entry holding it (a dependency:
 * `networkPolicy.dependencies[].name`), else its `host` (a database of the backups), else the host of
 * its `endpoint` (a backup bucket), else the key it is written under (`nodeCidr`, `apiServer`,
 * `alertmanagerEgressCidrs`, `allowFrom`). Values are walked generically: a new setting holding a CIDR
 * is named without a change here.
 */
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/** The host of a URL, or the text itself when it is none. */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host || endpoint;
  } catch {
    return endpoint;
  }
}

/** The name an entry of the values gives the network it holds, or the key it is written under. */
function nameOf(parent: Record<string, unknown> | undefined, key: string): string {
  if (parent) {
    for (const field of ['name', 'host']) if (typeof parent[field] === 'string') return parent[field] as string;
    if (typeof parent.endpoint === 'string') return hostOf(parent.endpoint);
  }
  return key;
}

/**
 * CIDR → the names the values give it, sorted, each once. `values` are the values of the environment's
 * charts (each application's, the monitoring stack's), walked whole.
 */
export function addressNames(values: readonly unknown[]): Map<string, string[]> {
  const names = new Map<string, Set<string>>();
  const add = (cidr: string, name: string) => names.set(cidr, (names.get(cidr) ?? new Set()).add(name));
  const walk = (node: unknown, parent: Record<string, unknown> | undefined, key: string, grandKey: string): void => {
    if (typeof node === 'string') {
      if (CIDR.test(node)) add(node, nameOf(parent, key === 'cidr' ? grandKey : key));
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) walk(item, undefined, key, key);
      return;
    }
    if (node !== null && typeof node === 'object') {
      for (const [childKey, child] of Object.entries(node)) walk(child, typeof child === 'string' ? (node as Record<string, unknown>) : undefined, childKey, key);
    }
  };
  for (const value of values) walk(value, undefined, '', '');
  return new Map([...names].map(([cidr, set]) => [cidr, [...set].sort()]));
}
