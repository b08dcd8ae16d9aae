/**
 * The Kubernetes CEL library functions that @bufbuild/cel lacks, added as its custom functions. The
 * library has the standard macros and functions (has, all, exists, exists_one, map, filter, size,
 * matches with an RE2 engine, duration, timestamp, ...) and cel-go's strings extension
 * (`@bufbuild/cel/ext`: charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split,
 * substring, trim, join, format), which the API server enables as ext.Strings.
 *
 * Added here, each as defined in k8s.io/apiserver/pkg/cel/library:
 * - lists.go: `<list>.isSorted()`, `sum()`, `min()`, `max()`, `indexOf(x)`, `lastIndexOf(x)`;
 * - ip.go: `isIP(string)`; cidr.go: `isCIDR(string)`.
 *
 * Not added, because their values are opaque CEL types (url.go's URL, quantity.go's Quantity,
 * ip.go's IP, cidr.go's CIDR, format.go's named formats returning optionals) and @bufbuild/cel has
 * custom object types only for protobuf messages; nor regex.go's `find`/`findAll` (the RE2 engine
 * offers no match extraction). A rule calling one of them is reported as not evaluated, naming the
 * function (`unsupportedFunctions`). None of the shipped CRDs calls any.
 */
import { isIP as nodeIsIP } from 'node:net';
import { type CelFunc, type CelList, type CelValue, CelScalar, celFunc, celMethod, listType } from '@bufbuild/cel';

const DYN_LIST = listType(CelScalar.DYN);

type Comparable = bigint | number | string | boolean;

function isComparable(value: CelValue): value is Comparable {
  return typeof value === 'bigint' || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
}

/** The elements of a list as comparable scalars; throws (a CEL error, as the library reports what a function throws) otherwise. */
function comparables(list: CelList, name: string): Comparable[] {
  const items: Comparable[] = [];
  for (const item of list) {
    if (!isComparable(item)) throw new Error(`${name}: elements of the list are not comparable`);
    items.push(item);
  }
  return items;
}

function compare(a: Comparable, b: Comparable): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** CEL `==` on scalar list elements (int 1 equals double 1.0); lists and maps as elements are never equal here. */
function celEquals(a: CelValue, b: CelValue): boolean {
  if (!isComparable(a) || !isComparable(b)) return false;
  const numeric = (value: Comparable) => typeof value === 'bigint' || typeof value === 'number';
  return numeric(a) && numeric(b) ? Number(a) === Number(b) : a === b;
}

function extreme(list: CelList, name: 'min' | 'max'): Comparable {
  const items = comparables(list, name);
  if (items.length === 0) throw new Error(`${name} called on empty list`);
  return items.reduce((best, item) => (compare(item, best) * (name === 'min' ? -1 : 1) > 0 ? item : best));
}

/** The functions to give celEnv beside the strings extension. */
export const kubernetesLibrary: CelFunc[] = [
  // lists.go: isSorted: "Returns true if the provided list of comparable elements is sorted, else returns false."
  celMethod('isSorted', DYN_LIST, [], CelScalar.DYN, function (this: CelList) {
    const items = comparables(this, 'isSorted');
    return items.every((item, i) => i === 0 || compare(items[i - 1], item) <= 0);
  }),
  // lists.go: sum: "Returns the sum of the elements of the provided list. Supports CEL number (int, uint,
  // double) and duration types." An empty list sums to 0 (int here, as the element type is unknown).
  celMethod('sum', DYN_LIST, [], CelScalar.DYN, function (this: CelList) {
    const items = [...this];
    if (items.length === 0) return 0n;
    if (items.every((item) => typeof item === 'bigint')) return (items as bigint[]).reduce((a, b) => a + b, 0n);
    if (items.every((item) => typeof item === 'number')) return (items as number[]).reduce((a, b) => a + b, 0);
    throw new Error('sum: the list holds other than int or double elements');
  }),
  // lists.go: min, max: "Returns the minimum/maximum valued element of the list"; an error for an empty list.
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function (this: CelList) {
    return extreme(this, 'min');
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function (this: CelList) {
    return extreme(this, 'max');
  }),
  // lists.go: indexOf, lastIndexOf: "Returns the first/last positional index of the provided element in
  // the list. If the element is not found, -1 is returned."
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (this: CelList, element: CelValue) {
    return BigInt([...this].findIndex((item) => celEquals(item, element)));
  }),
  celMethod('lastIndexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (this: CelList, element: CelValue) {
    const items = [...this];
    for (let i = items.length - 1; i >= 0; i--) if (celEquals(items[i], element)) return BigInt(i);
    return -1n;
  }),
  // ip.go: isIP: "Returns true if a string is a valid IP address." (netip.ParseAddr: no leading zeros in
  // IPv4, as node:net; a zone and an IPv4-mapped IPv6 address are refused by the library.)
  celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (text: string) => isPlainIP(text)),
  // cidr.go: isCIDR: "Returns true if a string is a valid CIDR." (netip.ParsePrefix: an address, "/" and
  // a prefix length within the address family's bits, without leading zeros.)
  celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (text: string) => {
    const slash = text.indexOf('/');
    if (slash < 0) return false;
    const address = text.slice(0, slash);
    const bits = text.slice(slash + 1);
    if (!isPlainIP(address) || !/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
    return Number(bits) <= (nodeIsIP(address) === 4 ? 32 : 128);
  }),
];

/** An IPv4 or IPv6 address without a zone, and not an IPv4-mapped IPv6 address (::ffff:1.2.3.4 in any spelling). */
function isPlainIP(text: string): boolean {
  const family = nodeIsIP(text);
  if (family === 4) return true;
  if (family === 0 || text.includes('%')) return false;
  // The WHATWG URL parser writes every IPv6 address in its shortest form: an IPv4-mapped one as ::ffff:x:y.
  return !/^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(new URL(`http://[${text}]/`).hostname);
}
