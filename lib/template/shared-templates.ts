/**
 * Helm templates written once for every chart that has them (issue 24: work that differs only by name
 * is done once). The application charts are made by the same constructs, so most of their templates
 * (the Service, the NetworkPolicies, the Deployment of two applications with the same features) are
 * the same manifest tree and differ only in the chart name of their `include "<chart>.…"` calls.
 *
 * A chart's template is kept under a key that spells out everything the writer reads (yaml-writer.ts:
 * keys in order, literals, each expression's Go text with a placeholder for the chart name,
 * `when`/`each`/`spread`, the condition). The first chart with a key writes its own template; the
 * second writes it once more with the placeholder, and that text is kept if putting the second
 * chart's name in gives exactly its own template; from the third on, the kept text with the chart
 * name put in is the template. The chart name reaches a template only through `GoContext.chartName`,
 * spliced into Go text as it is (a Kubernetes name needs no escaping in a Go string, and the
 * placeholder none either), and the writer decides nothing on it; the check on the second chart
 * catches the one other way the placeholder's text can be there: a value holding it, built into an
 * expression (a precomputed configuration text), which putting the name in would change. Such a tree
 * is written per chart. Every template goes through this path, so the Helm equivalence tests check it.
 *
 * Written by hand: no library memoizes a tree of our own expression classes by content.
 */
import { createHash } from 'node:crypto';
import { Expr, type GoContext } from './expr';
import { Each, type Node, Spread, When } from './manifest';
import { writeTemplate } from './yaml-writer';

/**
 * Stands for the chart name while a template is written: characters no Kubernetes name has (so it
 * never stands for anything else in a key or a template), none of which JSON or YAML escapes.
 */
const PLACEHOLDER = '~chart~name~';
const PLACEHOLDER_CONTEXT: GoContext = { chartName: PLACEHOLDER };
/** Keys kept at most (first in, first out): memory stays bounded when no two charts share any. */
const MAX_KEPT = 2048;
/** A key seen in one chart so far. */
const SEEN = 0;
/** A key whose template does not take the chart name in place of the placeholder (see above): written per chart. */
const PER_CHART = 1;
/** By key: the template with the placeholder, or SEEN, or PER_CHART. */
const kept = new Map<string, string | typeof SEEN | typeof PER_CHART>();
/**
 * Charts whose templates are written directly, before any key is made: sharing first pays on a
 * tree's third chart, and a key costs about half a template, so a small platform would only pay
 * (the shipped values, 4 charts: 14 ms more per synth with keys from the first chart).
 */
const SHARED_FROM_CHARTS = 8;
/** The charts that have asked for a template in this thread. */
const charts = new Set<string>();

/**
 * The Helm template of `node` (shown when `condition` holds) in the chart `chartName` (a Kubernetes
 * name): `writeTemplate(node, { chartName }, condition)`, written once per distinct tree once more
 * than `sharedFrom` charts (SHARED_FROM_CHARTS) have asked for templates.
 */
export function sharedTemplate(node: Node, chartName: string, condition?: Expr, sharedFrom = SHARED_FROM_CHARTS): string {
  if (charts.size <= sharedFrom) {
    charts.add(chartName);
    if (charts.size <= sharedFrom) return writeTemplate(node, { chartName }, condition);
  }
  const parts: string[] = [];
  if (chartName.includes(PLACEHOLDER) || !keyOf(node, parts, chartName)) return writeTemplate(node, { chartName }, condition);
  if (condition) parts.push(tagged('?', condition.go(PLACEHOLDER_CONTEXT)));
  const key = createHash('sha256').update(parts.join('')).digest('base64');
  const found = kept.get(key);
  if (typeof found === 'string') return found.split(PLACEHOLDER).join(chartName);
  const own = writeTemplate(node, { chartName }, condition);
  if (found === undefined) keep(key, SEEN);
  else if (found === SEEN) {
    const text = writeTemplate(node, PLACEHOLDER_CONTEXT, condition);
    keep(key, text.split(PLACEHOLDER).join(chartName) === own ? text : PER_CHART);
  }
  return own;
}

function keep(key: string, value: string | typeof SEEN | typeof PER_CHART): void {
  if (!kept.has(key) && kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(key, value);
}

/** A tagged, length-prefixed part of a key: no two sequences of parts join to the same text. */
function tagged(tag: string, value: string): string {
  return `${tag}${value.length}:${value}`;
}

/**
 * Appends the parts of `node` that the writer reads; false when a literal holds the placeholder, or the
 * chart's name (such a tree is written directly, not kept): a key holding the chart's name is met in
 * no other chart but one whose name holds this one's (e.g. the ExternalSecret of a Secret named after
 * its application), so making it and keeping it would only cost. Either way the template is the same.
 */
function keyOf(node: Node | undefined, parts: string[], chartName: string): boolean {
  if (node === undefined) parts.push('u');
  else if (node === null || typeof node !== 'object') {
    if (typeof node === 'string' && (node.includes(PLACEHOLDER) || node.includes(chartName))) return false;
    parts.push(typeof node === 'string' ? tagged('s', node) : tagged(node === null ? 'z' : typeof node, String(node)));
  } else if (node instanceof Expr) parts.push(tagged('e', node.go(PLACEHOLDER_CONTEXT)));
  else if (node instanceof When) {
    parts.push(tagged('w', node.cond.go(PLACEHOLDER_CONTEXT)));
    if (!keyOf(node.then, parts, chartName)) return false;
    parts.push(node.otherwise === undefined ? '-' : '+');
    if (node.otherwise !== undefined && !keyOf(node.otherwise, parts, chartName)) return false;
  } else if (node instanceof Each) {
    parts.push(tagged('r', node.variable), tagged('l', node.list.go(PLACEHOLDER_CONTEXT)));
    if (!keyOf(node.body, parts, chartName)) return false;
  } else if (node instanceof Spread) parts.push(tagged('m', node.map.go(PLACEHOLDER_CONTEXT)));
  else if (Array.isArray(node)) {
    parts.push('[');
    for (const item of node) if (!keyOf(item, parts, chartName)) return false;
    parts.push(']');
  } else {
    parts.push('{');
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const child = (node as Record<string, Node>)[key];
      // A spread's key is unique per call (manifest.ts) and not written: only its place counts.
      if (child instanceof Spread) parts.push('*');
      else if (key.includes(PLACEHOLDER) || key.includes(chartName)) return false;
      else parts.push(tagged('k', key));
      if (!keyOf(child, parts, chartName)) return false;
    }
    parts.push('}');
  }
  return true;
}
