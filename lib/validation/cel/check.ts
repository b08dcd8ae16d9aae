/**
 * The CEL rules of the CRDs (`x-kubernetes-validations`) over a set of documents: every custom resource
 * whose schema was found is checked against that schema's rules (./crd-rules.ts). The rules of each
 * schema file are compiled once per run, when an object first reaches them; a rule the library cannot
 * evaluate is listed once, with its CRD, never skipped silently.
 */
import { formatFieldPath } from '../field-path';
import type { Finding } from '../finding';
import { isKubernetesObject, type ManifestDocument, objectRef } from '../kubernetes-object';
import type { SchemaValidator } from '../schema-validator';
import { type CompiledRules, compileRules, evaluateRules, TRANSITION_RULE, type UnevaluatedRule } from './crd-rules';

/** A rule not evaluated, with the CRD it belongs to (`HTTPRoute gateway.networking.k8s.io/v1`). */
export interface UnevaluatedCrdRule extends UnevaluatedRule {
  readonly crd: string;
}

export interface CelCheckResult {
  readonly findings: Finding[];
  /** Rules that could not be evaluated (reported by validate, with the reason). */
  readonly unevaluated: UnevaluatedCrdRule[];
  /** Transition rules (oldSelf), which apply to updates only and so not to these objects. */
  readonly transition: UnevaluatedCrdRule[];
  /** Rules at a schema node that at least one object reaches (those evaluated, and those listed above). */
  readonly reached: number;
  /** Rules in the CRDs of the objects. */
  readonly rules: number;
}

/** Compiled per schema location, for the process (a location's file does not change during a run). */
const compiledByLocation = new Map<string, CompiledRules>();

function rulesAt(location: string, schema: Readonly<Record<string, unknown>>): CompiledRules {
  let compiled = compiledByLocation.get(location);
  if (!compiled) {
    compiled = compileRules(schema);
    compiledByLocation.set(location, compiled);
  }
  return compiled;
}

export async function checkCelRules(documents: readonly ManifestDocument[], validator: SchemaValidator, kubernetesVersions: readonly string[]): Promise<CelCheckResult> {
  const findings: Finding[] = [];
  const used = new Map<string, { crd: string; compiled: CompiledRules }>();
  for (const { file, doc, document } of documents) {
    if (!isKubernetesObject(doc) || typeof doc.kind !== 'string' || typeof doc.apiVersion !== 'string') continue;
    const seen = new Set<string>();
    const messages = new Set<string>();
    for (const kubernetesVersion of kubernetesVersions) {
      const lookup = await validator.lookup({ kind: doc.kind, apiVersion: doc.apiVersion, kubernetesVersion });
      if (lookup.status !== 'found' || seen.has(lookup.location)) continue;
      seen.add(lookup.location);
      const compiled = rulesAt(lookup.location, lookup.schema);
      if (compiled.count === 0) continue;
      used.set(lookup.location, { crd: `${doc.kind} ${doc.apiVersion}`, compiled });
      for (const violation of evaluateRules(compiled, doc)) {
        const field = formatFieldPath(violation.path);
        if (messages.has(`${field}\n${violation.message}`)) continue;
        messages.add(`${field}\n${violation.message}`);
        findings.push({ file, document, object: objectRef(doc), field, message: violation.message, reason: 'cel-violation' });
      }
    }
  }
  const all = [...used.values()];
  const skipped = all.flatMap(({ crd, compiled }) => [...compiled.reached.values()].flatMap((rule) => (rule === undefined ? [] : [{ crd, ...rule }])));
  const isTransition = (rule: UnevaluatedCrdRule) => rule.reason.startsWith(TRANSITION_RULE);
  return {
    findings,
    unevaluated: skipped.filter((rule) => !isTransition(rule)),
    transition: skipped.filter(isTransition),
    reached: all.reduce((sum, { compiled }) => sum + compiled.reached.size, 0),
    rules: all.reduce((sum, { compiled }) => sum + compiled.count, 0),
  };
}

/** `<CRD>: <schema path>: rule not evaluated (<reason>): <rule>`, one line per rule. */
export function formatUnevaluatedRule(rule: UnevaluatedCrdRule): string {
  return `${rule.crd}: ${rule.at}: ${rule.reason}: ${rule.rule.replace(/\s+/g, ' ')}`;
}
