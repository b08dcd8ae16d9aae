/**
 * The concrete rendering of a manifest tree: plain JSON for one release.
 *
 * Rules shared with the Go rendering (helm-yaml.ts):
 * - a `when` whose condition is false, with no `otherwise`, leaves its key or item out;
 * - a map or list made only of optional parts is left out when nothing is in it;
 * - an expression that evaluates to nothing is a programming error (guard it with `when`).
 */
import { Expr, type Scope, ValueRef } from './expr';
import { goTruthy } from './go-semantics';
import { Each, type Node, Spread, When } from './manifest';

const ABSENT = Symbol('absent');
type Result = unknown | typeof ABSENT;

export function evaluateManifest(node: Node, scope: Scope): unknown {
  const value = evaluateNode(node, scope);
  return value === ABSENT ? undefined : value;
}

function evaluateNode(node: Node, scope: Scope): Result {
  if (node instanceof Expr) return evaluateExpr(node, scope);
  if (node instanceof When) {
    if (goTruthy(node.cond.evaluate(scope))) return evaluateNode(node.then, scope);
    return node.otherwise === undefined ? ABSENT : evaluateNode(node.otherwise, scope);
  }
  if (node instanceof Each) return evaluateList([node], scope);
  if (node instanceof Spread) throw new Error('spread() is only allowed inside an object');
  if (Array.isArray(node)) return evaluateList(node, scope);
  if (node !== null && typeof node === 'object') return evaluateObject(node as Record<string, Node>, scope);
  return node;
}

function evaluateExpr(node: Expr, scope: Scope): unknown {
  const value = node.evaluate(scope);
  if (value === undefined) {
    const what = node instanceof ValueRef ? node.describe() : node.go({ chartName: '<chart>' });
    throw new Error(`${what} has no value: guard optional values with when()`);
  }
  return value;
}

function evaluateList(items: readonly Node[], scope: Scope): Result {
  const out: unknown[] = [];
  let dynamic = false;
  for (const item of items) {
    if (item instanceof Each) {
      dynamic = true;
      const list = item.list.evaluate(scope);
      for (const element of (list as unknown[] | undefined | null) ?? []) {
        const inner = { ...scope, vars: new Map(scope.vars).set(item.variable, element) };
        pushPresent(out, evaluateNode(item.body, inner));
      }
      continue;
    }
    if (isOptional(item)) dynamic = true;
    pushPresent(out, evaluateNode(item, scope));
  }
  return dynamic && out.length === 0 ? ABSENT : out;
}

function evaluateObject(node: Record<string, Node>, scope: Scope): Result {
  const out: Record<string, unknown> = {};
  let dynamic = false;
  let size = 0;
  for (const [key, child] of Object.entries(node)) {
    if (child instanceof Spread) {
      dynamic = true;
      const map = (child.map.evaluate(scope) ?? {}) as Record<string, unknown>;
      for (const entryKey of Object.keys(map).sort()) {
        out[entryKey] = map[entryKey];
        size += 1;
      }
      continue;
    }
    if (isOptional(child)) dynamic = true;
    const value = evaluateNode(child, scope);
    if (value !== ABSENT) {
      out[key] = value;
      size += 1;
    }
  }
  return dynamic && size === 0 ? ABSENT : out;
}

/** Whether a node can disappear: a `when` without `otherwise`, or a container of optional parts only. */
export function isOptional(node: Node): boolean {
  if (node instanceof When) return node.otherwise === undefined || isOptional(node.then) || isOptional(node.otherwise);
  if (node instanceof Each || node instanceof Spread) return true;
  if (node instanceof Expr || node === null || typeof node !== 'object') return false;
  const children: Node[] = Array.isArray(node) ? [...node] : Object.values(node);
  return children.length > 0 && children.every(isOptional);
}

function pushPresent(out: unknown[], value: Result): void {
  if (value !== ABSENT) out.push(value);
}
