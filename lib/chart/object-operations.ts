/**
 * The cdk8s operations on an ApiObject, applied to a TemplatedObject's manifest tree so that they
 * hold in both renderings (plain manifests and Helm templates), as cdk8s applies them in `toJson()`:
 * - chart-level `labels` and `metadata.addLabel(...)`: added to `metadata.labels`;
 * - `metadata.addAnnotation(...)`, `addFinalizers(...)`, `addOwnerReference(...)`: added to metadata;
 * - chart-level `namespace`: replaces the release namespace of a namespaced object;
 * - `addJsonPatch(...)` (RFC 6902): applied to the tree after the metadata, in the order given.
 *
 * The tree is values-driven in places (expressions, `when`, `each`, `spread`). An operation that
 * would have to look inside such a part (a patch path through a value from values, an index into a
 * list built with `each`, a label the chart itself sets) cannot mean the same in every release, so
 * it is refused with an Error naming the construct path and what was asked; nothing is ignored.
 */
import type { ApiObject, JsonPatch } from 'cdk8s';
import { Expr } from '../template/expr';
import { Each, type Node, Spread, When } from '../template/manifest';

/** What `ApiObject` keeps privately and cdk8s's own `toJson()` reads; read here for the same purpose. */
interface ApiObjectInternals {
  readonly patches: readonly JsonPatch[];
}

interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

type Tree = Record<string, Node>;

/**
 * `manifest` with the cdk8s operations of `object` applied (the same tree when there are none).
 * `declaredName` is the metadata name the TemplatedObject gave cdk8s (its construct id), which is not
 * an operation. Throws an Error naming `object.node.path` for an operation that cannot be expressed.
 */
export function applyObjectOperations(object: ApiObject, manifest: Node, declaredName: string): Node {
  const metadata = object.metadata.toJson() as Record<string, unknown>;
  const patches = (object as unknown as ApiObjectInternals).patches.map((p) => p._toJson() as PatchOperation);
  const { name, namespace, labels, annotations, ...rest } = metadata;
  const hasMetadata = name !== declaredName || namespace !== undefined || Object.keys(labels ?? {}).length > 0 || Object.keys(annotations ?? {}).length > 0 || Object.keys(rest).length > 0;
  if (!hasMetadata && patches.length === 0) return manifest;

  const where = object.node.path;
  let tree = manifest as Tree;
  if (hasMetadata) {
    if (name !== declaredName) throw new Error(`${where}: the metadata name of a values-driven object is set by its chart; it cannot be changed to ${JSON.stringify(name)}`);
    const meta = { ...(staticObject(tree.metadata, where, '/metadata') ?? {}) };
    if (namespace !== undefined && 'namespace' in meta) meta.namespace = namespace as string;
    mergeEntries(meta, 'labels', labels as Record<string, string> | undefined, where);
    mergeEntries(meta, 'annotations', annotations as Record<string, string> | undefined, where);
    for (const [key, value] of Object.entries(rest)) {
      if (key in meta) throw new Error(`${where}: metadata.${key} is set by the chart; cdk8s cannot add to it here`);
      meta[key] = value as Node;
    }
    tree = { ...tree, metadata: meta };
  }
  for (const patch of patches) tree = applyPatch(tree, patch, where) as Tree;
  return tree;
}

function mergeEntries(meta: Tree, field: 'labels' | 'annotations', added: Record<string, string> | undefined, where: string): void {
  if (!added || Object.keys(added).length === 0) return;
  const existing = { ...(staticObject(meta[field], where, `/metadata/${field}`) ?? {}) };
  for (const [key, value] of Object.entries(added)) {
    if (key in existing) throw new Error(`${where}: metadata.${field} ${JSON.stringify(key)} is set by the chart (selectors and tooling rely on it); choose another key`);
    existing[key] = value;
  }
  meta[field] = existing;
}

/** A plain object node (no expression, `when`, `each` or `spread` in its place), copied; undefined if absent. */
function staticObject(node: Node | undefined, where: string, pointer: string): Tree | undefined {
  if (node === undefined) return undefined;
  if (!isStaticContainer(node) || Array.isArray(node)) throw new Error(`${where}: ${pointer} is set from values, so cdk8s cannot change it in every release`);
  return { ...(node as Tree) };
}

function isStaticContainer(node: Node): boolean {
  return node !== null && typeof node === 'object' && !(node instanceof Expr || node instanceof When || node instanceof Each || node instanceof Spread);
}

/** RFC 6901: "/a/b~1c" → ["a", "b/c"]. */
function parsePointer(pointer: string, where: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`${where}: JSON patch path ${JSON.stringify(pointer)} must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The child of a static container at `key`; lists only up to their first values-driven item. */
function child(node: Node, key: string, where: string, pointer: string): Node | undefined {
  if (!isStaticContainer(node)) throw new Error(`${where}: JSON patch ${pointer}: the part before it is set from values, so the patch cannot apply in every release`);
  if (Array.isArray(node)) return node[listIndex(node, key, where, pointer, false)];
  return Object.hasOwn(node as Tree, key) ? (node as Tree)[key] : undefined;
}

/** A list index that means the same item in every release: no `each` or `when` item before it. */
function listIndex(list: readonly Node[], key: string, where: string, pointer: string, forInsert: boolean): number {
  if (key === '-' && forInsert) return list.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new Error(`${where}: JSON patch ${pointer}: ${JSON.stringify(key)} is not a list index`);
  const index = Number(key);
  const limit = forInsert ? index : index + 1;
  for (let i = 0; i < Math.min(limit, list.length); i += 1) {
    if (list[i] instanceof Each || list[i] instanceof When) throw new Error(`${where}: JSON patch ${pointer}: items of this list come from values, so index ${index} is not the same item in every release`);
  }
  if (index > list.length || (!forInsert && index === list.length)) throw new Error(`${where}: JSON patch ${pointer}: index ${index} is past the end of the list`);
  return index;
}

function getAt(tree: Node, segments: readonly string[], where: string, pointer: string): Node {
  let node: Node | undefined = tree;
  for (const key of segments) {
    node = child(node as Node, key, where, pointer);
    if (node === undefined) throw new Error(`${where}: JSON patch ${pointer}: no such path in the object`);
  }
  return node as Node;
}

/** Copies along the path and applies `edit` to the parent container of the last segment. */
function editAt(tree: Node, segments: readonly string[], where: string, pointer: string, edit: (parent: Tree | Node[], key: string) => void): Node {
  if (segments.length === 0) throw new Error(`${where}: JSON patch ${pointer}: the whole object cannot be patched`);
  const [key, ...rest] = segments;
  if (!isStaticContainer(tree)) throw new Error(`${where}: JSON patch ${pointer}: the part before it is set from values, so the patch cannot apply in every release`);
  const copy: Tree | Node[] = Array.isArray(tree) ? [...tree] : { ...(tree as Tree) };
  if (rest.length === 0) {
    edit(copy, key);
    return copy;
  }
  const next = child(tree, key, where, pointer);
  if (next === undefined) throw new Error(`${where}: JSON patch ${pointer}: no such path in the object`);
  const replaced = editAt(next, rest, where, pointer, edit);
  if (Array.isArray(copy)) copy[Number(key)] = replaced;
  else copy[key] = replaced;
  return copy;
}

/**
 * What a JSON patch must not change on a chart's object, whatever the operation: its name and
 * namespace (other objects refer to them), its selectors (immutable, and matched by the pods' labels),
 * and the labels the chart sets (selectors and tooling rely on them); nor replace or remove a part
 * that only some releases have.
 */
function refuseProtected(tree: Node, segments: readonly string[], op: PatchOperation['op'], where: string, label: string): void {
  const path = segments.join('/');
  if (path === 'metadata/name' || path === 'metadata/namespace') throw new Error(`${where}: JSON patch ${label}: the name and namespace of a chart's object are set by the chart`);
  if (/^spec\/(selector|template\/spec\/topologySpreadConstraints\/[0-9]+\/labelSelector)(\/|$)/.test(path) || path === 'spec/selector') {
    throw new Error(`${where}: JSON patch ${label}: selectors are set by the chart and never change between versions`);
  }
  const parentPath = segments.slice(0, -1);
  const key = segments.at(-1);
  if (key !== undefined && ['labels', 'matchLabels'].includes(parentPath.at(-1) ?? '')) {
    let parent: Node | undefined = tree;
    for (const segment of parentPath) parent = isStaticContainer(parent as Node) && !Array.isArray(parent) ? (parent as Tree)[segment] : undefined;
    if (parent !== undefined && isStaticContainer(parent) && Object.hasOwn(parent as Tree, key)) {
      throw new Error(`${where}: JSON patch ${label}: the label ${JSON.stringify(key)} is set by the chart (selectors and tooling rely on it)`);
    }
  }
  if (op === 'replace' || op === 'remove' || op === 'move') {
    let node: Node | undefined = tree;
    for (const segment of segments) {
      if (node === undefined || !isStaticContainer(node)) return;
      node = Array.isArray(node) ? (node as Node[])[Number(segment)] : (node as Tree)[segment];
    }
    if (node instanceof When) throw new Error(`${where}: JSON patch ${label}: this part is present only in some releases (set from values), so the patch would not mean the same in all`);
  }
}

function applyPatch(tree: Node, patch: PatchOperation, where: string): Node {
  const segments = parsePointer(patch.path, where);
  const label = `${patch.op} ${patch.path}`;
  refuseProtected(tree, segments, patch.op, where, label);
  const add = (at: string[], value: Node) =>
    editAt(tree, at, where, label, (parent, key) => {
      if (Array.isArray(parent)) parent.splice(listIndex(parent, key, where, label, true), 0, value);
      else (parent as Tree)[key] = value;
    });
  const remove = (at: string[], from: Node) =>
    editAt(from, at, where, label, (parent, key) => {
      if (Array.isArray(parent)) parent.splice(listIndex(parent, key, where, label, false), 1);
      else {
        if (!Object.hasOwn(parent, key)) throw new Error(`${where}: JSON patch ${label}: no such path in the object`);
        delete (parent as Tree)[key];
      }
    });
  switch (patch.op) {
    case 'add':
      return add(segments, patch.value as Node);
    case 'remove':
      return remove(segments, tree);
    case 'replace':
      getAt(tree, segments, where, label);
      return editAt(tree, segments, where, label, (parent, key) => {
        if (Array.isArray(parent)) parent[listIndex(parent, key, where, label, false)] = patch.value as Node;
        else (parent as Tree)[key] = patch.value as Node;
      });
    case 'copy':
    case 'move': {
      const fromSegments = parsePointer(patch.from ?? '', where);
      const value = getAt(tree, fromSegments, where, label);
      if (patch.op === 'move') tree = remove(fromSegments, tree);
      return editAt(tree, segments, where, label, (parent, key) => {
        if (Array.isArray(parent)) parent.splice(listIndex(parent, key, where, label, true), 0, value);
        else (parent as Tree)[key] = value;
      });
    }
    case 'test': {
      const value = getAt(tree, segments, where, label);
      if (JSON.stringify(value) !== JSON.stringify(patch.value) || containsDynamic(value)) {
        throw new Error(`${where}: JSON patch ${label}: the value is not ${JSON.stringify(patch.value)} in every release`);
      }
      return tree;
    }
    default:
      throw new Error(`${where}: JSON patch operation ${JSON.stringify((patch as { op: string }).op)} is not one of RFC 6902's`);
  }
}

function containsDynamic(node: Node): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (!isStaticContainer(node)) return true;
  return (Array.isArray(node) ? node : Object.values(node as Tree)).some(containsDynamic);
}
