/**
 * Requests at most limits for every container resources of a chart's values, found in its schema:
 * each object with `requests` and `limits` whose cpu and memory are quantities (the application's
 * `resources`, the migration's, the backups' and restore drills', each component of the monitoring
 * stack). The API server refuses a container whose request exceeds its limit
 * (k8s.io/kubernetes/pkg/apis/core/validation ValidateResourceRequirements: "must be less than or equal
 * to cpu limit"); synth and the chart's validate-values.yaml refuse it first, with the same words.
 * Lists (sidecars, init containers) have their own rule (pod-rules.ts); maps of values are not entered.
 */
import { isQuantity, parseQuantity, quantityText } from './quantity';
import { patterns } from './schema-primitives';

type Schema = { properties?: Record<string, Schema>; pattern?: string };

const RESOURCES = ['cpu', 'memory'] as const;

/**
 * `value` as a quantity's text, or undefined when it is none (an object, an empty or made-up string): the
 * schema reports that value at its own path, so this rule leaves it alone rather than compare it.
 */
function quantityOrNone(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = quantityText(value);
  return isQuantity(text) ? text : undefined;
}

/** Whether `schema` holds cpu and memory quantities. */
const isResourceSet = (schema: Schema | undefined) => RESOURCES.every((resource) => schema?.properties?.[resource]?.pattern === patterns.quantity);

/** The paths (properties only) of the container `resources` of `schema`: requests and limits of cpu and memory. */
export function resourcePairPaths(schema: unknown, path: readonly string[] = []): string[][] {
  const s = schema as Schema;
  if (typeof s !== 'object' || s === null || s.properties === undefined) return [];
  const here = path[path.length - 1] === 'resources' && isResourceSet(s.properties.requests) && isResourceSet(s.properties.limits) ? [[...path]] : [];
  return [...here, ...Object.entries(s.properties).flatMap(([key, child]) => resourcePairPaths(child, [...path, key]))];
}

/** A rule of a chart's values, in synth (check) and in Go (`chart` names its `str` and `quantity` templates). */
export interface ResourcePairRule {
  readonly check: (values: unknown, report: (path: (string | number)[], message: string) => void) => void;
  readonly go: string;
}

/** The rule for the object at `path` (under `.Values`). */
export function resourcePairRule(path: readonly string[], chart: string): ResourcePairRule {
  const dig = (keys: readonly string[]) => `(dig ${keys.map((k) => JSON.stringify(k)).join(' ')} nil (default (dict) .Values.${path[0]}))`;
  const under = path.slice(1);
  return {
    check: (values, report) => {
      const pair = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
      for (const resource of RESOURCES) {
        const requested = quantityOrNone(pair?.requests?.[resource]);
        const limited = quantityOrNone(pair?.limits?.[resource]);
        if (requested === undefined || limited === undefined) continue;
        if (parseQuantity(requested) > parseQuantity(limited)) report([...path, 'requests', resource], `expected at most the limit (${limited}), got ${requested}`);
      }
    },
    go: RESOURCES.map(
      (resource) => `{{- $request := ${dig([...under, 'requests', resource])} }}
{{- $limit := ${dig([...under, 'limits', resource])} }}
{{- if and $request $limit (gt (float64 (include "${chart}.quantity" $request)) (float64 (include "${chart}.quantity" $limit))) }}
{{- fail (printf "${[...path, 'requests', resource].join('.')}: expected at most the limit (%s), got %s" (include "${chart}.str" $limit) (include "${chart}.str" $request)) }}
{{- end }}`,
    ).join('\n'),
  };
}
