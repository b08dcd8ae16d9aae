/**
 * Strings that YAML parsers do not read back as written unless escaped, and the double-quoted form
 * that every YAML 1.1 and 1.2 parser reads back exactly (the `yaml` library and js-yaml for 1.2, Helm's
 * Go parser, sigs.k8s.io/yaml, for 1.1). Shared by the manifest writer (yaml-writer.ts) and the YAML
 * that Helm reads as values (lib/helm/yaml-options.ts).
 */

/**
 * Characters that must be escaped wherever they appear: the C0 controls but tab and line feed, DEL and
 * the C1 controls (not printable in YAML, 1.2 section 5.1: "control characters are not allowed" in
 * Helm), NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (line breaks to YAML 1.1 parsers, so folded or
 * split there), the byte order mark and the non-characters U+FFFE/U+FFFF.
 */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
/** The same characters beyond what JSON.stringify escapes itself (it escapes C0, `"` and `\`). */
const BEYOND_JSON = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `text` holds a character that only an escape in a double-quoted scalar can carry. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/**
 * A YAML double-quoted scalar that reads back as `text`: JSON's escapes (all valid in YAML 1.1 and
 * 1.2), plus `\uXXXX` for the characters JSON leaves raw. Throws an Error on a lone UTF-16 surrogate,
 * which no UTF-8 file can hold.
 */
export function doubleQuoted(text: string): string {
  if (LONE_SURROGATE.test(text)) throw new Error(`${JSON.stringify(text)} holds a lone UTF-16 surrogate, which cannot be written as UTF-8`);
  return escapeJsonText(JSON.stringify(text));
}

/** JSON text with the characters JSON.stringify leaves raw (DEL, C1, BOM, ...) written as `\uXXXX` escapes. */
export function escapeJsonText(json: string): string {
  return json.replace(BEYOND_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
