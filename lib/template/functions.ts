/** Sprig functions used on values, with both renderings side by side (see expr.ts). */
import { Expr, type GoContext, type Operand, type Scope, expr } from './expr';
import { goTruthy } from './go-semantics';

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
  return listOf(items);
}

/**
 * The same list from an array: for lists as long as the applications make them (a checksum over every
 * input of the rule files: 200,000 at 1,000 applications), which a spread call (`list(...items)`)
 * cannot pass (RangeError: Maximum call stack size exceeded).
 */
export function listOf(items: readonly Operand[]): Expr<unknown[]> {
  return new (class extends Expr<unknown[]> {
    evaluate(scope: Scope): unknown[] {
      return items.map((item) => expr(item).evaluate(scope));
    }
    go(ctx: GoContext): string {
      return `(list ${items.map((item) => expr(item).go(ctx)).join(' ')})`;
    }
  })();
}

/** Whether a value is a string (Go `kindIs "string"`), e.g. a port given by name rather than by number. */
export function isText(value: Operand): Expr<boolean> {
  return new (class extends Expr<boolean> {
    evaluate(scope: Scope): boolean {
      return typeof expr(value).evaluate(scope) === 'string';
    }
    go(ctx: GoContext): string {
      return `(kindIs "string" ${expr(value).go(ctx)})`;
    }
  })();
}

/**
 * The items of a list of objects that have one of `fields` set (Go truthiness), e.g. the extra ports
 * that admit sources of their own. Go: the chart's named template `<chart>.itemsWith` (engineHelpers)
 * builds the list and returns it as JSON, read back with `fromJsonArray` (numbers become float64, as in
 * Helm values).
 */
export function itemsWith<T extends object>(list: Operand<readonly T[]>, ...fields: (keyof T & string)[]): Expr<T[]> {
  return new (class extends Expr<T[]> {
    evaluate(scope: Scope): T[] {
      const items = (expr(list).evaluate(scope) ?? []) as T[];
      return items.filter((item) => fields.some((field) => goTruthy((item as Record<string, unknown>)[field])));
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.itemsWith`)} (list ${expr(list).go(ctx)} (list ${fields.map((f) => JSON.stringify(f)).join(' ')})) | fromJsonArray)`;
    }
  })();
}

/**
 * The names of `lists`, in order, each once (Sprig `concat` and `uniq`), e.g. the image pull Secrets of
 * `global` and of the application. A missing list counts as empty.
 */
export function uniqueConcat(...lists: Operand<readonly string[] | undefined>[]): Expr<string[]> {
  return new (class extends Expr<string[]> {
    evaluate(scope: Scope): string[] {
      return [...new Set(lists.flatMap((list) => (expr(list).evaluate(scope) ?? []) as string[]))];
    }
    go(ctx: GoContext): string {
      return `(uniq (concat ${lists.map((list) => `(default (list) ${expr(list).go(ctx)})`).join(' ')}))`;
    }
  })();
}

/** `map[key]`, or nothing when the map or the key is missing (Sprig `dig`, which a missing parent does not stop). */
export function dig<T>(map: Operand<object | undefined>, key: string): Expr<T | undefined> {
  return new (class extends Expr<T | undefined> {
    evaluate(scope: Scope): T | undefined {
      const value = expr(map).evaluate(scope) as Record<string, T> | undefined;
      return value === null || typeof value !== 'object' ? undefined : value[key];
    }
    go(ctx: GoContext): string {
      return `(dig ${JSON.stringify(key)} nil (default (dict) ${expr(map).go(ctx)}))`;
    }
  })();
}

/**
 * A map of strings as a list of `{name, value}` in key order (Go templates range over a map in key
 * order), e.g. the `env` values as container variables. Go: the chart's named template
 * `<chart>.nameValueList` (engineHelpers), read back with `fromJsonArray`.
 */
export function nameValueList<V = string>(map: Operand<Readonly<Record<string, V>>>): Expr<{ name: string; value: V }[]> {
  return new (class extends Expr<{ name: string; value: V }[]> {
    evaluate(scope: Scope): { name: string; value: V }[] {
      const value = (expr(map).evaluate(scope) ?? {}) as Record<string, V>;
      // Byte order, as Go sorts map keys (the keys are environment variable names: ASCII).
      return Object.keys(value)
        .sort()
        .map((name) => ({ name, value: value[name] }));
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.nameValueList`)} ${expr(map).go(ctx)} | fromJsonArray)`;
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

/**
 * The TCP port a URL is reached on: its explicit port, else 443 for https and 80 for http (the URL
 * pattern of the values admits no other scheme). Go: Sprig `urlParse`, whose `host` keeps the port;
 * a bracketed IPv6 host without a port ends in `]`, so only a trailing `:<digits>` counts.
 */
export function urlPort(url: Operand<string>): Expr<number> {
  return new (class extends Expr<number> {
    evaluate(scope: Scope): number {
      const parsed = new URL(String(expr(url).evaluate(scope)));
      // WHATWG URL drops a scheme's default port, which is then the answer anyway.
      return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    }
    go(ctx: GoContext): string {
      const parsed = `(urlParse ${expr(url).go(ctx)})`;
      return `(default (ternary 443 80 (eq (get ${parsed} "scheme") "https")) (atoi (trimPrefix ":" (regexFind ":[0-9]+$" (get ${parsed} "host")))))`;
    }
  })();
}

/** The port of a `host:port` address, e.g. an SMTP smarthost (whose pattern requires the port). */
export function addressPort(address: Operand<string>): Expr<number> {
  return new (class extends Expr<number> {
    evaluate(scope: Scope): number {
      return Number(/:([0-9]+)$/.exec(String(expr(address).evaluate(scope)))?.[1] ?? 0);
    }
    go(ctx: GoContext): string {
      return `(atoi (trimPrefix ":" (regexFind ":[0-9]+$" ${expr(address).go(ctx)})))`;
    }
  })();
}

/** Numbers as the text the charts print them in (JSON's), strings as they are; maps entry by entry. */
function quantitiesOf(value: unknown): unknown {
  if (typeof value === 'number') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, quantitiesOf(item)]));
}

/**
 * A map of Kubernetes quantities, or of maps of them (a container's `resources`: requests and limits),
 * with every quantity as text: values may write `cpu: 2` (a whole number, as Kubernetes and Helm users
 * do), and the objects get `"2"`, the form the API server stores. Go: the chart's named template
 * `<chart>.quantities` (engineHelpers), read back with `fromJson`. A single quantity is `fmt`.
 */
export function quantities<T extends object>(map: Operand<T>): Expr<T> {
  return new (class extends Expr<T> {
    evaluate(scope: Scope): T {
      return quantitiesOf(expr(map).evaluate(scope)) as T;
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.quantities`)} ${expr(map).go(ctx)} | fromJson)`;
    }
  })();
}

/**
 * The first value, or else the second, evaluated only then (Go's `or`, which returns its first true
 * argument and, since Go 1.18, evaluates no further): e.g. a host given in values, or else one derived
 * from other values that may be absent when the host is given.
 */
export function firstOf<T>(value: Operand<T>, otherwise: Operand<T>): Expr<T> {
  return new (class extends Expr<T> {
    evaluate(scope: Scope): T {
      const first = expr(value).evaluate(scope);
      return goTruthy(first) ? first : expr(otherwise).evaluate(scope);
    }
    go(ctx: GoContext): string {
      return `(or ${expr(value).go(ctx)} ${expr(otherwise).go(ctx)})`;
    }
  })();
}
