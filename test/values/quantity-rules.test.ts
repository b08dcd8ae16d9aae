/**
 * The Helm side of the canonical-quantity rule (`<chart>.isCanonicalQuantity`, lib/values/quantity-rules.ts)
 * agrees with synth's (`canonicalQuantity(q) === q`, lib/values/quantity.ts) on generated quantities,
 * with Helm 3 and Helm 4; and every chart refuses a non-canonical quantity with a message naming it.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { canonicalQuantity } from '../../lib/values/quantity';
import { canonicalQuantityHelper, nonCanonicalMessage } from '../../lib/values/quantity-rules';
import { engineHelpers } from '../../lib/template/expr';
import { distDir } from '../support/dist';
import { helm, helmVersions } from '../support/helm';

const SUFFIXES = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const number = fc.oneof(
  fc.nat({ max: 5000 }).map(String),
  fc.constantFrom('0', '1', '1000', '1024', '2048', '1536', '999', '1000000', '1048576', '3000', '0.5', '1.5', '0.001', '0.0001', '10.0'),
  fc.tuple(fc.nat({ max: 99 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.nat({ max: 3000 }).map((n) => String(n * 1024)),
  fc.nat({ max: 3000 }).map((n) => String(n * 1000)),
);
// Whole numbers too, as values may write them (`cpu: 2`): Helm reads them as float64.
const quantities: (string | number)[] = [
  ...fc.sample(
    fc.tuple(number, fc.constantFrom(...SUFFIXES)).map(([n, s]) => `${n}${s}`),
    { numRuns: 600, seed: 11291 },
  ),
  ...fc.sample(
    fc.oneof(
      fc.nat({ max: 5000 }),
      fc.nat({ max: 3000 }).map((n) => n * 1000),
      fc.nat({ max: 3000 }).map((n) => n * 1024),
      fc.constantFrom(1073741824, 1000000000, 123456789012),
    ),
    { numRuns: 200, seed: 11292 },
  ),
];

const scratch = mkdtempSync(join(tmpdir(), 'quantity-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(helmVersions)('$label', ({ label, binary }) => {
  it('isCanonicalQuantity agrees with canonicalQuantity on generated quantities', () => {
    const chart = join(scratch, label.replace(' ', ''));
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: q\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), stringify({ quantities }));
    writeFileSync(join(chart, 'templates', '_helpers.tpl'), `${canonicalQuantityHelper('q')}\n${engineHelpers('q')}`);
    writeFileSync(
      join(chart, 'templates', 'out.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: out\ndata:\n  canonical: {{ $out := list }}{{ range .Values.quantities }}{{ $out = append $out (include "q.isCanonicalQuantity" .) }}{{ end }}{{ $out | toJson | quote }}\n',
    );
    const result = helm(binary, ['template', 'q', chart]);
    expect(result.stderr).toBe('');
    const line = result.stdout.split('\n').find((l) => l.trimStart().startsWith('canonical:'))!;
    const fromHelm = JSON.parse(JSON.parse(line.trim().slice('canonical: '.length))) as string[];
    const disagreements = quantities.filter((q, i) => (fromHelm[i] === 'true') !== (canonicalQuantity(q) === String(q)));
    expect(disagreements).toEqual([]);
    expect(fromHelm.filter((x) => x === 'true').length).toBeGreaterThan(50);
    expect(fromHelm.filter((x) => x !== 'true').length).toBeGreaterThan(50);
  });

  it.each([
    ['api', 'resources.requests.cpu', '0.5'],
    ['worker', 'quota.limits.memory', '102400Mi'],
    ['monitoring', 'prometheus.resources.limits.cpu', '1000m'],
  ])('%s refuses the non-canonical %s %s', (chart, path, value) => {
    const result = helm(binary, ['template', chart, join(distDir, 'helm', chart), '-n', `${chart}-dev`, '--set-string', `${path}=${value}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(nonCanonicalMessage(path, value));
  });
});
