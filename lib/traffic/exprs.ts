/**
 * Expressions the edge needs beyond lib/template/functions.ts, each with its JavaScript and Go
 * renderings side by side (see lib/template/expr.ts): maps built from expressions (annotations written
 * only when a feature is on), and comma-separated annotation values read as lists.
 */
import { Expr, type GoContext, type Operand, type Scope, expr } from '../template/expr';
import { goTruthy } from '../template/go-semantics';

/**
 * The map `entries` when `cond` holds (Go truthiness), else an empty map: e.g. the CORS annotations of
 * an Ingress, spread into its annotations. Go: `(ternary (dict "k" v ...) (dict) cond)`, whose two
 * branches are both safe to evaluate.
 */
export function mapWhen(cond: Operand, entries: Readonly<Record<string, Operand<string>>>): Expr<Record<string, string>> {
  const parts = Object.entries(entries).map(([key, value]) => [key, expr(value)] as const);
  return new (class extends Expr<Record<string, string>> {
    evaluate(scope: Scope): Record<string, string> {
      return goTruthy(expr(cond).evaluate(scope)) ? Object.fromEntries(parts.map(([key, value]) => [key, value.evaluate(scope) as string])) : {};
    }
    go(ctx: GoContext): string {
      const dict = `(dict ${parts.map(([key, value]) => `${JSON.stringify(key)} ${value.go(ctx)}`).join(' ')})`;
      return `(ternary ${dict} (dict) (not (empty ${expr(cond).go(ctx)})))`;
    }
  })();
}

/**
 * A comma-separated text as a list, items trimmed and empty ones dropped (`"GET, POST,"` → GET, POST),
 * as ingress-nginx reads its list annotations. Spaces are removed inside items too (Go: Sprig has no
 * per-item trim on a list): the items read this way (origins, methods, header names) have none.
 */
export function commaList(text: Operand<string>): Expr<string[]> {
  return new (class extends Expr<string[]> {
    evaluate(scope: Scope): string[] {
      const value = expr(text).evaluate(scope);
      return String(value ?? '')
        .replace(/\s+/g, '')
        .split(',')
        .filter((item) => item !== '');
    }
    go(ctx: GoContext): string {
      return `(compact (splitList "," (regexReplaceAll "\\\\s+" (toString (default "" ${expr(text).go(ctx)})) "")))`;
    }
  })();
}
