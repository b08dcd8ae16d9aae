/**
 * Two rules on the shape of values, the same in synth and in every chart (templates/validate-values.yaml):
 * - at most MAX_VALUES_DEPTH levels of maps and lists (Kubernetes objects nest far less): deeper values
 *   made the YAML parsers and the merge overflow the JavaScript stack ("Maximum call stack size
 *   exceeded"), and Helm's template recursion has its own limit;
 * - no key that JavaScript objects treat specially (`__proto__`, `constructor`, ... : the properties of
 *   Object.prototype). Helm kept such a key while synth's objects dropped or misread it (`__proto__` in
 *   `env` rendered by Helm, gone from the plain manifests): both refuse it instead.
 * Synth checks each values file as parsed (so that the problem has its line) and, where the YAML
 * parser itself overflows, the file's syntax tree (yaml's CST, walked without recursion).
 */
import { LineCounter, Parser } from 'yaml';
import type { SchemaProblem } from './schema-check';

/** Maps and lists nested in values, at most (the values' own top-level map not counted). */
export const MAX_VALUES_DEPTH = 64;

/** Keys JavaScript objects treat specially: every property of Object.prototype. */
const JAVASCRIPT_SPECIAL_KEYS: readonly string[] = Object.getOwnPropertyNames(Object.prototype).sort();

const DEPTH_MESSAGE = `nested deeper than ${MAX_VALUES_DEPTH} levels of maps and lists; flatten it (Kubernetes objects nest far less)`;
const specialKeyMessage = (key: string) => `the key ${JSON.stringify(key)} is one JavaScript objects treat specially (a property of every object), which synth could not keep as Helm does; rename it`;

/**
 * The shape problems of `data` (a values file, or a chart's values): the first collection nested
 * deeper than the limit (`depthOffset`: levels above `data`, e.g. 2 for `applications.<name>`), and
 * every special key. Walked with an explicit stack: any depth is safe.
 */
export function valuesShapeProblems(data: unknown, depthOffset = 0): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  let tooDeep = false;
  const stack: { node: unknown; path: (string | number)[]; depth: number }[] = [{ node: data, path: [], depth: -1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth - depthOffset >= MAX_VALUES_DEPTH && !tooDeep) {
      tooDeep = true;
      problems.push({ path, message: DEPTH_MESSAGE });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((item, i) => [i, item]) : Object.entries(node);
    for (const [key, child] of entries.reverse()) {
      if (typeof key === 'string' && JAVASCRIPT_SPECIAL_KEYS.includes(key)) problems.push({ path: [...path, key], message: specialKeyMessage(key) });
      else stack.push({ node: child, path: [...path, key], depth: depth + 1 });
    }
  }
  return problems.reverse();
}

/**
 * Where a YAML text nests collections deeper than the file's limit (MAX_VALUES_DEPTH plus the levels
 * above a chart's values in a values file: `applications.<name>`), found on the syntax tree without
 * recursion: for a text the YAML parsers could not read (their recursion overflowed). Line and column.
 */
export function tooDeepInText(text: string, sectionDepth = 2): { line: number; column: number } | undefined {
  const lines = new LineCounter();
  type CstNode = { type?: string; offset?: number; value?: CstNode; key?: CstNode; items?: { key?: CstNode; value?: CstNode }[] };
  for (const token of new Parser(lines.addNewLine).parse(text)) {
    const stack: { node: CstNode | undefined; depth: number }[] = [{ node: token as CstNode, depth: -1 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      if (node === undefined || typeof node !== 'object') continue;
      const collection = node.type === 'block-map' || node.type === 'block-seq' || node.type === 'flow-collection';
      const here = collection ? depth + 1 : depth;
      if (collection && here >= MAX_VALUES_DEPTH + sectionDepth) {
        const position = lines.linePos(node.offset ?? 0);
        return { line: position.line, column: position.col };
      }
      if (node.value) stack.push({ node: node.value, depth: here });
      for (const item of node.items ?? []) stack.push({ node: item.key, depth: here }, { node: item.value, depth: here });
    }
  }
  return undefined;
}

/** The message of a too deep file, for tooDeepInText's position. */
export const TOO_DEEP_MESSAGE = DEPTH_MESSAGE;

/**
 * The same rules as a Go template for a chart's templates/validate-values.yaml (`C`: the chart name):
 * a named template `C.valuesShape` that walks `.Values` (one `include` per level, stopping at the
 * limit, far within Helm's recursion limit of 1000) and fails with the same words, then its call.
 */
export function valuesShapeTemplate(chart: string): string {
  const keys = JAVASCRIPT_SPECIAL_KEYS.map((key) => JSON.stringify(key)).join(' ');
  return `{{- define "${chart}.valuesShape" }}
{{- if or (kindIs "map" .value) (kindIs "slice" .value) }}
{{- if ge (int .depth) ${MAX_VALUES_DEPTH} }}
{{- fail (printf "%s: ${DEPTH_MESSAGE}" .path) }}
{{- end }}
{{- if kindIs "map" .value }}
{{- range $key, $child := .value }}
{{- $here := ternary $key (printf "%s.%s" $.path $key) (eq $.path "") }}
{{- if has $key (list ${keys}) }}
{{- fail (printf "%s: the key %q is one JavaScript objects treat specially (a property of every object), which synth could not keep as Helm does; rename it" $here $key) }}
{{- end }}
{{- include "${chart}.valuesShape" (dict "value" $child "path" $here "depth" (add1 $.depth)) }}
{{- end }}
{{- else }}
{{- range $i, $child := .value }}
{{- include "${chart}.valuesShape" (dict "value" $child "path" (printf "%s[%d]" $.path $i) "depth" (add1 $.depth)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- include "${chart}.valuesShape" (dict "value" .Values "path" "" "depth" -1) }}
`;
}
