/** Expressions the monitoring stack needs beyond lib/template, with both renderings side by side. */
import { Expr, type GoContext, type Operand, type Scope, expr } from '../../template/expr';

/** 0, 1, ..., n-1 (Sprig `until`), e.g. one flag per StatefulSet ordinal. */
export function ordinals(count: Operand<number>): Expr<number[]> {
  return new (class extends Expr<number[]> {
    evaluate(scope: Scope): number[] {
      return Array.from({ length: Number(expr(count).evaluate(scope)) }, (_, i) => i);
    }
    go(ctx: GoContext): string {
      return `(until (int ${expr(count).go(ctx)}))`;
    }
  })();
}

/** Whether a number is greater than a constant (Helm values are float64: compared as int). */
export function greaterThan(value: Operand<number>, limit: number): Expr<boolean> {
  return new (class extends Expr<boolean> {
    evaluate(scope: Scope): boolean {
      return Number(expr(value).evaluate(scope)) > limit;
    }
    go(ctx: GoContext): string {
      return `(gt (int ${expr(value).go(ctx)}) ${limit})`;
    }
  })();
}
