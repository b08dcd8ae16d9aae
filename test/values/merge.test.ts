/**
 * deepMerge merges values as Helm merges values files (maps key by key, everything else replaced),
 * copies what it returns, and keeps a `__proto__` key a key: compared with the plain definition on
 * random values, and on the cases that tell copies and key order apart.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deepMerge } from '../../lib/values/merge';

/** The plain definition, as entries: the base's keys (merged where the overlay has them), then the overlay's others. */
function reference(base: unknown, overlay: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (overlay === undefined) return structuredClone(base);
  if (!isMap(base) || !isMap(overlay)) return structuredClone(overlay);
  return Object.fromEntries([
    ...Object.entries(base).map(([key, value]) => [key, Object.hasOwn(overlay, key) ? reference(value, overlay[key]) : structuredClone(value)]),
    ...Object.entries(overlay)
      .filter(([key]) => !Object.hasOwn(base, key))
      .map(([key, value]) => [key, structuredClone(value)]),
  ]);
}

describe('deepMerge', () => {
  it('equals the plain definition on random values, key order included', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const make = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.35) return [1, 'a', null, true, ''][Math.floor(random() * 5)];
      if (r < 0.5) return Array.from({ length: Math.floor(random() * 3) }, () => make(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [['a', 'b', 'c', '1', '__proto__'][Math.floor(random() * 5)], make(depth + 1)]));
    };
    for (let i = 0; i < 2000; i += 1) {
      const [base, overlay] = [make(0), make(0)];
      const merged = deepMerge(base, overlay);
      expect(JSON.stringify(merged)).toBe(JSON.stringify(reference(base, overlay)));
      expect(merged).toEqual(reference(base, overlay));
    }
  });

  it('returns copies: changing the result changes neither input', () => {
    const base = { a: { b: [1, { c: 2 }] }, d: { e: 1 } };
    const overlay = { a: { f: { g: 3 } }, h: [{ i: 4 }] };
    const merged = deepMerge(base, overlay) as { a: { b: [number, { c: number }]; f: { g: number } }; d: { e: number }; h: { i: number }[] };
    merged.a.b[1].c = 9;
    merged.a.f.g = 9;
    merged.d.e = 9;
    merged.h[0].i = 9;
    expect(base).toEqual({ a: { b: [1, { c: 2 }] }, d: { e: 1 } });
    expect(overlay).toEqual({ a: { f: { g: 3 } }, h: [{ i: 4 }] });
  });

  it('keeps a __proto__ key of the values as a key, not as the prototype', () => {
    const base = parse('podLabels:\n  __proto__:\n    polluted: yes\n  app: api\n');
    const overlay = parse('podLabels:\n  __proto__:\n    other: 1\n');
    const merged = deepMerge(base, overlay) as { podLabels: Record<string, unknown> };
    expect(Object.keys(merged.podLabels)).toEqual(['__proto__', 'app']);
    expect(Object.getPrototypeOf(merged.podLabels)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(merged.podLabels, '__proto__')?.value).toEqual({ polluted: 'yes', other: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Only in the overlay: assigned, it would have become the merged map's prototype.
    const added = deepMerge(parse('podAnnotations:\n  a: b\n'), parse('podAnnotations:\n  __proto__:\n    c: d\n')) as { podAnnotations: Record<string, unknown> };
    expect(Object.keys(added.podAnnotations)).toEqual(['a', '__proto__']);
    expect(Object.getPrototypeOf(added.podAnnotations)).toBe(Object.prototype);
  });
});
