/**
 * Manifest trees: plain JSON-like data in which any value may be an expression, an optional part
 * (`when`), a list built from a list value (`each`) or the entries of a map value (`spread`).
 * `evaluate.ts` turns a tree into concrete JSON; `helm-yaml.ts` turns the same tree into a template.
 */
import { type Expr, type Operand, ValueRef, expr } from './expr';

export type Node = Expr | When<unknown> | Each<unknown> | Spread | string | number | boolean | null | readonly Node[] | { readonly [key: string]: Node };

/**
 * A key or list item present only when `cond` is true (or `otherwise` in its place).
 * `T` is a phantom: the type of its branches as written, which typed.ts checks against the
 * Kubernetes type of the position the `when` stands in. It has no runtime trace.
 */
export class When<out T = unknown> {
  /** Phantom field carrying the branches' type for the TypeScript checker only. */
  declare readonly __branchType?: T;
  constructor(
    readonly cond: Expr,
    readonly then: Node,
    readonly otherwise?: Node,
  ) {}
}

/**
 * One list item per element of `list`, with the element bound to the Go variable `$<name>`.
 * `T` is a phantom: the type of the body as written, checked against the list's item type (typed.ts).
 */
export class Each<out T = unknown> {
  /** Phantom field carrying the body's type for the TypeScript checker only. */
  declare readonly __itemType?: T;
  readonly variable: string;
  readonly body: Node;
  constructor(
    readonly list: Expr<readonly unknown[]>,
    name: string,
    body: (item: Refs<any>) => Node,
  ) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(name)) throw new Error(`each: invalid loop variable name "${name}"`);
    this.variable = `$${name}`;
    this.body = body(refs(this.variable));
  }
}

/** The entries of a map value, merged into the surrounding object (Go: `range $k, $v`). */
export class Spread {
  constructor(readonly map: Expr<Readonly<Record<string, unknown>>>) {}
}

/**
 * `then` in place of a key or list item when `cond` holds, else `otherwise`, else nothing.
 * The result's type carries the branches' types (`When<A | B>`), so that the object it ends up in
 * checks them against the Kubernetes type of its position (typed.ts: `Manifest`, `Exact`).
 */
export function when<const A>(cond: Operand, then: A): When<A>;
export function when<const A, const B>(cond: Operand, then: A, otherwise: B): When<A | B>;
export function when(cond: Operand, then: unknown, otherwise?: unknown): When<unknown> {
  // The branches are typed views of manifest trees: at runtime both are Nodes.
  return new When(expr(cond), then as Node, otherwise as Node | undefined);
}

/**
 * One list item per element of `list`: `body(item)`, where `item` refers to the element (`$<name>`
 * in Go). The result's type carries the body's (`Each<R>`), checked like a `when`'s branches.
 * Throws when `name` is not a valid Go variable name (lower camel case).
 */
export function each<I, const R>(list: Expr<readonly I[]> | Refs<readonly I[]>, name: string, body: (item: Refs<I>) => R): Each<R> {
  // R is a typed view of a manifest tree: at runtime the body's result is a Node.
  return new Each<R>(list as Expr<readonly I[]>, name, body as unknown as (item: Refs<any>) => Node);
}

/**
 * The key under which the type system sees a `spread(...)` entry. At runtime the key is unique per
 * call (`\u0000spread<n>`); in the types it is this one name, a known property, so that an object
 * without an index signature (a PodSpec, say) can refuse it (typed.ts declares it absent there), while
 * a map (labels, annotations, ConfigMap data) accepts it through its index signature.
 */
export type SpreadKey = '...spread(map)';

let spreadCounter = 0;
/** Use as `{ ...staticEntries, ...spread(v.podLabels) }`, only in maps (string index signatures). */
export function spread(map: Expr<Readonly<Record<string, unknown>>> | Refs<Readonly<Record<string, unknown>>>): { readonly [K in SpreadKey]: Spread } {
  spreadCounter += 1;
  // The runtime key differs from SpreadKey on purpose (one per call); see SpreadKey.
  return { [`\u0000spread${spreadCounter}`]: new Spread(map as Expr<Record<string, unknown>>) } as unknown as { readonly [K in SpreadKey]: Spread };
}

/**
 * Typed references into values: `v.image.tag` is an expression for `.Values.image.tag`.
 * Property access builds the path; the result is usable wherever an `Expr` is.
 */
export type Refs<T> = Expr<T> & (T extends readonly unknown[] ? unknown : T extends object ? { readonly [K in keyof T]-?: Refs<NonNullable<T[K]>> } : unknown);

export function refs<T>(root: string | null = null, path: readonly string[] = []): Refs<T> {
  const target = new ValueRef<T>(root, path);
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === 'symbol' || prop in obj) return Reflect.get(obj, prop, receiver);
      return refs(root, [...path, prop]);
    },
  }) as unknown as Refs<T>;
}
