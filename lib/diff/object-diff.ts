/**
 * A semantic diff of two sets of Kubernetes objects: objects are matched by identity (environment or
 * chart, API group, kind, namespace, name), the items of their lists by key or by content
 * (list-items.ts: containers by name, ports by port and protocol, as the API merges them), then compared
 * field by field with microdiff (a well-kept library: paths into nested maps, values before and after).
 * Changes the API server refuses are flagged with the upgrade check's rules, as `npm run check-upgrade`
 * applies them (lib/upgrade/delivery.ts refusedChanges: a hook its delivery recreates is not refused).
 */
import diff from 'microdiff';
import { objectKey } from '../upgrade/check';
import { type Delivery, recreatedBy, refusedChanges } from '../upgrade/delivery';
import type { ManifestDocument } from '../upgrade/output';
import type { FieldChange, KubeObject } from '../upgrade/rules';
import { itemSegment, keyedListsOf, matchListItems } from './list-items';

/** One object of a side: its file (relative to the output folder) and the object. */
export interface SideObject {
  readonly file: string;
  readonly object: KubeObject;
}

/** One field that differs: its path (`spec.template.spec.containers[0].image`), values before and after. */
export interface FieldDifference {
  readonly path: string;
  readonly type: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
  /** The immutable-field rule this change breaks, if any. */
  readonly immutable?: FieldChange;
}

interface ChangedObject {
  readonly before: SideObject;
  readonly after: SideObject;
  readonly fields: readonly FieldDifference[];
  /** Every refused change (also those of fields whose own path is deeper or shallower than a difference). */
  readonly immutable: readonly FieldChange[];
  /** Why the object is deleted and created again rather than updated (a hook), if it is. */
  readonly recreated?: string;
}

export interface ObjectDiff {
  readonly added: readonly SideObject[];
  readonly removed: readonly SideObject[];
  readonly changed: readonly ChangedObject[];
  readonly unchanged: number;
}

/** `spec.containers[name=api].image`: the dotted form of a microdiff path over matched list items. */
function dotted(path: readonly (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : (itemSegment(key) ?? (i === 0 ? key : `.${key}`)))).join('');
}

/** The environment of an output file: manifests/<env>/... or environments/<env>/... */
function environmentOfFile(file: string): string {
  return file.split('/')[1];
}

/**
 * Compares `before` and `after`, matched by `keyOf` (default: the API server's identity of an object,
 * prefixed by the environment of its file); the environment of an object's file is applied by
 * `deliveryOf` (default kubectl apply). Sorted by key.
 */
export function diffObjects(
  before: readonly SideObject[],
  after: readonly SideObject[],
  keyOf: (side: SideObject) => string = environmentKey,
  deliveryOf: (environment: string) => Delivery = () => 'kubectl',
): ObjectDiff {
  const old = new Map(before.map((side) => [keyOf(side), side]));
  const added: SideObject[] = [];
  const changed: ChangedObject[] = [];
  let unchanged = 0;
  const sorted = [...after].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  for (const side of sorted) {
    const key = keyOf(side);
    const previous = old.get(key);
    if (previous === undefined) {
      added.push(side);
      continue;
    }
    old.delete(key);
    const [left, right] = matchListItems(previous.object, side.object, keyedListsOf(side.object.apiVersion, side.object.kind));
    const differences = diff(left as Record<string, unknown>, right as Record<string, unknown>);
    if (differences.length === 0) {
      unchanged += 1;
      continue;
    }
    const delivery = deliveryOf(environmentOfFile(side.file));
    const immutable = refusedChanges(previous.object, side.object, delivery);
    const recreated = recreatedBy(previous.object, delivery) === undefined ? undefined : recreatedBy(side.object, delivery);
    const fields = differences.map((d): FieldDifference => {
      const path = dotted(d.path);
      const rule = immutable.find((change) => path === change.field || path.startsWith(`${change.field}.`) || path.startsWith(`${change.field}[`));
      const base =
        d.type === 'CREATE'
          ? { path, type: 'added' as const, after: d.value }
          : d.type === 'REMOVE'
            ? { path, type: 'removed' as const, before: d.oldValue }
            : { path, type: 'changed' as const, before: d.oldValue, after: d.value };
      return rule ? { ...base, immutable: rule } : base;
    });
    changed.push(recreated === undefined ? { before: previous, after: side, fields, immutable } : { before: previous, after: side, fields, immutable, recreated });
  }
  const removed = [...old.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, side]) => side);
  return { added, removed, changed, unchanged };
}

/** `<environment>:<group>/<kind>/<namespace>/<name>`, from a file manifests/<env>/... */
function environmentKey(side: SideObject): string {
  return `${environmentOfFile(side.file)}:${objectKey(side.object)}`;
}

/**
 * Two environments' objects made comparable: each environment has its own namespaces (`api-dev`,
 * `api-production`), so every string of `from` equal to one of its namespaces' names is replaced by the
 * name of the namespace the same file creates in `to` (manifests/<env>/<chart>/namespace.yaml). Returns
 * the renamed `from` objects and the namespaces renamed (from → to).
 */
export function alignNamespaces(from: readonly SideObject[], to: readonly SideObject[]): { objects: SideObject[]; renamed: Map<string, string> } {
  const pathInEnvironment = (file: string) => file.split('/').slice(2).join('/');
  const created = new Map(to.filter((side) => side.object.kind === 'Namespace').map((side) => [pathInEnvironment(side.file), side.object.metadata.name]));
  const renamed = new Map<string, string>();
  for (const side of from) {
    const target = side.object.kind === 'Namespace' ? created.get(pathInEnvironment(side.file)) : undefined;
    if (target !== undefined && target !== side.object.metadata.name) renamed.set(side.object.metadata.name, target);
  }
  const rename = (node: unknown): unknown =>
    typeof node === 'string'
      ? (renamed.get(node) ?? node)
      : Array.isArray(node)
        ? node.map(rename)
        : node !== null && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).map(([key, child]) => [renamed.get(key) ?? key, rename(child)]))
          : node;
  return { objects: from.map((side) => ({ file: side.file, object: rename(side.object) as KubeObject })), renamed };
}

/**
 * Another environment's GitOps objects made comparable with `to`'s: their names, paths and labels
 * carry the environment's name as a word of their own (`api-dev`, `platform-dev`, `dist/manifests/dev/api`,
 * `app.kubernetes.io/instance: dev`, `The dev environment`), so every `from` between start, end, `-`,
 * `/` or white space (or followed by `.`) in a string
 * becomes `to`. Files are renamed the same way (environments/<from>/gitops/... → environments/<to>/...).
 */
export function alignEnvironment(objects: readonly SideObject[], from: string, to: string): SideObject[] {
  const word = new RegExp(`(^|[-/\\s])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[-/.\\s])`, 'g');
  const rename = (text: string) => text.replace(word, `$1${to}`);
  const walk = (node: unknown): unknown =>
    typeof node === 'string'
      ? rename(node)
      : Array.isArray(node)
        ? node.map(walk)
        : node !== null && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]))
          : node;
  return objects.map((side) => ({ file: rename(side.file), object: walk(side.object) as KubeObject }));
}

/** One diff of two: the objects added, removed and changed in either, the unchanged counted together. */
export function combineDiffs(a: ObjectDiff, b: ObjectDiff): ObjectDiff {
  return { added: [...a.added, ...b.added], removed: [...a.removed, ...b.removed], changed: [...a.changed, ...b.changed], unchanged: a.unchanged + b.unchanged };
}

/** The key of an object within its environment (for comparing two environments aligned by alignNamespaces). */
export function objectKeyInEnvironment(side: SideObject): string {
  return objectKey(side.object);
}

/** The documents of one environment (manifests/<env>/..., or environments/<env>/gitops/...). */
export function environmentObjects(documents: readonly ManifestDocument[], environment: string): SideObject[] {
  return documents.filter((doc) => doc.environment === environment).map(({ file, object }) => ({ file, object }));
}
