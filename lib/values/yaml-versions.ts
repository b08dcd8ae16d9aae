/**
 * Plain (unquoted) scalars that YAML 1.1 and YAML 1.2 read differently. The synth reads values as
 * YAML 1.2 (js-yaml, core schema); Helm reads values files with Go's YAML 1.1 parser, and every chart
 * carries values-<env>.yaml. `on` is the string "on" for one and `true` for the other, `010` is 10 or
 * 8, `0X1f` is "0X1f" or 31, `1_000` is "1_000" or 1000. Such values are refused, with the quoted form
 * to write instead. (Go's parser reads `1:20` and dates as strings, as YAML 1.2 does: they are accepted.)
 */
import { CORE_SCHEMA, load } from 'js-yaml';
import { type Document, type LineCounter, Scalar, isMap, isScalar, isSeq } from 'yaml';
import { type Problem, dottedPath } from './problems';

/**
 * Plain scalars that Helm's Go parser and YAML 1.2 may read differently: YAML 1.1 booleans (y, yes, on,
 * off, ...), integers with a leading zero (octal for Go), a 0x/0o/0b prefix in either case, and `_` in
 * numbers (Go drops it). Only these are compared; everything else means the same to both.
 */
const CANDIDATE = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-9_]+(?:\.[0-9_]*)?|[-+]?0[xXoObB][0-9a-fA-F_]+|[-+]?[0-9][0-9_.]*_[0-9_.]*)$/;

/** Cheap test on the text: could the file hold such a scalar (as a key or a value)? */
export function mayHaveVersionDependentScalars(text: string): boolean {
  return TEXT_CANDIDATE.test(text);
}
const TEXT_CANDIDATE = new RegExp(String.raw`(?:^|[-:?][ \t]|[\[{,])[ \t]*(?:[&!][^\s]*[ \t]+)*(?:` + CANDIDATE.source.slice(4, -2) + String.raw`)[ \t]*(?:$|#|[,\]}]|:(?:[ \t]|$))`, 'm');

/** Every plain scalar (key or value) of the document whose YAML 1.1 and YAML 1.2 readings differ. */
export function versionDependentScalars(file: string, document: Document, lines: LineCounter): Problem[] {
  const problems: Problem[] = [];
  const check = (node: unknown, path: readonly (string | number)[]) => {
    if (!isScalar(node) || node.type !== Scalar.PLAIN || node.tag !== undefined) return;
    const source = (node as Scalar & { source?: string }).source ?? String(node.value);
    if (!CANDIDATE.test(source)) return;
    const message = describeDifference(source);
    if (message === undefined) return;
    const pos = lines.linePos(node.range?.[0] ?? 0);
    problems.push({ file, line: pos.line, column: pos.col, path: dottedPath(path), message });
  };
  const walk = (node: unknown, path: readonly (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        check(pair.key, [...path, key]);
        check(pair.value, [...path, key]);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        check(item, [...path, i]);
        walk(item, [...path, i]);
      });
    }
  };
  check(document.contents, []);
  walk(document.contents, []);
  return problems;
}

/**
 * How Helm reads a plain scalar: Go's YAML parser (sigs.k8s.io/yaml, go-yaml v2's `resolve`): the YAML 1.1
 * booleans and nulls, then, for text that starts like a number, `strconv.ParseInt(text without "_", 0, 64)`
 * (base prefixes 0x, 0o, 0b in either case, and a leading 0 for octal), then a float of YAML's form.
 */
function goYamlReading(source: string): unknown {
  if (/^(?:y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/.test(source)) return true;
  if (/^(?:n|N|no|No|NO|off|Off|OFF|false|False|FALSE)$/.test(source)) return false;
  if (/^(?:~|null|Null|NULL|)$/.test(source)) return null;
  const plain = source.replaceAll('_', '');
  const integer = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(plain);
  if (integer) {
    const [, sign, hex, octal, binary, leadingZero, decimal] = integer;
    const value =
      hex !== undefined ? parseInt(hex, 16) : octal !== undefined ? parseInt(octal, 8) : binary !== undefined ? parseInt(binary, 2) : leadingZero !== undefined ? parseInt(leadingZero, 8) : Number(decimal);
    return sign === '-' ? -value : value;
  }
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return Number(plain);
  return source;
}

/** The message for a plain scalar Helm and the synth read differently, or undefined when they agree. */
function describeDifference(source: string): string | undefined {
  let yaml12: unknown;
  try {
    yaml12 = load(source, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const helm = goYamlReading(source);
  if (sameValue(helm, yaml12)) return undefined;
  const alternatives = [...new Set([helm, yaml12].filter((v) => typeof v === 'boolean' || typeof v === 'number').map(String))];
  const instead = alternatives.length > 0 ? ` (or ${alternatives.join(' or ')})` : '';
  return `${JSON.stringify(source)} is ${reading(helm)} in YAML 1.1 (Helm) and ${reading(yaml12)} in YAML 1.2; write ${JSON.stringify(source)} in quotes${instead}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return false;
  return typeof a === typeof b && a === b;
}

function reading(value: unknown): string {
  if (typeof value === 'boolean') return `a boolean (${value})`;
  if (typeof value === 'number') return `the number ${value}`;
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'string') return 'a string';
  return `${value}`;
}
