/**
 * Helm templates written once for every chart that has them (issue 24: work that differs only by name
 * is done once). The application charts are made by the same constructs, so most of their templates
 * (the Service, the NetworkPolicies, the Deployment of two applications with the same features) are
 * the same manifest tree and differ only in the chart name of their `include "<chart>.…"` calls.
 *
 * A template is written with a placeholder for the chart name and kept under a key that spells out
 * everything the writer reads (yaml-writer.ts: keys in order, literals, each expression's Go text with
 * the placeholder, `when`/`each`/`spread`, the condition); the chart's own text is the kept one with
 * the chart name put in. That is the writer's own output for that name: the chart name reaches a
 * template only through `GoContext.chartName`, spliced into Go text as it is (a Kubernetes name needs
 * no escaping in a Go string, and the placeholder none either), and the writer decides nothing on it.
 * Every template, kept or not, goes through the same path, so the Helm equivalence tests check it.
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
/** Templates kept at most (first in, first out): memory stays bounded when no two charts share any. */
const MAX_KEPT = 2048;
const kept = new Map<string, string>();

/**
 * The Helm template of `node` (shown when `condition` holds) in the chart `chartName` (a Kubernetes
 * name): `writeTemplate(node, { chartName }, condition)`, written once per distinct tree.
 */
export function sharedTemplate(node: Node, chartName: string, condition?: Expr): string {
  const parts: string[] = [];
  if (!keyOf(node, parts) || chartName.includes(PLACEHOLDER)) return writeTemplate(node, { chartName }, condition);
  if (condition) parts.push(tagged('?', condition.go(PLACEHOLDER_CONTEXT)));
  const key = createHash('sha256').update(parts.join('')).digest('base64');
  let text = kept.get(key);
  if (text === undefined) {
    text = writeTemplate(node, PLACEHOLDER_CONTEXT, condition);
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
    kept.set(key, text);
  }
  return text.split(PLACEHOLDER).join(chartName);
}

/** A tagged, length-prefixed part of a key: no two sequences of parts join to the same text. */
function tagged(tag: string, value: string): string {
  return `${tag}${value.length}:${value}`;
}

/**
 * Appends the parts of `node` that the writer reads; false when a literal holds the placeholder (such
 * a tree is written directly, not kept).
 */
function keyOf(node: Node | undefined, parts: string[]): boolean {
  if (node === undefined) parts.push('u');
  else if (node === null || typeof node !== 'object') {
    if (typeof node === 'string' && node.includes(PLACEHOLDER)) return false;
    parts.push(typeof node === 'string' ? tagged('s', node) : tagged(node === null ? 'z' : typeof node, String(node)));
  } else if (node instanceof Expr) parts.push(tagged('e', node.go(PLACEHOLDER_CONTEXT)));
  else if (node instanceof When) {
    parts.push(tagged('w', node.cond.go(PLACEHOLDER_CONTEXT)));
    if (!keyOf(node.then, parts)) return false;
    parts.push(node.otherwise === undefined ? '-' : '+');
    if (node.otherwise !== undefined && !keyOf(node.otherwise, parts)) return false;
  } else if (node instanceof Each) {
    parts.push(tagged('r', node.variable), tagged('l', node.list.go(PLACEHOLDER_CONTEXT)));
    if (!keyOf(node.body, parts)) return false;
  } else if (node instanceof Spread) parts.push(tagged('m', node.map.go(PLACEHOLDER_CONTEXT)));
  else if (Array.isArray(node)) {
    parts.push('[');
    for (const item of node) if (!keyOf(item, parts)) return false;
    parts.push(']');
  } else {
    parts.push('{');
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const child = (node as Record<string, Node>)[key];
      // A spread's key is unique per call (manifest.ts) and not written: only its place counts.
      if (child instanceof Spread) parts.push('*');
      else if (key.includes(PLACEHOLDER)) return false;
      else parts.push(tagged('k', key));
      if (!keyOf(child, parts)) return false;
    }
    parts.push('}');
  }
  return true;
}
