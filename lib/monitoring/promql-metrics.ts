/**
 * The metric names a PromQL expression reads, from the syntax tree of Prometheus's own lezer grammar,
 * so that label names (`by (job)`, `on (pod)`), function names and string arguments are never
 * mistaken for metrics. Used by the tests that check every metric of the dashboards and alert rules
 * is produced by some component of the stack.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** A PromQL expression and where it was found, e.g. `dashboard platform-http, panel "Request rate"`. */
export interface PromqlSource {
  where: string;
  expr: string;
}

export interface UnknownMetric extends PromqlSource {
  metric: string;
}

/**
 * Stand-ins for Grafana's built-in variables that stand for a duration or a number; any other
 * variable (`$namespace`, `${job}`, `${job:regex}`, `[[job]]`) becomes its bare name, which is valid
 * inside the label value strings where dashboard variables go.
 */
const GRAFANA_BUILTINS: Record<string, string> = {
  __interval: '1m',
  __rate_interval: '4m',
  __range: '1d',
  __interval_ms: '60000',
  __rate_interval_ms: '240000',
  __range_ms: '86400000',
  __range_s: '86400',
};

/** `$name`, `${name}`, `${name:format}`, `[[name]]`; not `${1}`, a capture group of label_replace. */
const GRAFANA_VARIABLE = /\$([A-Za-z_]\w*)|\$\{([A-Za-z_]\w*)(?::[^}]*)?\}|\[\[([A-Za-z_]\w*)(?::[^\]]*)?\]\]/g;

export function substituteGrafanaVariables(expr: string): string {
  return expr.replace(GRAFANA_VARIABLE, (_match, plain?: string, braced?: string, bracketed?: string) => {
    const name = (plain ?? braced ?? bracketed)!;
    return GRAFANA_BUILTINS[name] ?? name;
  });
}

/**
 * The distinct metric names `expr` reads, sorted: the names of its vector selectors, written before
 * the braces or as a `__name__` matcher. Throws on a syntax error, and on a selector that names no
 * single metric (`{job="api"}`, `{__name__=~"http_.*"}`): a check of the metrics cannot follow it.
 */
export function metricNames(expr: string): string[] {
  const text = substituteGrafanaVariables(expr);
  function fail(offset: number, problem: string): never {
    const parsed = text === expr ? '' : `\n  parsed as: ${text}`;
    throw new Error(`PromQL ${problem} at offset ${offset} in: ${expr}${parsed}`);
  }
  if (text.trim() === '') fail(0, 'expression is empty');

  const names = new Set<string>();
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) fail(node.from, 'syntax error');
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      const named = identifier ? [text.slice(identifier.from, identifier.to)] : selectorNameMatchers(node.node, text);
      if (!named) fail(node.from, `selector ${text.slice(node.from, node.to)} names no metric`);
      for (const name of named) names.add(name);
    },
  });
  return [...names].sort();
}

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** A `__name__=~` pattern that is only an alternation of metric names: `a_total|b_total`. */
const PLAIN_NAMES = /^[A-Za-z_:][\w:]*(\|[A-Za-z_:][\w:]*)*$/;

/**
 * The names a braces-only selector gives with a quoted name (`{"http_requests_total"}`), a
 * `__name__="..."` matcher, or a `__name__=~"a|b"` alternation of plain names; undefined when the
 * names cannot be told without the data.
 */
function selectorNameMatchers(selector: SyntaxNode, text: string): string[] | undefined {
  const matchers = selector.getChild('LabelMatchers');
  if (!matchers) return undefined;
  const bareName = matchers.getChild('QuotedLabelName');
  if (bareName) return [unquote(text.slice(bareName.from, bareName.to))];

  for (const matcher of [...matchers.getChildren('UnquotedLabelMatcher'), ...matchers.getChildren('QuotedLabelMatcher')]) {
    const label = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName');
    const op = matcher.getChild('MatchOp');
    const value = matcher.getChild('StringLiteral');
    if (!label || !op || !value || unquote(text.slice(label.from, label.to)) !== '__name__') continue;
    const pattern = unquote(text.slice(value.from, value.to));
    if (op.getChild('EqlSingle')) return [pattern];
    if (op.getChild('EqlRegex') && PLAIN_NAMES.test(pattern)) return pattern.split('|');
    // A negative matcher, or a real regular expression: narrows the selection without naming it.
  }
  return undefined;
}

/** The value of a PromQL string literal: "...", '...' (with backslash escapes) or `...` (raw). */
function unquote(literal: string): string {
  if (!/^["'`]/.test(literal)) return literal;
  const body = literal.slice(1, -1);
  return literal.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}

/** Every metric read by `sources` that `isProduced` does not know, in the order found. */
export function unknownMetrics(sources: PromqlSource[], isProduced: (metric: string) => boolean): UnknownMetric[] {
  return sources.flatMap((source) =>
    metricNames(source.expr)
      .filter((metric) => !isProduced(metric))
      .map((metric) => ({ ...source, metric })),
  );
}
