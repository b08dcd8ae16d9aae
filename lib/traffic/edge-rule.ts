/**
 * One rule of the edge values (lib/traffic/edge-rules.ts lists them), written twice side by side like
 * every rule of lib/values/app-rules.ts: `check` for synth, `go` for the chart's validate-values.yaml
 * (failing with `<path>: <message>`, the same words; `C.` stands for the chart's named templates).
 */
type Report = (path: (string | number)[], message: string) => void;

/** A rule over a chart's values (`V`, the part of them it reads). */
export interface EdgeRule<V> {
  readonly check: (v: V, report: Report) => void;
  readonly go: string;
}
