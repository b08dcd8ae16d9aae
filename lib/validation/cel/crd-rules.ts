/**
 * The `x-kubernetes-validations` rules of a CRD schema, compiled once per run, and evaluated against
 * custom resources as the API server does on create (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel,
 * validation.go): each rule runs at its schema node with `self` bound to the value there, for every
 * value present in the object (every item of a list, every entry of a map); a rule that is false, or
 * whose evaluation fails (a field that is absent, ...), is a violation reported with the rule's
 * `message`, else its `messageExpression`'s result, else `failed rule: <rule>`, at its field path
 * (plus the rule's `fieldPath`). Transition rules (those that read `oldSelf`) apply to updates only;
 * every object here is a create, as flux-schema treats them, so they are not run (optionalOldSelf
 * rules would run with no old value, which needs CEL optionals: reported as not evaluated).
 *
 * CEL library: @bufbuild/cel (Buf's CEL for ECMAScript, tested against the cel-spec conformance suite;
 * RE2 regular expressions as the API server's `matches`, the strings extension), with the Kubernetes
 * functions of ./kubernetes-library.ts. Chosen over @marcbachmann/cel-js (regular expressions are
 * JavaScript's: the Gateway API's `(?i)` patterns throw on Node 20) and cel-js (does not parse
 * `[...].filter(...)` or triple-quoted raw strings, both in these CRDs). Not carried: the API server's
 * cost budget (a CRD whose rules exceed it is refused when installed, so a shipped CRD is within it).
 */
import { type CelEnv, type CelValue, celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from '@bufbuild/re2';
import type { FieldPath } from '../field-path';
import { isRecord } from '../kubernetes-object';
import { kubernetesLibrary } from './kubernetes-library';
import { itemSchema, mapValueSchema, propertySchema, type Schema, isSchema, toCelValue, withDefaults } from './structural-values';

/** One rule of a CRD, as written. */
interface RuleSource {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/** A rule that was not run on the objects, with why; listed by validate, never skipped silently. */
export interface UnevaluatedRule {
  /** The schema node's path in the CRD, e.g. `spec.rules[].matches[].path`. */
  readonly at: string;
  readonly rule: string;
  readonly reason: string;
}

type Program = (bindings: Record<string, unknown>) => CelValue | Error;

interface Compiled {
  readonly program?: Program;
  readonly error?: string;
  /** A transition rule (reads oldSelf): not run on a create. */
  readonly transition: boolean;
}

/** A schema node with its rules and the children under which rules are, so that a walk skips the rest. */
interface RuleNode {
  readonly schema: Schema;
  /** The node's path in the CRD (`spec.rules[].matches[].path`), for the list of rules not evaluated. */
  readonly at: string;
  readonly rules: readonly RuleSource[];
  readonly properties: ReadonlyMap<string, RuleNode>;
  readonly items?: RuleNode;
  readonly additionalProperties?: RuleNode;
}

/**
 * The rules of one CRD schema. Each rule is compiled the first time an object reaches its node
 * (parsing costs about 3 ms a rule, and a CRD such as SecurityPolicy has 144 rules of which an object
 * reaches a few); what was reached is recorded: rules run, rules not evaluated, transition rules.
 */
export interface CompiledRules {
  readonly root?: RuleNode;
  /** Rules in the schema. */
  readonly count: number;
  /** Rules reached by at least one object, keyed by node path and rule; a value for those not run. */
  readonly reached: Map<string, UnevaluatedRule | undefined>;
}

/** A violation: where in the object, and the message. */
export interface RuleViolation {
  readonly path: FieldPath;
  readonly message: string;
  readonly rule: string;
}

/** RE2 for `matches`, each pattern compiled once per run (the library's default compiles at every call). */
const re2Cache = new Map<string, RE2JS>();
const cachedRe2 = {
  compile(pattern: string): RE2JS {
    let compiled = re2Cache.get(pattern);
    if (!compiled) {
      compiled = RE2JS.compile(pattern);
      re2Cache.set(pattern, compiled);
    }
    return compiled;
  },
};

let environment: CelEnv | undefined;
const programs = new Map<string, Compiled>();

function env(): CelEnv {
  environment ??= celEnv({ funcs: [...strings, ...kubernetesLibrary], re2: cachedRe2 });
  return environment;
}

/** Function names called in a parsed expression (the library binds functions only when they run). */
function calledFunctions(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) calledFunctions(item, found);
  else if (isRecord(node)) {
    if (node.case === 'callExpr' && isRecord(node.value) && typeof node.value.function === 'string') found.add(node.value.function);
    for (const value of Object.values(node)) if (typeof value === 'object') calledFunctions(value, found);
  }
  return found;
}

function readsOldSelf(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(readsOldSelf);
  if (!isRecord(node)) return false;
  if (node.case === 'identExpr' && isRecord(node.value) && node.value.name === 'oldSelf') return true;
  return Object.values(node).some((value) => typeof value === 'object' && readsOldSelf(value));
}

/**
 * Names the library evaluates itself rather than through its function resolver: the logical,
 * conditional and index operators, and the macros (expanded by the parser into comprehensions; their
 * calls stay in the parse result's macro source information).
 */
const BUILT_INTO_THE_LIBRARY = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false', 'has', 'all', 'exists', 'exists_one', 'map', 'filter']);

/** One expression compiled once per run (cached by its text across CRDs). */
function compile(expression: string): Compiled {
  let compiled = programs.get(expression);
  if (compiled) return compiled;
  try {
    const parsed = parse(expression);
    const missing = [...calledFunctions(parsed, new Set())].filter((name) => !BUILT_INTO_THE_LIBRARY.has(name) && env().funcs.find(name) === undefined).sort();
    compiled =
      missing.length > 0
        ? { error: `the CEL library lacks ${missing.map((name) => `${name}()`).join(', ')}`, transition: readsOldSelf(parsed) }
        : { program: plan(env(), parsed) as Program, transition: readsOldSelf(parsed) };
  } catch (error) {
    compiled = { error: `cannot parse: ${(error as Error).message}`, transition: false };
  }
  programs.set(expression, compiled);
  return compiled;
}

function ruleSources(schema: Schema): RuleSource[] {
  const rules = schema['x-kubernetes-validations'];
  return Array.isArray(rules) ? rules.filter((rule): rule is RuleSource => isRecord(rule) && typeof rule.rule === 'string') : [];
}

/** The tree of a CRD schema's rules (nothing is compiled yet: see CompiledRules). */
export function compileRules(schema: Schema): CompiledRules {
  let count = 0;
  const visit = (node: Schema, at: string): RuleNode | undefined => {
    const rules = ruleSources(node);
    count += rules.length;
    const properties = new Map<string, RuleNode>();
    if (isRecord(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        const compiled = isSchema(child) ? visit(child, at ? `${at}.${name}` : name) : undefined;
        if (compiled) properties.set(name, compiled);
      }
    }
    const items = itemSchema(node);
    const additional = mapValueSchema(node);
    const itemsNode = items && visit(items, `${at}[]`);
    const additionalNode = additional && visit(additional, `${at}[*]`);
    if (rules.length === 0 && properties.size === 0 && !itemsNode && !additionalNode) return undefined;
    return { schema: node, at: at || '<root>', rules, properties, items: itemsNode, additionalProperties: additionalNode };
  };
  return { root: visit(schema, ''), count, reached: new Map() };
}

/** The start of the reason given for a transition rule. */
export const TRANSITION_RULE = 'transition rule (oldSelf)';

/** The rule's program, or why it is not run (recorded in `reached` either way). */
function programFor(compiled: CompiledRules, node: RuleNode, source: RuleSource): Program | undefined {
  const key = `${node.at}\n${source.rule}`;
  const result = compile(source.rule);
  if (!compiled.reached.has(key)) {
    const where = { at: node.at, rule: source.rule };
    let skipped: UnevaluatedRule | undefined;
    if (result.transition && !source.optionalOldSelf) skipped = { ...where, reason: `${TRANSITION_RULE}: applies to updates only` };
    else if (result.error !== undefined) skipped = { ...where, reason: result.error };
    else if (source.optionalOldSelf) skipped = { ...where, reason: 'optionalOldSelf needs CEL optional values, which the library lacks' };
    compiled.reached.set(key, skipped);
  }
  return compiled.reached.get(key) === undefined ? result.program : undefined;
}

function messageOf(source: RuleSource, self: unknown): string {
  const program = source.messageExpression === undefined ? undefined : compile(source.messageExpression).program;
  const result = program?.({ self });
  if (typeof result === 'string' && result.trim() !== '' && !result.includes('\n')) return result;
  return source.message ?? `failed rule: ${source.rule}`;
}

/** The rule's `fieldPath` (a JSONPath-like `.a.b` or `.a['b']`) appended to the node's path. */
function withFieldPath(path: FieldPath, fieldPath: string | undefined): FieldPath {
  if (fieldPath === undefined) return path;
  const parts = [...fieldPath.matchAll(/\.([A-Za-z0-9_-]+)|\['([^']*)'\]|\[(\d+)\]/g)].map(([, name, quoted, index]) => (index !== undefined ? Number(index) : (name ?? quoted)));
  return [...path, ...parts];
}

/** Evaluates the compiled rules against one object (defaulted first); returns every violation. */
export function evaluateRules(compiled: CompiledRules, object: unknown): RuleViolation[] {
  if (!compiled.root) return [];
  const violations: RuleViolation[] = [];
  const walk = (node: RuleNode, value: unknown, path: FieldPath) => {
    if (value === undefined || value === null) return;
    if (node.rules.length > 0) {
      const self = toCelValue(value, node.schema);
      for (const source of node.rules) {
        const program = programFor(compiled, node, source);
        const result = program?.({ self });
        if (program === undefined || result === true) continue;
        const message = isCelError(result) ? `${source.message ?? `failed rule: ${source.rule}`} (evaluation error: ${(result as Error).message})` : messageOf(source, self);
        violations.push({ path: withFieldPath(path, source.fieldPath), message, rule: source.rule });
      }
    }
    if (Array.isArray(value)) {
      const items = node.items;
      if (items) {
        for (const [index, item] of value.entries()) walk(items, item, [...path, index]);
      }
      return;
    }
    if (!isRecord(value)) return;
    for (const [name, child] of node.properties) walk(child, value[name], [...path, name]);
    if (node.additionalProperties) {
      for (const [key, child] of Object.entries(value)) if (!propertySchema(node.schema, key)) walk(node.additionalProperties, child, [...path, key]);
    }
  };
  walk(compiled.root, withDefaults(object, compiled.root.schema), []);
  return violations;
}
