/**
 * Manifest trees: plain JSON-like data in which any value may be an expression, an optional part
 * (`when`), a list built from a list value (`each`) or the entries of a map value (`spread`).
 * `evaluate.ts` turns a tree into concrete JSON; `helm-yaml.ts` turns the same tree into a template.
 */
import { Expr, Operand, ValueRef, expr } from './expr';

export type Node =
  | Expr
  | When
  | Each
  | Spread
  | string
  | number
  | boolean
  | null
  | readonly Node[]
  | { readonly [key: string]: Node };

/** A key or list item present only when `cond` is true (or `otherwise` in its place). */
export class When {
  constructor(
    readonly cond: Expr,
    readonly then: Node,
    readonly otherwise?: Node,
  ) {}
}

/** One list item per element of `list`, with the element bound to the Go variable `$<name>`. */
export class Each {
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

export function when(cond: Operand, then: Node, otherwise?: Node): When {
  return new When(expr(cond), then, otherwise);
}

export function each<T>(list: Expr<readonly T[]> | Refs<readonly T[]>, name: string, body: (item: Refs<T>) => Node): Each {
  return new Each(list as Expr<readonly T[]>, name, body as (item: Refs<any>) => Node);
}

let spreadCounter = 0;
/** Use as `{ ...staticEntries, ...spread(v.podLabels) }`. */
export function spread(map: Expr<Readonly<Record<string, unknown>>> | Refs<Readonly<Record<string, unknown>>>): Record<string, Spread> {
  spreadCounter += 1;
  return { [`\u0000spread${spreadCounter}`]: new Spread(map as Expr<Record<string, unknown>>) };
}

/**
 * Typed references into values: `v.image.tag` is an expression for `.Values.image.tag`.
 * Property access builds the path; the result is usable wherever an `Expr` is.
 */
export type Refs<T> = Expr<T> &
  (T extends readonly unknown[]
    ? unknown
    : T extends object
      ? { readonly [K in keyof T]-?: Refs<NonNullable<T[K]>> }
      : unknown);

export function refs<T>(root: string | null = null, path: readonly string[] = []): Refs<T> {
  const target = new ValueRef<T>(root, path);
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === 'symbol' || prop in obj) return Reflect.get(obj, prop, receiver);
      return refs(root, [...path, prop]);
    },
  }) as unknown as Refs<T>;
}
