/**
 * The order in which a GitOps engine applies the charts of an environment, from what they write: a
 * chart that writes into a namespace another chart creates comes after that chart (the monitoring
 * chart's Roles in the applications' namespaces after the applications). Within one chart, both Argo CD
 * and Flux apply Namespaces (and CustomResourceDefinitions) before the other objects themselves.
 * Argo CD gets this order as sync waves on the Applications, Flux as `dependsOn` between Kustomizations.
 */
import type { ChartInventory } from './inventory';

/** Each chart's predecessors (the charts creating a namespace it writes into), and its wave. */
export interface ChartOrder {
  readonly after: ReadonlyMap<string, readonly string[]>;
  /** 0 for a chart that waits for nothing; one more than its latest predecessor otherwise. */
  readonly wave: ReadonlyMap<string, number>;
}

/**
 * Orders the charts of one environment. Throws when two charts each write into a namespace the other
 * creates (neither could be applied first): a mistake in the charts, not in the values.
 */
export function orderCharts(charts: readonly ChartInventory[]): ChartOrder {
  const creator = new Map<string, string>();
  for (const chart of charts) for (const namespace of chart.created) creator.set(namespace, chart.chart);
  const after = new Map<string, string[]>();
  for (const chart of charts) {
    const predecessors = new Set<string>();
    for (const namespace of chart.namespaces) {
      const owner = creator.get(namespace);
      if (owner !== undefined && owner !== chart.chart) predecessors.add(owner);
    }
    after.set(chart.chart, [...predecessors].sort());
  }
  const wave = new Map<string, number>();
  const visiting = new Set<string>();
  const waveOf = (chart: string): number => {
    const known = wave.get(chart);
    if (known !== undefined) return known;
    if (visiting.has(chart)) throw new Error(`charts ${[...visiting].join(', ')} write into each other's namespaces: no order applies them`);
    visiting.add(chart);
    const value = Math.max(-1, ...(after.get(chart) ?? []).map(waveOf)) + 1;
    visiting.delete(chart);
    wave.set(chart, value);
    return value;
  };
  for (const chart of charts) waveOf(chart.chart);
  return { after, wave };
}
