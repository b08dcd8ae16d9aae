/** Reads schema files from local paths or http(s) URLs, each at most once per process. */
import { readFile } from 'node:fs/promises';

/** A schema that is not at a location: the next location is tried (kubeconform's "not found"). */
export const NOT_FOUND = Symbol('schema not found');

/** How long one schema download may take before the server counts as unreachable. */
const FETCH_TIMEOUT_MS = 30_000;

/** A schema URL whose server cannot be reached at all (no network, DNS failure, refused, timed out). */
export class SchemaUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot fetch ${url}: ${reason}`);
    this.name = 'SchemaUnreachableError';
  }
}

export class SchemaSource {
  private readonly loaded = new Map<string, Promise<unknown>>();

  /** The parsed schema at `location`, or NOT_FOUND; throws when it exists but cannot be read or parsed. */
  load(location: string): Promise<unknown> {
    let schema = this.loaded.get(location);
    if (!schema) {
      schema = /^https?:\/\//.test(location) ? fetchSchema(location) : readSchema(location);
      this.loaded.set(location, schema);
    }
    return schema;
  }
}

async function readSchema(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return NOT_FOUND;
    throw error;
  }
  return parseSchema(text);
}

async function fetchSchema(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    const { cause, name, message } = error as Error & { cause?: { code?: string; message?: string } };
    throw new SchemaUnreachableError(url, name === 'TimeoutError' ? `no answer in ${FETCH_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? message));
  }
  if (response.status === 404) return NOT_FOUND;
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return parseSchema(await response.text());
}

function parseSchema(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`);
  }
}
