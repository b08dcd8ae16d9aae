/** Expressions the monitoring stack needs beyond lib/template, with both renderings side by side. */
import { Expr, type GoContext, type Operand, type Scope, expr } from '../../template/expr';

/** 0, 1, ..., n-1 (Sprig `until`), e.g. one flag per StatefulSet ordinal. */
export function ordinals(count: Operand<number>): Expr<number[]> {
  return new (class extends Expr<number[]> {
    evaluate(scope: Scope): number[] {
      return Array.from({ length: Number(expr(count).evaluate(scope)) }, (_, i) => i);
    }
    go(ctx: GoContext): string {
      return `(until (int ${expr(count).go(ctx)}))`;
    }
  })();
}

/** Whether a number is greater than a constant (Helm values are float64: compared as int). */
export function greaterThan(value: Operand<number>, limit: number): Expr<boolean> {
  return new (class extends Expr<boolean> {
    evaluate(scope: Scope): boolean {
      return Number(expr(value).evaluate(scope)) > limit;
    }
    go(ctx: GoContext): string {
      return `(gt (int ${expr(value).go(ctx)}) ${limit})`;
    }
  })();
}

/**
 * The monitored entries of a map of objects, each reduced to `fields` (e.g. a data store's host and
 * port): a generated text given only what it uses does not hold the other fields' shapes (a pod label
 * added to a data store changes no scrape configuration). Go: the chart's `<chart>.pickMonitored`
 * (monitoringExpressionHelpers), read back with `fromJson`.
 */
export function pickMonitored<T extends object, K extends keyof T & string>(map: Expr<Readonly<Record<string, T>>>, fields: readonly K[]): Expr<Record<string, Pick<T, K>>> {
  return new (class extends Expr<Record<string, Pick<T, K>>> {
    /**
     * The result per scope: a generated text reads each field of it through its own path, so one
     * release evaluates this once per field of every application (quadratic in the applications
     * without it). Like a value reference's, the result is read, never changed.
     */
    private readonly picked = new WeakMap<Scope, Record<string, Pick<T, K>>>();

    evaluate(scope: Scope): Record<string, Pick<T, K>> {
      const known = this.picked.get(scope);
      if (known !== undefined) return known;
      const entries = Object.entries((map.evaluate(scope) ?? {}) as Record<string, T & { monitored?: boolean }>).filter(([, entry]) => entry.monitored === true);
      const picked = Object.fromEntries(entries.map(([key, entry]) => [key, Object.fromEntries(fields.map((field) => [field, entry[field]])) as Pick<T, K>]));
      this.picked.set(scope, picked);
      return picked;
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.pickMonitored`)} (list ${map.go(ctx)} (list ${fields.map((f) => JSON.stringify(f)).join(' ')})) | fromJson)`;
    }
  })();
}

/** The named templates of the expressions above; added to the monitoring chart's _helpers.tpl. */
export function monitoringExpressionHelpers(chartName: string): string {
  return `{{/* The monitored entries of a map of objects, reduced to the given fields, as JSON (lib/monitoring/stack/expressions.ts pickMonitored). */}}
{{- define "${chartName}.alertmanagerPodUrls" -}}
{{- $urls := list -}}
{{- range $i := until (int (index . 0)) }}{{ $urls = append $urls (printf "http://alertmanager-%d.%s%s" $i (index $ 1) (index $ 2)) }}{{ end -}}
{{- join "," $urls -}}
{{- end }}

{{/* The monitored entries of a map of objects, reduced to the given fields, as JSON (pickMonitored). */}}
{{- define "${chartName}.pickMonitored" -}}
{{- $out := dict -}}
{{- range $key, $entry := index . 0 }}{{ if $entry.monitored }}{{ $picked := dict }}{{ range $field := index $ 1 }}{{ $_ := set $picked $field (index $entry $field) }}{{ end }}{{ $_ := set $out $key $picked }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}
`;
}

/**
 * `http://alertmanager-<i>.<peers>/<prefix>` for each Alertmanager pod (i < replicas), comma-separated:
 * each pod of the StatefulSet by its name in the headless Service, as Loki's ruler takes them
 * (alertmanager_url; alerts are not shared between Alertmanagers, so a ruler sends to every one).
 */
export function alertmanagerPodUrls(replicas: Operand<number>, peers: Expr<string>, prefix: string): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      const host = peers.evaluate(scope);
      return Array.from({ length: Number(expr(replicas).evaluate(scope)) }, (_, i) => `http://alertmanager-${i}.${host}${prefix}`).join(',');
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.alertmanagerPodUrls`)} (list ${expr(replicas).go(ctx)} ${peers.goText(ctx)} ${JSON.stringify(prefix)}))`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}
