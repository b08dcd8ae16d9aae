/**
 * Conditions on a part of a chart: every object at or below a construct given to `onlyWhen` exists
 * only in the releases where the condition holds (Helm: its template is wrapped in `if`). This is how
 * cdk8s-plus-27 constructs and other plain cdk8s objects become optional, as TemplatedObjects are
 * with their own `condition`.
 */
import type { IConstruct } from 'constructs';
import { type Expr, type Operand, and, expr } from '../template/expr';

const CONDITIONS = new WeakMap<IConstruct, Expr>();

/** Makes everything under `scope` conditional on `condition` (Go truthiness), in addition to any condition above it. */
export function onlyWhen(scope: IConstruct, condition: Operand): void {
  const existing = CONDITIONS.get(scope);
  CONDITIONS.set(scope, existing ? and(existing, condition) : expr(condition));
}

/**
 * The condition under which an object exists: the conditions of its construct and every scope above
 * it, and its own (a TemplatedObject's), joined with `and`; undefined when it always exists.
 */
export function conditionOf(construct: IConstruct, own?: Expr): Expr | undefined {
  const conditions = construct.node.scopes.map((scope) => CONDITIONS.get(scope)).filter((c): c is Expr => c !== undefined);
  if (own) conditions.push(own);
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : and(...conditions);
}
