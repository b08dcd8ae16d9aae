/**
 * Bounds YAML alias expansion. An alias (`*name`) stands for a copy of the anchored node, so a few
 * lines of nested aliases ("billion laughs") describe a document of billions of values, and an alias
 * inside the node it refers to describes an infinite one. js-yaml shares the anchored object instead of
 * copying it, but everything after parsing (merging, validation, writing) copies it, and would run for
 * minutes, use gigabytes or overflow the stack. Files with aliases are therefore checked first, on the
 * yaml library's document (which keeps positions): the expanded size is counted once per node (linear
 * in the file's size, whatever the expansion) and bounded.
 */
import { type Alias, type Document, type LineCounter, type Node, isAlias, isCollection, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import { type Problem, dottedPath } from './problems';

/** How many values aliases may add to a document (beyond those written): far above any real values file. */
const MAX_ALIAS_EXPANSION = 100_000;

/**
 * The node each alias refers to: the last node before it carrying its anchor, as the yaml library's
 * `Alias.resolve` finds it, in one pass over the document (`resolve` walks the whole document for each
 * alias: 10,000 aliases took 15 minutes), undefined for an unknown anchor.
 */
function aliasTargets(document: Document): Map<Alias, Node | undefined> {
  const targets = new Map<Alias, Node | undefined>();
  const anchors = new Map<string, Node>();
  visit(document, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/** Cheap test on the text: could the file hold an alias? (No `*` after a separator: certainly not.) */
export function mayHaveAliases(text: string): boolean {
  return text.includes('*') && /(?:^|[\s[{,:?-])\*[^\s[\]{},]/m.test(text);
}

/**
 * Problems with the aliases of a parsed document (without syntax errors): an alias inside the node
 * it refers to (recursive), or aliases that would expand the document by more than MAX_ALIAS_EXPANSION
 * values. Each names the alias's line and column and its YAML path.
 */
export function aliasProblems(file: string, document: Document, lines: LineCounter): Problem[] {
  const targets = aliasTargets(document);
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const problems: Problem[] = [];
  const at = (node: Node, path: readonly (string | number)[], message: string): Problem => {
    const pos = lines.linePos(node.range?.[0] ?? 0);
    return { file, line: pos.line, column: pos.col, path: dottedPath(path), message };
  };

  /** Values the node stands for once every alias is expanded (Infinity for a recursive alias). */
  const expandedSize = (node: unknown, path: readonly (string | number)[]): number => {
    if (node === null || node === undefined) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (isAlias(node)) {
      const source = targets.get(node as Alias);
      if (source === undefined) return 0; // an unknown anchor is a syntax error, reported elsewhere
      if (open.has(source)) {
        problems.push(at(node as Node, path, `YAML alias *${(node as Alias).source} is inside the node it refers to (a recursive alias describes an infinite document)`));
        sizes.set(node, Infinity);
        return Infinity;
      }
      return expandedSize(source, path);
    }
    open.add(node);
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        size += expandedSize(pair.key, path) + expandedSize(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        size += expandedSize(isPair(item) ? item.value : item, [...path, i]);
      });
    }
    open.delete(node);
    sizes.set(node, size);
    return size;
  };
  expandedSize(document.contents, []);
  if (problems.length > 0) return problems;

  // Not recursive: walk the document as written, adding what each alias expands to, and name the
  // alias at which the added values pass the bound.
  let added = 0;
  const walk = (node: unknown, path: readonly (string | number)[]): Problem | undefined => {
    if (isAlias(node)) {
      added += expandedSize(node, path) - 1;
      if (added > MAX_ALIAS_EXPANSION) {
        return at(
          node as Node,
          path,
          `YAML alias *${(node as Alias).source} expands the document by more than ${MAX_ALIAS_EXPANSION} values (aliases nested in aliases multiply); write the values out or use fewer aliases`,
        );
      }
      return undefined;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        const found = walk(pair.key, path) ?? walk(pair.value, [...path, key]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const found = walk(isPair(item) ? item.value : item, [...path, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = walk(document.contents, []);
  return found ? [found] : [];
}
