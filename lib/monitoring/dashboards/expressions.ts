/** The PromQL of a dashboard: its panels' queries and the series selectors of its variables. */
import type { PromqlSource } from '../promql-metrics';
import type { GrafanaDashboard } from './model';

/** Grafana's Prometheus variable queries that read series: `label_values(<selector>, <label>)` and `query_result(<expr>)`. */
const LABEL_VALUES = /^label_values\((?:(.+),\s*)?[A-Za-z_]\w*\)$/s;
const QUERY_RESULT = /^query_result\((.+)\)$/s;

export function dashboardExpressions(dashboard: GrafanaDashboard): PromqlSource[] {
  const sources: PromqlSource[] = [];
  for (const panel of dashboard.panels) {
    if (panel.type === 'row') continue;
    for (const target of panel.targets) {
      sources.push({ where: `dashboard ${dashboard.uid}, panel "${panel.title}" (query ${target.refId})`, expr: target.expr });
    }
  }
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    const where = `dashboard ${dashboard.uid}, variable $${variable.name}`;
    const expr = variableExpression(variable.query.trim(), where);
    if (expr !== undefined) sources.push({ where, expr });
  }
  return sources;
}

/** The PromQL a variable query reads; undefined for `label_values(<label>)`, which names no metric. */
function variableExpression(query: string, where: string): string | undefined {
  const labelValues = LABEL_VALUES.exec(query);
  if (labelValues) return labelValues[1];
  const queryResult = QUERY_RESULT.exec(query);
  if (queryResult) return queryResult[1];
  throw new Error(`${where}: unsupported variable query ${query}`);
}
