/** Loads manifests from YAML files and directories: one entry per non-empty document, syntax errors as findings. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Finding } from './finding';
import type { ManifestDocument } from './kubernetes-object';

export interface LoadedManifests {
  readonly documents: ManifestDocument[];
  /** YAML syntax errors and unreadable paths. */
  readonly problems: Finding[];
}

const YAML_FILE = /\.ya?ml$/;

/**
 * The documents of the given files and of the .yaml/.yml files under the given directories (recursively,
 * sorted). Files are named relative to `cwd` in documents and findings. Files are read synchronously:
 * thousands of small files, each awaited in turn, left the process mostly idle (about 1 s for 4,800 files).
 */
export async function loadManifests(paths: readonly string[], cwd = process.cwd()): Promise<LoadedManifests> {
  const documents: ManifestDocument[] = [];
  const problems: Finding[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let files: string[];
    try {
      files = statSync(absolute).isDirectory() ? yamlFilesUnder(absolute) : [absolute];
    } catch (error) {
      problems.push({ file: path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }
    for (const file of files) {
      const parsed = parseManifests(readFileSync(file, 'utf8'), relative(cwd, file) || file);
      documents.push(...parsed.documents);
      problems.push(...parsed.problems);
    }
  }
  return { documents, problems };
}

/**
 * The documents of one multi-document YAML text; empty documents (`---` alone) are skipped.
 * js-yaml (YAML 1.2 core schema, as below) parses valid files about six times faster; a file it
 * refuses is parsed again by the `yaml` library, which locates every error of every document and
 * still returns the valid documents beside them.
 */
function parseManifests(text: string, file: string): LoadedManifests {
  let parsed: unknown[];
  try {
    parsed = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file });
  } catch {
    return parseLocatingErrors(text, file);
  }
  return { documents: numbered(parsed.filter((doc) => doc !== null && doc !== undefined).map((doc) => ({ file, doc }))), problems: [] };
}

function parseLocatingErrors(text: string, file: string): LoadedManifests {
  const lineCounter = new LineCounter();
  const documents: ManifestDocument[] = [];
  const problems: Finding[] = [];
  for (const document of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        problems.push({ file, line, column: col, message: `YAML syntax error: ${error.message}` });
      }
      continue;
    }
    const doc: unknown = document.toJS();
    if (doc !== null && doc !== undefined) documents.push({ file, doc });
  }
  return { documents: numbered(documents), problems };
}

/** The documents of one file, numbered from 1 when there are several (findings then name the document). */
function numbered(documents: ManifestDocument[]): ManifestDocument[] {
  return documents.length > 1 ? documents.map((document, index) => ({ ...document, document: index + 1 })) : documents;
}

function yamlFilesUnder(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && YAML_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
