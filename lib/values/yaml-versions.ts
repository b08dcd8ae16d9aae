/**
 * Plain (unquoted) scalars that YAML 1.1 and YAML 1.2 read differently. The synth reads values as
 * YAML 1.2 (js-yaml, core schema); Helm reads values files with Go's YAML 1.1 parser, and every chart
 * carries values-<env>.yaml. `on` is the string "on" for one and `true` for the other, `010` is 10 or
 * 8, `1:20` is "1:20" or 80. Such values are refused, with the quoted form to write instead.
 */
import { CORE_SCHEMA, load } from 'js-yaml';
import { type Document, type LineCounter, Scalar, isMap, isScalar, isSeq, parse } from 'yaml';
import { type Problem, dottedPath } from './problems';

/**
 * Plain scalars that may read differently: YAML 1.1 booleans (y, yes, on, off, ...), integers with a
 * leading zero, a 0o/0b/0x prefix, `_` or `:` (sexagesimal), and 1.1 timestamps. Only these are
 * compared; everything else means the same in both.
 */
const CANDIDATE =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:0[0-9_]+|0[oObBxX][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9.][0-9_.]*_[0-9_.]*)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$/;

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

/** Go's YAML parser reads these as YAML 1.1 does (booleans, 0-prefixed octal, 0b binary, `_` in numbers). */
const HELM_READS_AS_YAML_1_1 = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-7_]+|[-+]?0[bB][01_]+|[-+]?[0-9][0-9_]*_[0-9_]*)$/;

/** The message for a plain scalar read differently, or undefined when both readings agree. */
function describeDifference(source: string): string | undefined {
  let yaml11: unknown;
  let yaml12: unknown;
  try {
    yaml11 = parse(source, { version: '1.1' });
    yaml12 = load(source, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (sameValue(yaml11, yaml12)) return undefined;
  const helm = HELM_READS_AS_YAML_1_1.test(source) ? ' (Helm)' : '';
  const alternatives = [...new Set([yaml11, yaml12].filter((v) => typeof v === 'boolean' || typeof v === 'number').map(String))];
  const instead = alternatives.length > 0 ? ` (or ${alternatives.join(' or ')})` : '';
  return `${JSON.stringify(source)} is ${reading(yaml11)} in YAML 1.1${helm} and ${reading(yaml12)} in YAML 1.2; write ${JSON.stringify(source)} in quotes${instead}`;
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
