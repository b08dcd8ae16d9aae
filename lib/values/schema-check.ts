/** Structural validation of values with ajv against a values schema, as readable problems. */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { closest } from '../cli/command-line.cjs';
import { canonicalQuantity, isQuantity, quantityText } from './quantity';
import { patterns } from './schema-primitives';
import { REMOVED_BY_NULL } from '../helm/schema-defaults';
import { IANA_TIME_ZONES } from './time-zones';

/**
 * The ajv options of every validator; scripts/build.mjs generates the bundled validators with the same.
 * @public scripts/build.mjs imports it through an esbuild stdin entry, which knip does not see.
 */
export const AJV_OPTIONS = { allErrors: true, strict: true, strictTypes: false, verbose: true } as const;

/**
 * A validator generated ahead of time: scripts/build.mjs compiles the values schemas with ajv at build
 * time and attaches { validate, json } to each schema object of the bundle (non-enumerable, under this
 * registered symbol), `json` being the schema it was generated from. It is used only while the schema
 * is still that one; otherwise, and for schemas without one (tests run from source), the schema is
 * compiled on first use.
 * @public scripts/build.mjs imports it through an esbuild stdin entry, which knip does not see.
 */
export const PRECOMPILED_VALIDATOR = Symbol.for('platform-cdk8s.values.precompiledValidator');

interface Precompiled {
  readonly validate: ValidateFunction;
  readonly json: string;
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<TSchema, ValidateFunction>();
/** Schemas with an $id validated so far, registered with ajv as compiling them would have. */
const withId = new Set<TSchema>();

function validatorOf(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate) return validate;
  const precompiled = (schema as { [PRECOMPILED_VALIDATOR]?: Precompiled })[PRECOMPILED_VALIDATOR];
  if (precompiled && typeof precompiled.validate === 'function' && precompiled.json === JSON.stringify(schema)) {
    validate = precompiled.validate;
    if (typeof schema.$id === 'string') {
      withId.add(schema);
      ajv?.addSchema(schema);
    }
  } else {
    if (!ajv) {
      ajv = new Ajv(AJV_OPTIONS);
      for (const known of withId) ajv.addSchema(known);
    }
    validate = ajv.compile(schema);
  }
  compiled.set(schema, validate);
  return validate;
}

export interface SchemaProblem {
  /** Path within the validated object. */
  readonly path: (string | number)[];
  readonly message: string;
  /** The value is valid, only not written in the form required (a non-canonical quantity): checks of meaning may still run. */
  readonly formOnly?: true;
}

const PATTERN_MEANINGS: Record<string, string> = {
  [patterns.quantity]: 'a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi',
  [patterns.dnsLabel]: 'a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit',
  [patterns.dnsSubdomain]: 'a DNS name: lower-case labels separated by dots',
  [patterns.repository]: 'an image repository without tag or digest, such as ghcr.io/example/api',
  [patterns.tag]: 'an image tag such as 1.4.2',
  [patterns.httpPath]: 'an HTTP path starting with /',
  [patterns.routePath]: "a path an HTTPRoute and an Ingress accept: starting with /, of letters, digits, -._~!$&'()*+,;=:@ and %XX escapes, without //, /./, /../, %2F (an encoded /), # or a trailing /. or /..",
  [patterns.subPath]: 'a sub path such as /grafana: "/" and segments of letters, digits and -._~, none of them "." or "..", no trailing slash',
  [patterns.dns1035Label]: 'a DNS-1035 label (it names a Service): lower-case letters, digits and "-", starting with a letter and ending with a letter or digit',
  [patterns.percent]: 'a percentage of at most 100%',
  [patterns.cidr]: 'a network in CIDR notation such as 10.0.0.0/8',
  [patterns.envName]: 'an environment variable name',
  [patterns.labelValue]: 'a label value (letters, digits, "-", "_", ".", at most 63)',
  [patterns.labelKey]: 'a label or annotation key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", "." starting and ending with a letter or digit',
  [patterns.url]: 'an http(s) URL (RFC 3986 characters only: no spaces, quotes, braces or backslashes)',
  [patterns.urlWithoutTrailingSlash]: 'an http(s) URL without a trailing slash (RFC 3986 characters only: no spaces, quotes, braces or backslashes)',
  [patterns.email]: 'an email address such as team@example.com (letters, digits and . _ % + - only)',
  [patterns.safeText]: 'text without control characters (U+0000 to U+001F but tab and line breaks, U+007F to U+009F, U+FEFF, U+FFFE, U+FFFF)',
  [patterns.portName]: 'a port name: lower-case letters, digits and single "-" between them, at least one letter, at most 15 characters',
  '^http$': 'http (the application’s port)',
  [patterns.registry]: 'an image registry such as registry.example.com or mirror.example.com:5000/hub',
};

/**
 * Problems of `value` against `schema` (ajv), and every quantity not written in the canonical form
 * the API server stores (see quantity.ts): JSON Schema cannot express that rule, so it is checked
 * here, wherever the schema expects a quantity.
 */
export function checkAgainstSchema(schema: TSchema, value: unknown): SchemaProblem[] {
  const validate = validatorOf(schema);
  const problems = validate(value) ? [] : describeErrors(validate.errors ?? [], value, schema);
  return [...problems, ...nonCanonicalQuantities(schema, value, [])];
}

/** Whether a schema has a quantity anywhere in it (memoized: most subtrees have none, and are skipped). */
const HOLDS_QUANTITY = new WeakMap<object, boolean>();
function holdsQuantity(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  let holds = HOLDS_QUANTITY.get(schema);
  if (holds === undefined) {
    const s = schema as Record<string, unknown>;
    holds =
      s.pattern === patterns.quantity ||
      Object.values((s.properties as Record<string, unknown> | undefined) ?? {}).some(holdsQuantity) ||
      Object.values((s.patternProperties as Record<string, unknown> | undefined) ?? {}).some(holdsQuantity) ||
      [s.additionalProperties, s.items, ...((s.anyOf as unknown[]) ?? []), ...((s.allOf as unknown[]) ?? []), ...((s.oneOf as unknown[]) ?? [])].some(holdsQuantity);
    HOLDS_QUANTITY.set(schema, holds);
  }
  return holds;
}

/** Compiled `patternProperties` patterns (ajv's `u` flag), by pattern: the same few patterns are tested for every key. */
const PATTERN_REGEXPS = new Map<string, RegExp>();

/** The schema of the first of `patternProperties` whose pattern `key` matches, if any. */
function patternSchemaOf(patternProperties: Record<string, unknown> | undefined, key: string): unknown {
  if (patternProperties === undefined) return undefined;
  for (const pattern of Object.keys(patternProperties)) {
    let regexp = PATTERN_REGEXPS.get(pattern);
    if (regexp === undefined) {
      regexp = new RegExp(pattern, 'u');
      PATTERN_REGEXPS.set(pattern, regexp);
    }
    if (regexp.test(key)) return patternProperties[pattern];
  }
  return undefined;
}

/** Quantities (strings where the schema has the quantity pattern) not in their canonical form. */
function nonCanonicalQuantities(schema: unknown, value: unknown, path: (string | number)[]): SchemaProblem[] {
  // One problem per path (an anyOf's alternatives may each find the same one), in the order first found.
  const found = new Map<string, SchemaProblem>();
  collectNonCanonical(schema, value, path, found);
  return [...found.values()];
}

function collectNonCanonical(schema: unknown, value: unknown, path: (string | number)[], found: Map<string, SchemaProblem>): void {
  if (!holdsQuantity(schema)) return;
  const s = schema as {
    pattern?: string;
    properties?: Record<string, unknown>;
    patternProperties?: Record<string, unknown>;
    additionalProperties?: unknown;
    items?: unknown;
    anyOf?: unknown[];
    allOf?: unknown[];
    oneOf?: unknown[];
  };
  // A whole number (`cpu: 2`) is the quantity its text is: 2000 is stored as "2k".
  if ((typeof value === 'string' || Number.isSafeInteger(value)) && s.pattern === patterns.quantity && isQuantity(quantityText(value as string | number))) {
    const canonical = canonicalQuantity(value as string | number);
    if (canonical !== quantityText(value as string | number))
      found.set(path.join('\0'), { path, message: `${JSON.stringify(value)} is stored by the API server as "${canonical}"; write "${canonical}"`, formOnly: true });
  }
  for (const alternatives of [s.anyOf, s.allOf, s.oneOf]) if (alternatives) for (const alternative of alternatives) collectNonCanonical(alternative, value, path, found);
  if (Array.isArray(value)) {
    if (holdsQuantity(s.items)) for (const [i, item] of value.entries()) collectNonCanonical(s.items, item, [...path, i], found);
  } else if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const child = s.properties?.[key] ?? patternSchemaOf(s.patternProperties, key) ?? s.additionalProperties;
      // Most values hold no quantity: the path is only built for a subtree that may hold one.
      if (holdsQuantity(child)) collectNonCanonical(child, (value as Record<string, unknown>)[key], [...path, key], found);
    }
  }
}

/**
 * Whether the value an error is about is a required property of its object: its schema path ends
 * `/properties/<key>/<keyword>` and the object's schema lists `<key>` as required.
 */
function isRequiredProperty(error: ErrorObject, schema: TSchema): boolean {
  const segments = error.schemaPath.replace(/^#\//, '').split('/').map(decodeURIComponent);
  if (segments.length < 3 || segments[segments.length - 3] !== 'properties') return false;
  const key = segments[segments.length - 2];
  let node: unknown = schema;
  for (const segment of segments.slice(0, -3)) node = (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  const required = (node as { required?: unknown } | undefined)?.required;
  return Array.isArray(required) && required.includes(key);
}

function describeErrors(errors: ErrorObject[], root: unknown, schema: TSchema): SchemaProblem[] {
  const problems = new Map<string, SchemaProblem>();
  // An anyOf error explains its alternatives' errors at the same place: keep only it.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  // A value of the wrong type (1.2 where "1.2" is expected): the type error says it; its enum error would only repeat it.
  const typePaths = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && anyOfPaths.has(error.instancePath)) continue;
    if (error.keyword === 'enum' && typePaths.has(error.instancePath)) continue;
    // A key that breaks `propertyNames`: its own error (pattern, length) says why; this one only repeats it.
    if (error.keyword === 'propertyNames') continue;
    const path = pointerToPath(error.instancePath);
    if (error.propertyName !== undefined) {
      const keyProblem = describe(error, [...path, error.propertyName], error.propertyName);
      problems.set(`${keyProblem.path.join('.')}|${keyProblem.message}`, { path: keyProblem.path, message: `invalid key: ${keyProblem.message}` });
      continue;
    }
    const actual = valueAt(root, path);
    // A null where a value is required: in Helm, null removes a key (and with it the chart's default), and the chart says this.
    const problem = error.keyword === 'type' && actual === null && isRequiredProperty(error, schema) ? { path, message: REMOVED_BY_NULL } : describe(error, path, actual);
    problems.set(`${problem.path.join('.')}|${problem.message}`, problem);
  }
  return [...problems.values()];
}

function describe(error: ErrorObject, path: (string | number)[], actual: unknown): SchemaProblem {
  const got = `, got ${JSON.stringify(actual)}`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const key = String(p.additionalProperty);
      const suggestion = closest(key, allowed);
      const message = allowed.length === 0 ? 'unknown key' : `unknown key${suggestion ? `: did you mean ${suggestion}?` : ''} (expected one of: ${allowed.join(', ')})`;
      return { path: [...path, key], message };
    }
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: 'required value is missing' };
    case 'type':
      if ((error.parentSchema as { pattern?: string } | undefined)?.pattern === patterns.quantity) return { path, message: quantityTypeMessage(actual) };
      return { path, message: `expected ${article(String(p.type))}${got}` };
    case 'pattern':
      return { path, message: `expected ${PATTERN_MEANINGS[String(p.pattern)] ?? `a value matching ${p.pattern}`}${got}` };
    case 'enum':
      return { path, message: enumMessage(p.allowedValues as unknown[], actual) + got };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `expected a number ${p.comparison} ${p.limit}${got}` };
    case 'not':
      // A `not` that says why in its own description: "<value> <description>".
      // Every `not` of the values schemas says why in its description (schema-primitives.ts NOT_LATEST):
      // the charts' templates/validate-values.yaml says the same words (readable-schema.ts).
      if (typeof (error.schema as { description?: unknown } | undefined)?.description === 'string') {
        return { path, message: `${JSON.stringify(actual)} ${(error.schema as { description: string }).description}` };
      }
      if (Array.isArray((error.schema as { enum?: unknown[] } | undefined)?.enum)) {
        return { path, message: `${JSON.stringify(actual)} is a name the platform uses itself (${(error.schema as { enum: unknown[] }).enum.join(', ')}); choose another` };
      }
      return { path, message: `${JSON.stringify(actual)} is not allowed here` };
    case 'anyOf':
      return { path, message: `expected ${alternatives(error.parentSchema)}${got}` };
    case 'uniqueItems':
      // ajv: item j repeats item i (i < j).
      return { path: [...path, Number(p.j)], message: `${JSON.stringify((actual as unknown[])[Number(p.j)])} is already item ${p.i}: expected each item once` };
    case 'minProperties':
      return { path, message: `expected at least ${p.limit} entr${p.limit === 1 ? 'y' : 'ies'} (an empty selector matches everything)` };
    case 'minItems':
      return { path, message: `expected at least ${p.limit} item(s)` };
    case 'maxLength':
      return { path, message: `expected at most ${p.limit} characters${got}` };
    default:
      return { path, message: `${error.message ?? 'invalid'}${got}` };
  }
}

/**
 * A quantity of the wrong type: a fraction (`cpu: 0.5`) names the text to write instead, as a
 * non-canonical quantity does; anything else says what a quantity is.
 */
function quantityTypeMessage(actual: unknown): string {
  if (typeof actual === 'number' && Number.isFinite(actual) && actual > 0 && isQuantity(String(actual))) {
    const canonical = canonicalQuantity(String(actual));
    return `${actual} is a fraction; a quantity is a string or a whole number: write "${canonical}"`;
  }
  return `expected ${PATTERN_MEANINGS[patterns.quantity]} (a string, or a whole number), got ${JSON.stringify(actual)}`;
}

/** The allowed values, or for the IANA time zones (hundreds) what they are. */
function enumMessage(allowed: readonly unknown[], actual: unknown): string {
  if (allowed.length === IANA_TIME_ZONES.length && allowed[0] === IANA_TIME_ZONES[0]) {
    return `expected a time zone of the IANA database such as Etc/UTC or Europe/Berlin${typeof actual === 'string' && actual.toLowerCase() === 'local' ? ' (Kubernetes refuses Local: the schedule would follow the controller’s clock)' : ''}`;
  }
  return `expected one of: ${allowed.join(', ')}`;
}

function alternatives(schema: unknown): string {
  const anyOf = (schema as { anyOf?: Array<{ type?: string; pattern?: string; const?: unknown }> })?.anyOf ?? [];
  // A union of literals (TypeBox's Type.Union of Type.Literal): the values, as an enum's.
  if (anyOf.length > 0 && anyOf.every((s) => s.const !== undefined)) return `one of: ${anyOf.map((s) => String(s.const)).join(', ')}`;
  return anyOf.map((s) => (s.type === 'integer' ? 'an integer' : s.pattern?.includes('%') ? 'a percentage such as 50%' : article(s.type ?? 'value'))).join(' or ');
}

function article(type: string): string {
  // A schema of several types (`type: [integer, string]`): ajv gives them joined by commas.
  if (type.includes(',')) return type.split(',').map(article).join(' or ');
  return type === 'integer' || type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let current = root;
  for (const key of path) current = (current as Record<string | number, unknown> | undefined)?.[key];
  return current;
}
