/**
 * Expressions: values computed from a release (its values, name and namespace).
 *
 * Every expression knows both of its renderings:
 * - `evaluate(scope)` gives the concrete value, used for the plain manifests in dist/manifests;
 * - `go(ctx)` gives the equivalent Go template operand, used in the Helm chart's templates.
 * Keeping the two side by side in one class is what makes `helm template` and the plain output agree;
 * the Helm equivalence tests prove it with the real binaries.
 */
import { createHash } from 'node:crypto';
import { goJson, goTruthy } from './go-semantics';

/** What an expression is evaluated against: one release of one chart. */
export interface Scope {
  readonly values: unknown;
  readonly release: { readonly name: string; readonly namespace: string; readonly service: string };
  readonly chart: { readonly name: string; readonly version: string; readonly appVersion: string };
  /** Loop variables bound by `each`, by name (with the leading `$`). */
  readonly vars: ReadonlyMap<string, unknown>;
}

/** What the Go rendering needs to know: the chart whose named templates `include` refers to. */
export interface GoContext {
  readonly chartName: string;
}

export abstract class Expr<T = unknown> {
  /** Phantom field carrying the value type for the TypeScript checker only. */
  declare readonly __valueType?: T;
  abstract evaluate(scope: Scope): T;
  /** A single Go template operand (a variable, a field chain, a literal or a parenthesised call). */
  abstract go(ctx: GoContext): string;

  /**
   * A Go operand for this value as text, printed as JavaScript prints it. Go's `%v` prints a float64
   * such as 31536000 as 3.1536e+07, so values of unknown type go through the chart's `str` helper
   * (JSON for numbers). Expressions known to be strings override this.
   */
  goText(ctx: GoContext): string {
    return `(include ${JSON.stringify(`${ctx.chartName}.str`)} ${this.go(ctx)})`;
  }

  /**
   * A token standing for this expression inside a string, so that an expression can be given where a
   * cdk8s or cdk8s-plus-27 construct takes a string: `${names.fullname}-extra`. When the object is
   * synthesized, lib/chart/foreign-object.ts turns the tokens back into the expression (see
   * `splitTokens`). A token that reaches any other output is a bug, and is refused there.
   */
  toString(): string {
    let id = TOKEN_IDS.get(this);
    if (id === undefined) {
      id = TOKENS.length;
      TOKENS.push(this);
      TOKEN_IDS.set(this, id);
    }
    return `${TOKEN_START}${id}${TOKEN_END}`;
  }
}

/** Expressions that have been turned into string tokens, by token number (see `Expr.toString`). */
const TOKENS: Expr[] = [];
const TOKEN_IDS = new Map<Expr, number>();
/**
 * Tokens are delimited by two private-use characters (U+E000, U+E001), which no Kubernetes text
 * carries by accident (a `${...}` form would also match shell and Grafana syntax in user data).
 */
const TOKEN_START = '\ue000expr:';
const TOKEN_END = '\ue001';
const TOKEN_PATTERN = /\ue000expr:(\d+)\ue001/g;

/** A string with its expression tokens shown as the Go expressions they stand for, for messages. */
export function readableTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (token, id: string) => {
    const found = TOKENS[Number(id)];
    return found ? `{{ ${found.go({ chartName: '<chart>' })} }}` : token;
  });
}

/** Whether a string holds expression tokens (`Expr.toString`). */
export function hasTokens(text: string): boolean {
  return text.includes(TOKEN_START);
}

/**
 * A string with expression tokens, split into its literal text and the expressions in between, as
 * a tagged template receives them: `strings.length === exprs.length + 1`.
 * Throws on a token that no expression made (a copied or hand-written token).
 */
export function splitTokens(text: string): { strings: string[]; exprs: Expr[] } {
  const strings: string[] = [];
  const exprs: Expr[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const found = TOKENS[Number(match[1])];
    if (!found) throw new Error(`an expression token that no expression made, in ${JSON.stringify(text)}`);
    strings.push(text.slice(last, match.index));
    exprs.push(found);
    last = (match.index ?? 0) + match[0].length;
  }
  strings.push(text.slice(last));
  return { strings, exprs };
}

/** The named templates the expressions rely on; appended to every chart's _helpers.tpl. */
export function engineHelpers(chartName: string): string {
  return `{{/* A value as text: numbers as JSON writes them (31536000, not 3.1536e+07), anything else as is. */}}
{{- define "${chartName}.str" -}}
{{- if kindIs "float64" . }}{{ toJson . }}{{ else }}{{ . }}{{ end }}
{{- end }}

{{/*
Quantities as text, in a map of quantities or of maps of them (resources: requests and limits), as JSON:
\`cpu: 2\` becomes "2" (lib/template/functions.ts quantities).
*/}}
{{- define "${chartName}.quantities" -}}
{{- $out := dict -}}
{{- range $key, $value := . }}
{{- if kindIs "map" $value }}{{ $_ := set $out $key (include "${chartName}.quantities" $value | fromJson) }}
{{- else }}{{ $_ := set $out $key (include "${chartName}.str" $value) }}{{ end }}
{{- end -}}
{{- toJson $out -}}
{{- end }}

{{/* A map as a list of {"name", "value"} in key order, as JSON (lib/template/functions.ts nameValueList). */}}
{{- define "${chartName}.nameValueList" -}}
{{- $out := list -}}
{{- range $name, $value := . }}{{ $out = append $out (dict "name" $name "value" $value) }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/* The items of a list of objects with one of the given fields set, as JSON (lib/template/functions.ts itemsWith). */}}
{{- define "${chartName}.itemsWith" -}}
{{- $out := list -}}
{{- $fields := index . 1 -}}
{{- range $item := index . 0 }}{{ $keep := false }}{{ range $field := $fields }}{{ if index $item $field }}{{ $keep = true }}{{ end }}{{ end }}{{ if $keep }}{{ $out = append $out $item }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}
`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A reference into `.Values` (root `null`) or into a loop variable such as `$host`. */
export class ValueRef<T = unknown> extends Expr<T> {
  // Field names chosen not to collide with values keys: `refs()` exposes the rest as sub-paths.
  constructor(
    readonly refRoot: string | null,
    readonly refPath: readonly string[],
  ) {
    super();
  }

  evaluate(scope: Scope): T {
    let current: unknown = this.refRoot === null ? scope.values : scope.vars.get(this.refRoot);
    for (const key of this.refPath) {
      if (current === null || typeof current !== 'object') return undefined as T;
      current = (current as Record<string, unknown>)[key];
    }
    return current as T;
  }

  go(): string {
    const base = this.refRoot ?? '$.Values';
    if (this.refPath.every((key) => IDENTIFIER.test(key))) {
      return this.refPath.length === 0 ? base : `${base}.${this.refPath.join('.')}`;
    }
    return `(index ${base} ${this.refPath.map((key) => JSON.stringify(key)).join(' ')})`;
  }

  /** Dotted path for messages, e.g. `image.tag` or `$host.paths`. */
  describe(): string {
    return [this.refRoot ?? '.Values', ...this.refPath].join('.');
  }
}

export class Literal<T> extends Expr<T> {
  constructor(readonly value: T) {
    super();
  }
  evaluate(): T {
    return this.value;
  }
  go(): string {
    return goLiteral(this.value);
  }
  override goText(ctx: GoContext): string {
    return typeof this.value === 'string' ? this.go() : super.goText(ctx);
  }
}

/** A Go literal for a string, number or boolean (Go string literals accept JSON escapes). */
function goLiteral(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`no Go literal for ${JSON.stringify(value)}`);
}

/** A function applied to expressions, with its JavaScript and Go definitions side by side. */
class Call<T> extends Expr<T> {
  constructor(
    private readonly goName: string,
    private readonly args: readonly Expr[],
    private readonly impl: (...args: unknown[]) => T,
    /** The call always returns a string (printf, join, sha256sum). */
    private readonly returnsText = false,
  ) {
    super();
  }
  override goText(ctx: GoContext): string {
    return this.returnsText ? this.go(ctx) : super.goText(ctx);
  }
  evaluate(scope: Scope): T {
    return this.impl(...this.args.map((arg) => arg.evaluate(scope)));
  }
  go(ctx: GoContext): string {
    return `(${this.goName} ${this.args.map((arg) => arg.go(ctx)).join(' ')})`;
  }
}

/** A named template from `_helpers.tpl`, computed in JavaScript by the same rule. */
export class Include<T = string> extends Expr<T> {
  constructor(
    readonly templateName: string,
    private readonly impl: (scope: Scope) => T,
  ) {
    super();
  }
  evaluate(scope: Scope): T {
    return this.impl(scope);
  }
  go(ctx: GoContext): string {
    return `(include ${JSON.stringify(`${ctx.chartName}.${this.templateName}`)} $)`;
  }
  override goText(ctx: GoContext): string {
    return this.go(ctx);
  }
}

/** A built-in object such as `.Release.Namespace`. */
class BuiltIn<T> extends Expr<T> {
  constructor(
    private readonly goPath: string,
    private readonly impl: (scope: Scope) => T,
  ) {
    super();
  }
  evaluate(scope: Scope): T {
    return this.impl(scope);
  }
  go(): string {
    return this.goPath;
  }
  override goText(): string {
    return this.goPath;
  }
}

export type Operand<T = unknown> = Expr<T> | T;

export function expr<T>(value: Operand<T>): Expr<T> {
  return value instanceof Expr ? value : new Literal(value);
}

export const release = {
  name: new BuiltIn<string>('$.Release.Name', (s) => s.release.name),
  namespace: new BuiltIn<string>('$.Release.Namespace', (s) => s.release.namespace),
  service: new BuiltIn<string>('$.Release.Service', (s) => s.release.service),
};

/** Go template truthiness: false, 0, "", nil and empty collections are false. */
export function not(value: Operand): Expr<boolean> {
  return new Call('not', [expr(value)], (v) => !goTruthy(v));
}

/** Go's `and` returns an operand; here it is used as a condition, so the result is a boolean. */
export function and(...values: Operand[]): Expr<boolean> {
  return new Call('and', values.map(expr), (...vs) => vs.every(goTruthy));
}

/** Go's `or`, used as a condition: true when any value is true (Go truthiness). */
export function or(...values: Operand[]): Expr<boolean> {
  return new Call('or', values.map(expr), (...vs) => vs.some(goTruthy));
}

export function eq(a: Operand, b: Operand): Expr<boolean> {
  return new Call('eq', [expr(a), expr(b)], (x, y) => x === y);
}

/** `cond ? a : b`; Sprig's `ternary` evaluates both branches, so both must be safe to evaluate. */
export function ifElse<T>(cond: Operand, whenTrue: Operand<T>, whenFalse: Operand<T>): Expr<T> {
  const asBool = new Call('not', [new Call('empty', [expr(cond)], (c) => !goTruthy(c))], (empty) => !empty);
  return new Call('ternary', [expr(whenTrue), expr(whenFalse), asBool], (a, b, c) => (c ? a : b) as T);
}

/** The value, or `fallback` when the value is empty (Sprig `default`). */
export function withDefault<T>(value: Operand<T>, fallback: Operand<T>): Expr<T> {
  return new Call('default', [expr(fallback), expr(value)], (d, v) => (goTruthy(v) ? v : d) as T);
}

/**
 * String interpolation: fmt`${a}-${b}` renders as `printf "%s-%s" a b`, each part as text (see goText).
 */
export function fmt(strings: TemplateStringsArray, ...parts: Operand[]): Expr<string> {
  const args = parts.map(expr);
  const format = strings.map((s) => s.replace(/%/g, '%%')).join('%s');
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      const values = args.map((arg) => arg.evaluate(scope));
      return strings.reduce((out, s, i) => out + s + (i < values.length ? goString(values[i]) : ''), '');
    }
    go(ctx: GoContext): string {
      return `(printf ${JSON.stringify(format)} ${args.map((arg) => arg.goText(ctx)).join(' ')})`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

/** A value as JSON text, as Go's encoding/json writes it (Sprig `toJson`: map keys sorted, HTML characters escaped). */
export function toJson(value: Operand): Expr<string> {
  return new Call('toJson', [expr(value)], (v) => goJson(v), true);
}

/** The sha256 of a value's JSON (Helm: `toJson | sha256sum`), used to roll pods on config changes. */
export function sha256OfJson(value: Operand): Expr<string> {
  return new Call(
    'sha256sum',
    [toJson(value)],
    (json) =>
      createHash('sha256')
        .update(json as string)
        .digest('hex'),
    true,
  );
}

export function join(separator: string, list: Operand<readonly unknown[]>): Expr<string> {
  return new Call('join', [new Literal(separator), expr(list)], (_sep, items) => ((items as unknown[] | undefined) ?? []).map(goString).join(separator), true);
}

/** How a value prints as text in both renderings (see `goText`). */
function goString(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  return typeof value === 'number' ? JSON.stringify(value) : String(value);
}
