/** Values files with their positions, so that every problem can name the file and line. */
import { CORE_SCHEMA, type YAMLException, load } from 'js-yaml';
import { type Document, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { type Problem, dottedPath } from './problems';
import { readRegularFile } from '../cli/file-kinds';
import { displayPath } from '../cli/paths';
import { aliasProblems, mayHaveAliases } from './yaml-aliases';
import { TOO_DEEP_MESSAGE, tooDeepInText, valuesShapeProblems } from './values-shape';
import { mayHaveNonTextKeys, nonTextKeyProblems } from './yaml-keys';
import { mayHaveVersionDependentScalars, versionDependentScalars } from './yaml-versions';

export interface ValuesFile {
  /** Path as shown in messages (relative to the working directory). */
  readonly path: string;
  readonly data: Record<string, unknown>;
  /** The file as a YAML document with positions: parsed when first needed (to locate a problem). */
  readonly document: Document;
  readonly lines: LineCounter;
}

type ReadResult = { file?: ValuesFile; problems: Problem[] };

/**
 * Parsed files by path, reused while the text read from disk is the same: a synth loads base.yaml once
 * per environment and once alone. Sharing is safe because nothing mutates a parsed file (deepMerge
 * clones, the schema check and `locate` only read).
 */
const parsed = new Map<string, { readonly text: string; readonly path: string; readonly result: ReadResult }>();

/**
 * Reads and parses one values file; YAML errors become problems with their line and column. A path
 * that is not a regular file (a FIFO, a device, a directory, a file under /proc) is refused without blocking (lib/cli/file-kinds.ts).
 */
export function readValuesFile(file: string): ReadResult {
  const path = displayPath(file);
  const read = readRegularFile(file);
  if ('refused' in read) return { problems: [{ file: path, path: '', message: read.refused }] };
  const { text } = read;
  const cached = parsed.get(file);
  if (cached && cached.text === text && cached.path === path) return { file: cached.result.file, problems: [...cached.result.problems] };
  const result = parseGuarded(path, text);
  parsed.set(file, { text, path, result });
  return { file: result.file, problems: [...result.problems] };
}

/**
 * Values are read with js-yaml (YAML 1.2 core schema, duplicate keys rejected), several times faster
 * than the yaml library, which is only used for what needs positions: the line and column of a YAML
 * error, and later of any problem found in the data (locate). Two checks need the yaml library's
 * document first, and run only when a cheap look at the text finds what they look for: aliases
 * (bounded before anything expands them, see yaml-aliases.ts) and plain scalars that YAML 1.1 (Helm)
 * reads differently (see yaml-versions.ts; the file is still returned, so that its other problems are
 * reported in the same run).
 */
function parseValuesFile(path: string, text: string): ReadResult {
  let known: Positioned | undefined;
  const withPositions = (): Positioned => (known ??= positioned(text));
  if (mayHaveAliases(text)) {
    const { document, lines } = withPositions();
    if (document.errors.length > 0) return { problems: documentErrors(path, document, lines) };
    const problems = aliasProblems(path, document, lines);
    if (problems.length > 0) return { problems };
  }
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, filename: path });
  } catch (error) {
    return { problems: syntaxProblems(path, error as YAMLException, withPositions()) };
  }
  data ??= {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file: path, line: 1, path: '', message: 'expected a mapping of values at the top level' }] };
  }
  if (mayHaveNonTextKeys(text)) {
    const keys = nonTextKeyProblems(path, withPositions().document, withPositions().lines);
    // The data holds those keys as made-up text: the file is not used further.
    if (keys.length > 0) return { problems: keys };
  }
  const problems = mayHaveVersionDependentScalars(text) ? versionDependentScalars(path, withPositions().document, withPositions().lines) : [];
  const file = lazilyPositioned(path, data as Record<string, unknown>, text, known);
  // Nesting deeper than any chart's values allow (under applications.<name>): the file is not used further.
  // Keys JavaScript treats specially: reported, and taken out, so that nothing after this reads them.
  const shape = valuesShapeProblems(data, 2).map((p) => ({ ...p, problem: { file: path, ...locate(file, p.path), path: dottedPath(p.path), message: p.message } }));
  if (shape.some((p) => !isSpecialKeyPath(data, p.path))) return { problems: [...problems, ...shape.map((p) => p.problem)] };
  for (const { path: keyPath } of shape) {
    const parent = keyPath.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], data) as Record<string, unknown>;
    delete parent[keyPath[keyPath.length - 1] as string];
  }
  problems.push(...shape.map((p) => p.problem));
  if (text.includes(MERGE_KEY)) {
    const merges = mergeKeyProblems(path, data, (keyPath) => locate(file, keyPath));
    // The merged section's other problems would only repeat this one: the file is not used further.
    if (merges.length > 0) return { problems: [...problems, ...merges] };
  }
  return { file, problems };
}

/**
 * parseValuesFile, with the limits that keep the parsers safe: a file larger than MAX_FILE_BYTES is not
 * parsed, and one nested so deeply that a parser's recursion overflows is refused at the first
 * collection over the depth limit (values-shape.ts), never with the engine's "Maximum call stack size
 * exceeded".
 */
function parseGuarded(path: string, text: string): ReadResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_FILE_BYTES)
    return {
      problems: [{ file: path, line: 1, path: '', message: `${bytes} bytes: a values file is at most ${MAX_FILE_BYTES} bytes (1 MiB, what Kubernetes lets a Secret hold, where Helm keeps a release's values)` }],
    };
  const tooDeep = (): ReadResult => ({ problems: [{ file: path, ...(tooDeepInText(text) ?? { line: 1 }), path: '', message: TOO_DEEP_MESSAGE }] });
  try {
    const result = parseValuesFile(path, text);
    // The yaml library reports its own overflow as a syntax error.
    return result.problems.some((p) => /call stack/i.test(p.message)) ? tooDeep() : result;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return tooDeep();
  }
}

/** The largest values file read: 1 MiB (a Kubernetes Secret's limit; Helm stores a release's values in one). */
const MAX_FILE_BYTES = 1024 * 1024;

type Positioned = { document: Document; lines: LineCounter };

function positioned(text: string): Positioned {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { document, lines };
}

function lazilyPositioned(path: string, data: Record<string, unknown>, text: string, known: Positioned | undefined): ValuesFile {
  let parsed = known;
  return {
    path,
    data,
    get document() {
      parsed ??= positioned(text);
      return parsed.document;
    },
    get lines() {
      parsed ??= positioned(text);
      return parsed.lines;
    },
  };
}

/** A YAML error: the yaml library's messages (every error, with line and column), else js-yaml's. */
function syntaxProblems(path: string, error: YAMLException, { document, lines }: Positioned): Problem[] {
  if (document.errors.length > 0) return documentErrors(path, document, lines);
  const mark = error.mark as { line?: number; column?: number } | undefined;
  return [{ file: path, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1, path: '', message: `YAML syntax error: ${error.reason ?? firstLine(error.message)}` }];
}

/** Our words for the yaml library's errors that name its own API (by error code). */
const OWN_WORDS: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'a second YAML document starts here (---): a values file holds one document; merge it into the first, or move it to a file of its own',
  DUPLICATE_KEY: 'this key is already set above in the same map: keep one (Helm would keep the last one without a word, so a -f file is never checked for this by the chart)',
};

function documentErrors(path: string, document: Document, lines: LineCounter): Problem[] {
  return document.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { file: path, line: pos.line, column: pos.col, path: '', message: OWN_WORDS[e.code] ?? `YAML syntax error: ${firstLine(e.message)}` };
  });
}

const MERGE_KEY = '<<';

/**
 * YAML merge keys (`<<: *anchor`) anywhere in `data`, at their line. Refused, not merged: synth reads
 * values with the YAML 1.2 core schema, which has no merge keys, while Helm's YAML 1.1 parser merges
 * them, so the two would read different values.
 */
function mergeKeyProblems(path: string, data: unknown, at: (keyPath: (string | number)[]) => { line: number; column: number } | undefined): Problem[] {
  const found: (string | number)[][] = [];
  const walk = (node: unknown, keyPath: (string | number)[]) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const here = [...keyPath, Array.isArray(node) ? Number(key) : key];
      if (key === MERGE_KEY && !Array.isArray(node)) found.push(here);
      else walk(value, here);
    }
  };
  walk(data, []);
  return found.map((keyPath) => ({
    file: path,
    ...at(keyPath),
    path: dottedPath(keyPath),
    message: 'YAML merge keys (<<) are not supported: synth reads YAML 1.2, which has none, while Helm would merge them; write the keys out (or set shared values once in `defaults`)',
  }));
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** True when `path` ends at a key of a map (a special key), not at a collection (too deep). */
function isSpecialKeyPath(data: unknown, path: readonly (string | number)[]): boolean {
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], data);
  return typeof path[path.length - 1] === 'string' && typeof parent === 'object' && parent !== null && !Array.isArray(parent) && Object.hasOwn(parent, path[path.length - 1]);
}

/**
 * Line and column of the key (or item) at `path` in a file, or undefined when the file doesn't set it.
 * A path through an alias (`*name`) is located at the alias: that is where this path's value is
 * written, the anchor's text possibly serving several.
 */
export function locate(file: ValuesFile, path: readonly (string | number)[]): { line: number; column: number } | undefined {
  let node: unknown = file.document.contents;
  let offset: number | undefined;
  let aliasOffset: number | undefined;
  for (const key of path) {
    if (isAlias(node)) {
      aliasOffset ??= node.range?.[0];
      node = node.resolve(file.document);
    }
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) return undefined;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) return undefined;
      offset = (item as { range?: [number, number, number] }).range?.[0];
      node = item;
    } else {
      return undefined;
    }
  }
  if (offset === undefined) return undefined;
  const pos = file.lines.linePos(aliasOffset ?? offset);
  return { line: pos.line, column: pos.col };
}
