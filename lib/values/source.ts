/** Values files with their positions, so that every problem can name the file and line. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { Problem } from './problems';

export interface ValuesFile {
  /** Path as shown in messages (relative to the working directory). */
  readonly path: string;
  readonly data: Record<string, unknown>;
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

/** Reads and parses one values file; YAML errors become problems with their line and column. */
export function readValuesFile(file: string): ReadResult {
  const path = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { problems: [{ file: path, path: '', message: 'file not found' }] };
  }
  const cached = parsed.get(file);
  if (cached && cached.text === text && cached.path === path) return { file: cached.result.file, problems: [...cached.result.problems] };
  const result = parseValuesFile(path, text);
  parsed.set(file, { text, path, result });
  return { file: result.file, problems: [...result.problems] };
}

function parseValuesFile(path: string, text: string): ReadResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errors = [...document.errors];
  if (errors.length > 0) {
    return {
      problems: errors.map((error) => {
        const pos = lines.linePos(error.pos[0]);
        return { file: path, line: pos.line, column: pos.col, path: '', message: `YAML syntax error: ${firstLine(error.message)}` };
      }),
    };
  }
  const data = document.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file: path, line: 1, path: '', message: 'expected a mapping of values at the top level' }] };
  }
  return { file: { path, data, document, lines }, problems: [] };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Line and column of the key (or item) at `path` in a file, or undefined when the file doesn't set it. */
export function locate(file: ValuesFile, path: readonly (string | number)[]): { line: number; column: number } | undefined {
  let node: unknown = file.document.contents;
  let offset: number | undefined;
  for (const key of path) {
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
  const pos = file.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}
