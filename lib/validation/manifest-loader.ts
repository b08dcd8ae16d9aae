/** Loads manifests from YAML files and directories: one entry per non-empty document, syntax errors as findings. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
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
 * sorted). Files are named relative to `cwd` in documents and findings.
 */
export async function loadManifests(paths: readonly string[], cwd = process.cwd()): Promise<LoadedManifests> {
  const documents: ManifestDocument[] = [];
  const problems: Finding[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let files: string[];
    try {
      files = (await stat(absolute)).isDirectory() ? await yamlFilesUnder(absolute) : [absolute];
    } catch (error) {
      problems.push({ file: path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }
    for (const file of files) {
      const parsed = parseManifests(await readFile(file, 'utf8'), relative(cwd, file) || file);
      documents.push(...parsed.documents);
      problems.push(...parsed.problems);
    }
  }
  return { documents, problems };
}

/** The documents of one multi-document YAML text; empty documents (`---` alone) are skipped. */
export function parseManifests(text: string, file: string): LoadedManifests {
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
  return { documents, problems };
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && YAML_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
