/** Sprig functions used on values, with both renderings side by side (see expr.ts). */
import { Expr, type GoContext, type Operand, type Scope, expr } from './expr';

/** Whether a map has a key, even a zero value such as 0 (Sprig `hasKey`). */
export function hasKey(map: Operand<object>, key: string): Expr<boolean> {
  return new (class extends Expr<boolean> {
    evaluate(scope: Scope): boolean {
      const value = expr(map).evaluate(scope);
      return value !== null && typeof value === 'object' && Object.hasOwn(value, key);
    }
    go(ctx: GoContext): string {
      return `(hasKey ${expr(map).go(ctx)} ${JSON.stringify(key)})`;
    }
  })();
}

/** A list of values (Sprig `list`), e.g. to take one checksum over several values. */
export function list(...items: Operand[]): Expr<unknown[]> {
  return new (class extends Expr<unknown[]> {
    evaluate(scope: Scope): unknown[] {
      return items.map((item) => expr(item).evaluate(scope));
    }
    go(ctx: GoContext): string {
      return `(list ${items.map((item) => expr(item).go(ctx)).join(' ')})`;
    }
  })();
}

/**
 * The entries of a map of objects whose `flag` field is true, e.g. the applications a release monitors.
 * Go: the chart's named template `<chart>.entriesWhere` (engineHelpers) builds the map and returns it
 * as JSON, read back with `fromJson`; the entries keep their values (numbers become float64, as they
 * are in Helm values anyway).
 */
export function entriesWhere<T extends object>(map: Expr<Readonly<Record<string, T>>>, flag: keyof T & string): Expr<Record<string, T>> {
  return new (class extends Expr<Record<string, T>> {
    evaluate(scope: Scope): Record<string, T> {
      const value = (map.evaluate(scope) ?? {}) as Record<string, T>;
      return Object.fromEntries(Object.entries(value).filter(([, entry]) => (entry as Record<string, unknown>)[flag] === true));
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.entriesWhere`)} (list ${map.go(ctx)} ${JSON.stringify(flag)}) | fromJson)`;
    }
  })();
}

/** A whole number plus one (Sprig `add1`, which gives an int64 whatever number Helm read). */
export function add1(value: Operand<number>): Expr<number> {
  return new (class extends Expr<number> {
    evaluate(scope: Scope): number {
      return Number(expr(value).evaluate(scope)) + 1;
    }
    go(ctx: GoContext): string {
      return `(add1 ${expr(value).go(ctx)})`;
    }
  })();
}
