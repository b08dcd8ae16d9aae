/**
 * lib/values/quantity.ts: the canonical form of a quantity is what k8s.io/apimachinery's
 * resource.Quantity.String() prints after parsing it (the form the API server stores).
 */
import { describe, expect, it } from 'vitest';
import { canonicalQuantity, parseQuantity } from '../../lib/values/quantity';

// [as written, as the API server stores it]
const CASES: Array<[string, string]> = [
  ['500m', '500m'],
  ['0.5', '500m'],
  ['1000m', '1'],
  ['1500m', '1500m'],
  ['1.5', '1500m'],
  ['1.0', '1'],
  ['01', '1'],
  ['1000', '1k'],
  ['1500', '1500'],
  ['10000k', '10M'],
  ['2', '2'],
  ['0', '0'],
  ['0m', '0'],
  ['0.0001', '100u'],
  ['0.0000000001', '1n'],
  ['512Mi', '512Mi'],
  ['1024Mi', '1Gi'],
  ['1536Mi', '1536Mi'],
  ['1.5Gi', '1536Mi'],
  ['0.5Gi', '512Mi'],
  ['2048Ki', '2Mi'],
  ['1000Ki', '1000Ki'],
  ['1Ki', '1Ki'],
  ['0.5Ki', '512'],
  ['1023Ki', '1023Ki'],
  ['4Gi', '4Gi'],
  ['1024Ei', '1024Ei'],
];

describe('canonicalQuantity', () => {
  it.each(CASES)('%s is stored as %s', (written, stored) => {
    expect(canonicalQuantity(written)).toBe(stored);
    expect(parseQuantity(stored)).toBeCloseTo(parseQuantity(written), 8); // equal, but for the rounding up to 1n
  });

  it('refuses what is not a quantity', () => {
    expect(() => canonicalQuantity('lots')).toThrow('"lots" is not a Kubernetes quantity');
  });
});
