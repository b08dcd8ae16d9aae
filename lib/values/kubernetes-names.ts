/**
 * Keys, names and text in values, validated as the Kubernetes API server validates them
 * (k8s.io/apimachinery/pkg/util/validation), written as JSON Schema that both ajv (synth) and Helm's
 * validators (values.schema.json) apply. Patterns use only what ECMAScript and Go's RE2 share; the
 * characters of `UNSAFE_CHARACTERS` are written raw inside classes, which both accept.
 */
import { type TSchema, Type } from '@sinclair/typebox';

/**
 * Characters no string in values may hold: C0 controls but tab, line feed and carriage return, DEL and
 * C1 controls, the byte order mark and the non-characters U+FFFE and U+FFFF. Helm's YAML parser refuses
 * them ("control characters are not allowed") and its `toJson` writes DEL and C1 raw, so a chart could
 * never render them; Kubernetes objects have no use for them.
 */
const UNSAFE_CHARACTERS = '\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff';

/** Any text without the characters above. */
export const safeTextPattern = `^[^${UNSAFE_CHARACTERS}]*$`;

/** A DNS-1123 label (namespaces, most object names): at most 63 characters. */
export const dnsLabelPattern = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/**
 * A qualified name (label and annotation keys): an optional DNS subdomain prefix and "/", then a name
 * of at most 63 characters that starts and ends alphanumeric with "-", "_", "." inside.
 */
export const qualifiedNamePattern = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
/** The prefix of a qualified name is at most 253 characters: a longer one matches this (a `not`, which says why). */
const tooLongPrefix = { pattern: '^[^/]{254,}/', description: 'has a prefix (before "/") of more than 253 characters' };

/** A label value: empty, or at most 63 characters starting and ending alphanumeric. */
export const labelValuePattern = '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$';

/**
 * Total size of an object's annotations, keys and values, in bytes (Kubernetes: 256 KiB,
 * apimachinery's TotalAnnotationSizeLimitB). Each value is bounded by it here; the total is a
 * cross-field rule (app-rules.ts).
 */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

const qualifiedName = () => Type.String({ pattern: qualifiedNamePattern, maxLength: 253 + 1 + 63, not: tooLongPrefix } as object);

/**
 * A map with validated keys: JSON Schema `propertyNames` and `additionalProperties` (TypeBox's
 * `Record` writes `patternProperties`, which lets any other key through).
 */
export function keyedMap<V extends TSchema>(key: TSchema, value: V, description: string) {
  return Type.Unsafe<Record<string, V['static']>>({ type: 'object', description, propertyNames: key, additionalProperties: value });
}

/** Labels: qualified-name keys, label values. */
export function labelMap(description: string) {
  return keyedMap(qualifiedName(), Type.String({ pattern: labelValuePattern, maxLength: 63 }), description);
}

/** Annotations: qualified-name keys, any text up to the total size limit. */
export function annotationMap(description: string) {
  return keyedMap(qualifiedName(), Type.String({ pattern: safeTextPattern, maxLength: ANNOTATIONS_SIZE_LIMIT }), description);
}

/** Total bytes of annotations as the API server counts them (keys and values, UTF-8). */
export function annotationsSize(annotations: Readonly<Record<string, string>>): number {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) size += Buffer.byteLength(key) + Buffer.byteLength(value);
  return size;
}

/**
 * The keys Helm gives a chart used as a dependency of another (an umbrella chart): `global`, values
 * shared with the parent and every subchart, and `enabled`, the usual key of a dependency's
 * `condition` (`condition: api.enabled`). Every chart's schema accepts both, so that it can be a
 * dependency; no template reads `enabled` (a parent chart that sets `enabled: false` leaves the chart out)
 * and a chart reads only the `global` keys it declares (`global`, e.g. imagePullSecrets), others pass.
 */
export function dependencyKeys(global: Record<string, TSchema> = {}) {
  const read = Object.keys(global);
  return {
    global: Type.Optional(
      Type.Object(global, {
        additionalProperties: true,
        description: `Values a parent chart shares with all its dependencies (Helm \`global\`); ${read.length > 0 ? `this chart reads ${read.join(', ')}` : 'not read by this chart'}.`,
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'For a parent chart that lists this chart as a dependency with `condition: <name>.enabled`; not read by this chart.' })),
  };
}
