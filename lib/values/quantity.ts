/**
 * Kubernetes resource quantities (250m, 1.5, 512Mi, 2G): as numbers, for comparisons, and in the
 * canonical form the API server stores (k8s.io/apimachinery resource.Quantity.String()).
 *
 * The API server never keeps a quantity as written: it parses it and serializes the canonical form,
 * so `cpu: "0.5"` is stored as `500m` and `memory: 1024Mi` as `1Gi`. A GitOps tool comparing the
 * committed manifest with the stored object then sees a difference that never goes away. The canonical
 * form, as resource.Quantity computes it:
 * - the value is rounded up to a whole number of nano units (1n);
 * - a binary suffix (Ki, Mi, ...) stays binary when the value is an integer of at least 1024, with the
 *   largest binary suffix that leaves an integer (1024Mi -> 1Gi, 1536Mi stays); otherwise the value is
 *   written as a decimal quantity (0.5Ki -> 512);
 * - a decimal value (no suffix, or m, k, M, G, T, P, E) is written as an integer with the largest
 *   decimal suffix, in steps of a thousand, that leaves an integer: 0.5 -> 500m, 1000m -> 1,
 *   1000 -> 1k, 1500 -> 1500, 1.5 -> 1500m, 0.0001 -> 100u;
 * - zero is 0.
 */
const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([0-9]+)(?:\.([0-9]+))?(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** Decimal suffixes by power of ten, and binary suffixes by power of 1024. */
const DECIMAL_SUFFIXES: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const DECIMAL_POWERS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * A quantity as values may hold it (a string, or a whole number such as `cpu: 2`) as the text the API
 * server reads: numbers as JSON writes them, as Helm's templates print them (the chart's `str` helper).
 */
export function quantityText(value: string | number): string {
  return typeof value === 'number' ? JSON.stringify(value) : value;
}

/** The value of a quantity as a number (approximate for very large or very precise values). */
export function parseQuantity(value: string | number): number {
  const text = quantityText(value);
  const match = QUANTITY.exec(text);
  if (!match) throw new Error(`"${text}" is not a Kubernetes quantity`);
  return Number(`${match[1]}.${match[2] ?? '0'}`) * SUFFIX[match[3] ?? ''];
}

/** True when `text` has the quantity syntax this module reads (see QUANTITY). */
export function isQuantity(text: string): boolean {
  return QUANTITY.test(text);
}

/** Canonical forms by quantity text: values repeat the same few quantities in every application and environment. */
const CANONICAL = new Map<string, string>();
/** Texts kept at most: memory stays bounded whatever the values hold. */
const MAX_CANONICAL = 4096;

/** The form the API server stores `value` in (see the module comment); throws when it is not a quantity. */
export function canonicalQuantity(value: string | number): string {
  const text = quantityText(value);
  let canonical = CANONICAL.get(text);
  if (canonical === undefined) {
    canonical = canonicalOf(text);
    if (CANONICAL.size < MAX_CANONICAL) CANONICAL.set(text, canonical);
  }
  return canonical;
}

function canonicalOf(text: string): string {
  const match = QUANTITY.exec(text);
  if (!match) throw new Error(`"${text}" is not a Kubernetes quantity`);
  const [, whole, fraction = '', suffix = ''] = match;
  const NANO = 10n ** 9n;
  // The exact value in nano units is numerator / denominator; rounded up, as resource.Quantity does.
  let numerator = BigInt(whole + fraction) * NANO;
  let denominator = 10n ** BigInt(fraction.length);
  const binaryPower = BINARY_SUFFIXES.indexOf(suffix);
  if (suffix !== '' && binaryPower > 0) {
    numerator *= 1024n ** BigInt(binaryPower);
  } else {
    const power = DECIMAL_POWERS[suffix];
    if (power >= 0) numerator *= 10n ** BigInt(power);
    else denominator *= 10n ** BigInt(-power);
  }
  const nanos = (numerator + denominator - 1n) / denominator;
  if (nanos === 0n) return '0';

  if (binaryPower > 0 && nanos >= 1024n * NANO && nanos % NANO === 0n) {
    let mantissa = nanos / NANO;
    let power = 0;
    while (mantissa % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
      mantissa /= 1024n;
      power += 1;
    }
    return `${mantissa}${BINARY_SUFFIXES[power]}`;
  }
  let mantissa = nanos;
  let power = -9;
  while (mantissa % 1000n === 0n && power < 18) {
    mantissa /= 1000n;
    power += 3;
  }
  return `${mantissa}${DECIMAL_SUFFIXES[power]}`;
}
