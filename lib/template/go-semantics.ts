/**
 * Go and Sprig behaviours that the JavaScript rendering must reproduce exactly, so that the plain
 * manifests and `helm template` agree.
 */

/** Go template truthiness (`if`, `and`, `or`, `not`, `default`): empty values are false. */
export function goTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON as Go's encoding/json writes it (Sprig `toJson`): map keys sorted, HTML characters escaped.
 * Used where a digest of the JSON must match byte for byte.
 */
export function goJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c]);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((key) => `${goJson(key)}:${goJson(record[key])}`).join(',')}}`;
}
