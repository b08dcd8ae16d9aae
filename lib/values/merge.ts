/** Merges values the way Helm merges values files: maps merge key by key, everything else replaces. */
export function deepMerge(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return clone(base);
  if (!isMap(base) || !isMap(overlay)) return clone(overlay);
  // Each value is copied once: a key of both is merged from the base's own value (copying the base
  // first and merging into the copy would copy every nested map once per level of nesting).
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) setOwn(out, key, Object.hasOwn(overlay, key) ? deepMerge(base[key], overlay[key]) : clone(base[key]));
  // Keys only the overlay has, after the base's, in the overlay's order (as assigning them to a copy of the base would).
  for (const key of Object.keys(overlay)) if (!Object.hasOwn(base, key)) setOwn(out, key, clone(overlay[key]));
  return out;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, clone(value[key]));
  return out;
}

/**
 * `out[key] = value` as an own data property, as Object.fromEntries makes it: a values key
 * `__proto__` is a key like any other, not the object's prototype.
 */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** The keys of `values` that differ from `base` (lists compared whole, as Helm replaces them). */
export function diffValues(base: unknown, values: unknown): Record<string, unknown> | undefined {
  if (!isMap(values) || !isMap(base)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (isMap(value) && isMap(base[key])) {
      const inner = diffValues(base[key], value);
      if (inner && Object.keys(inner).length > 0) out[key] = inner;
    } else if (JSON.stringify(value) !== JSON.stringify(base[key])) {
      out[key] = value;
    }
  }
  return out;
}
