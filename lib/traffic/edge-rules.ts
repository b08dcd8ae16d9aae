/**
 * The cross-field rules of the edge values (HSTS, CORS, admin authentication, annotations), each
 * written twice side by side like every rule of lib/values/app-rules.ts: in TypeScript for synth and as
 * Go template text for the charts' templates/validate-values.yaml, with the same words.
 * APP_EDGE_RULES are the application chart's (app-rules.ts lists them); MONITORING_EDGE_RULES the
 * monitoring chart's (its release values and its validate-values.yaml).
 */
import type { SchemaProblem } from '../values/schema-check';
import type { EdgeRule } from './edge-rule';
import { ANNOTATION_RULES, type AnnotationRuleValues } from './annotations';
import { CORS_RULES, type CorsRuleValues } from './cors';
import { HSTS_PRELOAD_MIN_AGE } from './security-headers';

interface HstsValues {
  readonly ingress: { readonly hstsMaxAgeSeconds: number; readonly hstsPreload: boolean };
}

const PRELOAD_AGE = `the HSTS preload list (hstspreload.org) requires a max-age of at least ${HSTS_PRELOAD_MIN_AGE} seconds (one year)`;

/** `preload` with a max-age the preload list refuses: browsers would not list the domain, and the header would promise what it cannot give. */
const hstsPreloadRule: EdgeRule<HstsValues> = {
  check: (v, report) => {
    if (v.ingress.hstsPreload && v.ingress.hstsMaxAgeSeconds < HSTS_PRELOAD_MIN_AGE) report(['ingress', 'hstsPreload'], `${PRELOAD_AGE}, got ${v.ingress.hstsMaxAgeSeconds}`);
  },
  go: `{{- if and .Values.ingress.hstsPreload (lt (float64 .Values.ingress.hstsMaxAgeSeconds) ${HSTS_PRELOAD_MIN_AGE}.0) }}
{{- fail (printf "ingress.hstsPreload: ${PRELOAD_AGE}, got %s" (include "C.str" .Values.ingress.hstsMaxAgeSeconds)) }}
{{- end }}`,
};

/** The application chart's edge rules, in the order of their messages. */
export const APP_EDGE_RULES: readonly EdgeRule<HstsValues & CorsRuleValues & AnnotationRuleValues>[] = [hstsPreloadRule, ...CORS_RULES, ...ANNOTATION_RULES];

/** The monitoring chart's edge rules. */
export const MONITORING_EDGE_RULES: readonly EdgeRule<HstsValues>[] = [hstsPreloadRule];

/** Every problem of `rules` in `values`. */
export function edgeProblems<V>(rules: readonly EdgeRule<V>[], values: V): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const rule of rules) rule.check(values, (path, message) => problems.push({ path, message }));
  return problems;
}

/** The Go text of `rules` for the chart named `chart` (`C.` named templates become `<chart>.`). */
export function edgeRulesTemplate<V>(rules: readonly EdgeRule<V>[], chart: string): string {
  return rules.map((rule) => rule.go.replaceAll('"C.', `"${chart}.`)).join('\n');
}
