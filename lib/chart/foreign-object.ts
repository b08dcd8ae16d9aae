/**
 * Any cdk8s ApiObject that is not a TemplatedObject: objects of cdk8s-plus-27 constructs, plain
 * `new ApiObject(...)`, classes made by `cdk8s import`, and the objects of an `Include`.
 *
 * Such an object is synthesized once, by cdk8s itself (`toJson()`: chart labels and namespace,
 * `metadata.addLabel`, `addJsonPatch`, cdk8s-plus defaults all applied), and becomes a manifest tree
 * that is the same in every release, apart from:
 * - expression tokens in its strings (`${names.fullname}-extra`, see `Expr.toString`), which become
 *   the expressions again, so a cdk8s-plus construct can take values-driven strings;
 * - the namespace: a namespaced object without one goes to the release namespace (plain manifests:
 *   `<app>-<env>`; Helm: `.Release.Namespace`), as the project's own objects do;
 * - the `helm.sh/chart` label, in the Helm chart only, as on every object of the chart.
 * In the Helm chart it is a static template: literal `{{` is escaped by the YAML writer, so Helm
 * prints it unchanged.
 */
import type { ApiObject } from 'cdk8s';
import { type Expr, fmt, hasTokens, readableTokens, release, splitTokens } from '../template/expr';
import type { Node } from '../template/manifest';
import { isClusterScoped } from '../validation/kubernetes-object';
import { chartLabel } from './chart-label';
import { helmOnly } from './templated-object';

/**
 * The manifest tree of a non-templated ApiObject (see the module comment). Throws with the
 * construct path when cdk8s cannot synthesize it or a key holds an expression token.
 */
export function foreignManifest(object: ApiObject): Record<string, Node> {
  const json = object.toJson() as Record<string, unknown>;
  const tree = detokenize(json, object.node.path, '') as Record<string, Node>;
  const metadata = { ...((tree.metadata as Record<string, Node> | undefined) ?? {}) };
  if (metadata.namespace === undefined && !isClusterScoped(object.kind)) metadata.namespace = release.namespace;
  metadata.labels = { ...((metadata.labels as Record<string, Node> | undefined) ?? {}), 'helm.sh/chart': helmOnly(chartLabel) };
  return { ...tree, metadata };
}

/**
 * A readable template (and manifest) file name: `<kind>-<name>.yaml`, lower case. A name that holds
 * expressions is different in every release, so the construct's id stands for it (its parent's, for
 * the `Resource` or `Default` child that cdk8s-plus constructs create).
 */
export function foreignTemplateName(object: ApiObject): string {
  const name = String(object.name);
  const id = ['Resource', 'Default'].includes(object.node.id) && object.node.scope ? object.node.scope.node.id : object.node.id;
  const readable = hasTokens(name) ? id.replace(/([a-z0-9])([A-Z])/g, '$1-$2') : name;
  return `${object.kind.toLowerCase()}-${readable.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}.yaml`;
}

/** JSON with expression tokens in its strings → a manifest tree with the expressions. */
function detokenize(value: unknown, constructPath: string, pointer: string): Node {
  if (typeof value === 'string') return hasTokens(value) ? stringNode(value, constructPath) : value;
  if (Array.isArray(value)) return value.map((item, i) => detokenize(item, constructPath, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Node> = {};
    for (const [key, child] of Object.entries(value)) {
      if (hasTokens(key)) throw new Error(`${constructPath}: the key ${pointer}/${readableTokens(key)} holds an expression; only values may (keys are fixed in a chart)`);
      out[key] = detokenize(child, constructPath, `${pointer}/${key}`);
    }
    return out;
  }
  return value as Node;
}

/**
 * A string with tokens → the text with the expressions filled in, always text: `${v.replicaCount}` in a
 * string prop is the string "3", as JavaScript's template literal would make it, never the number.
 */
function stringNode(text: string, constructPath: string): Expr {
  try {
    const { strings, exprs } = splitTokens(text);
    return fmt(Object.assign([...strings], { raw: [...strings] }) as TemplateStringsArray, ...exprs);
  } catch (error) {
    throw new Error(`${constructPath}: ${(error as Error).message}`);
  }
}
