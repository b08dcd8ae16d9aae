/**
 * The canary's steps, two per phase of values `rollout.canary.phases`: `setWeight` (the phase's
 * traffic share), then an `analysis` step that runs the release analysis
 * (lib/delivery/analysis-template.ts) for the phase's whole duration with its thresholds. The
 * analysis step is the phase: the rollout moves on when it succeeds, aborts (back to the stable
 * version, at once) when a trigger holds, and pauses for a person when it is inconclusive. After the
 * last phase Argo Rollouts sends 100% to the new version.
 *
 * Two list items per phase is not something a manifest tree's `each` can write (one item per
 * element), so the steps are one expression with both renderings side by side, like
 * lib/template/functions.ts: in JavaScript below, in Go the named template `<chart>.canarySteps`
 * (`canaryStepsHelper`), read back with `fromJsonArray`. The Helm equivalence tests hold them equal,
 * and strict validation against the Rollout CRD schema checks the result.
 */
import { Expr, type GoContext, type Scope } from '../template/expr';
import type { AppValues } from '../values/schema';
import { ANALYSIS_ARGS } from './analysis-queries';

type Phase = AppValues['rollout']['canary']['phases'][number];

/**
 * The args of one release analysis: the namespace and the new version's pod template hash (filled
 * by Argo Rollouts), the measurement count (minutes + 1: one at the start, then one a minute), the
 * duration in minutes and the thresholds, as text (strings, or expressions giving text).
 */
export function analysisArgs<T>(args: { count: T; minutes: T; maxErrorRatio: T; maxP95Seconds: T }) {
  return [
    { name: ANALYSIS_ARGS.namespace, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: ANALYSIS_ARGS.canaryHash, valueFrom: { podTemplateHashValue: 'Latest' } },
    { name: ANALYSIS_ARGS.count, value: args.count },
    { name: ANALYSIS_ARGS.minutes, value: args.minutes },
    { name: ANALYSIS_ARGS.maxErrorRatio, value: args.maxErrorRatio },
    { name: ANALYSIS_ARGS.maxP95Seconds, value: args.maxP95Seconds },
  ];
}

/** The steps for the given phases and analysis template name; numbers as text as Helm's `toJson` writes them. */
function canarySteps(phases: readonly Phase[], templateName: string): unknown[] {
  return phases.flatMap((phase) => [
    { setWeight: phase.weight },
    {
      analysis: {
        templates: [{ templateName }],
        args: analysisArgs({ count: String(phase.minutes + 1), minutes: String(phase.minutes), maxErrorRatio: JSON.stringify(phase.maxErrorRatio), maxP95Seconds: JSON.stringify(phase.maxP95Seconds) }),
      },
    },
  ]);
}

/**
 * The canary's steps for a release (see the module comment). `templateName` is the release
 * analysis's name expression (a named template of the chart).
 */
export class CanarySteps extends Expr<unknown[]> {
  constructor(private readonly templateName: Expr<string>) {
    super();
  }
  evaluate(scope: Scope): unknown[] {
    const phases = (scope.values as AppValues).rollout.canary.phases;
    return canarySteps(phases, this.templateName.evaluate(scope));
  }
  go(ctx: GoContext): string {
    return `(include ${JSON.stringify(`${ctx.chartName}.canarySteps`)} (list $ ${this.templateName.go(ctx)}) | fromJsonArray)`;
  }
}

/** The Go side of `CanarySteps`, for the chart's _helpers.tpl (one argument: a list of the root and the template name). */
export function canaryStepsHelper(chart: string): string {
  const arg = (name: string, value: string) => `(dict "name" "${name}" "value" ${value})`;
  return `{{/* The canary's steps (lib/delivery/canary-steps.ts): setWeight and analysis for each phase, as JSON. */}}
{{- define "${chart}.canarySteps" -}}
{{- $root := index . 0 }}
{{- $templateName := index . 1 }}
{{- $steps := list }}
{{- range $phase := $root.Values.rollout.canary.phases }}
{{- $steps = append $steps (dict "setWeight" $phase.weight) }}
{{- $args := list (dict "name" "${ANALYSIS_ARGS.namespace}" "valueFrom" (dict "fieldRef" (dict "fieldPath" "metadata.namespace"))) (dict "name" "${ANALYSIS_ARGS.canaryHash}" "valueFrom" (dict "podTemplateHashValue" "Latest")) }}
{{- $args = append $args ${arg(ANALYSIS_ARGS.count, `(include "${chart}.str" (add1 $phase.minutes))`)} }}
{{- $args = append $args ${arg(ANALYSIS_ARGS.minutes, `(include "${chart}.str" $phase.minutes)`)} }}
{{- $args = append $args ${arg(ANALYSIS_ARGS.maxErrorRatio, `(toJson $phase.maxErrorRatio)`)} }}
{{- $args = append $args ${arg(ANALYSIS_ARGS.maxP95Seconds, `(toJson $phase.maxP95Seconds)`)} }}
{{- $steps = append $steps (dict "analysis" (dict "templates" (list (dict "templateName" $templateName)) "args" $args)) }}
{{- end }}
{{- toJson $steps }}
{{- end }}
`;
}
