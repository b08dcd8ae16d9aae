/**
 * Map keys that are not text. A values key names a field, an application, a label or a variable: a
 * YAML key that is a sequence or a map (`? [a, b] : c`, `{ [a, b]: c }`) or null (`~: c`) names none.
 * The YAML 1.2 reader turns such a key into text ("a,b", "[object Object]", "null") that the key
 * checks then report under a made-up name and without a usable line, while Helm's reader refuses
 * it (sigs.k8s.io/yaml converts only text, numbers and booleans to JSON keys: "unsupported map key").
 * Refused at the key's line, before anything reads the data.
 */
import { type Document, type LineCounter, type Node, isMap, isScalar, isSeq } from 'yaml';
import { type Problem, dottedPath } from './problems';

/**
 * Cheap test on the text: an explicit key (`? `), a flow collection closed before a colon (`]:`, `}:`)
 * or a null key (`~:`, `null:`) somewhere. Only then is the document walked.
 */
export function mayHaveNonTextKeys(text: string): boolean {
  return /(?:^|[\s,[{])\?(?:[ \t]|$)|[\]}][ \t]*:(?:[ \t]|$)|(?:^|[\s,{])(?:~|null|Null|NULL)[ \t]*:(?:[ \t]|$)/m.test(text);
}

const KIND = (key: unknown): string | undefined => (isMap(key) ? 'a map' : isSeq(key) ? 'a list' : isScalar(key) && key.value === null ? 'null' : undefined);

/** Every key of the document that is a collection or null, at its line, with the path of its map. */
export function nonTextKeyProblems(file: string, document: Document, lines: LineCounter): Problem[] {
  const problems: Problem[] = [];
  const walk = (node: unknown, path: readonly (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const kind = KIND(pair.key);
        if (kind !== undefined) {
          const pos = lines.linePos((pair.key as Node).range?.[0] ?? 0);
          problems.push({
            file,
            line: pos.line,
            column: pos.col,
            path: dottedPath(path),
            message: `a key here is ${kind}: every key of the values is text (Helm refuses other keys); quote it, or write it as a text key`,
          });
          continue;
        }
        walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : '?']);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    }
  };
  walk(document.contents, []);
  return problems;
}
