/**
 * Every metric a dashboard or an alert rule reads must be produced by some component of the stack
 * (lib/monitoring/metric-catalog.ts) or by a recording rule: a renamed or misspelled metric makes a
 * panel empty or an alert silent, and nothing else would notice.
 */
import { describe, expect, it } from 'vitest';
import { buildAlertRules, defaultAlertThresholds } from '../../lib/monitoring/alert-rules';
import { type GrafanaDashboard, buildDashboards, dashboardExpressions } from '../../lib/monitoring/dashboards';
import { type MetricType, type Producer, metricCatalog, producedSeries, seriesNames } from '../../lib/monitoring/metric-catalog';
import { type PromqlSource, type UnknownMetric, metricNames, substituteGrafanaVariables, unknownMetrics } from '../../lib/monitoring/promql-metrics';

const dashboards = buildDashboards({ sloTarget: 0.999, applications: ['api', 'worker'] }).map((f) => f.dashboard);
const ruleFile = buildAlertRules(defaultAlertThresholds, { runbookBaseUrl: 'https://runbooks.example.com', environment: 'test' });

const ruleSources: PromqlSource[] = ruleFile.groups.flatMap((group) =>
  group.rules.map((rule) => ({
    where: `rule group ${group.name}, ${'alert' in rule ? `alert ${rule.alert}` : `recording rule ${rule.record}`}`,
    expr: rule.expr,
  })),
);
const recorded = new Set(ruleFile.groups.flatMap((group) => group.rules.flatMap((rule) => ('record' in rule ? [rule.record] : []))));
const produced = producedSeries();
const isProduced = (metric: string) => produced.has(metric) || recorded.has(metric);

function report(unknown: UnknownMetric[]): string {
  return unknown.map((u) => `${u.where}: metric ${u.metric} is produced by no component nor recording rule, in: ${u.expr}`).join('\n');
}

describe('metricNames', () => {
  it('finds the metrics inside nested functions and aggregations', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (namespace, job, le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))')).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNames('max_over_time(rate(x_total[5m])[1h:1m] offset 1d)')).toEqual(['x_total']);
  });

  it('finds both sides of binary operations, sorted and without duplicates', () => {
    expect(metricNames('sum(rate(b_total[5m])) / sum(rate(a_total[5m])) > 0.1 and b_total')).toEqual(['a_total', 'b_total']);
  });

  it('does not mistake label names of by, on, ignoring and group_left for metrics', () => {
    expect(metricNames('sum by (job) (x) / on (job) group_left (pod, node) y')).toEqual(['x', 'y']);
    expect(metricNames('x unless ignoring (instance) y')).toEqual(['x', 'y']);
    expect(metricNames('absent(up{job="kube-state-metrics"}) or on () vector(0)')).toEqual(['up']);
  });

  it('does not mistake string arguments or functions for metrics', () => {
    expect(metricNames('label_replace(up, "dst", "${1}", "src", "(.*)")')).toEqual(['up']);
    expect(metricNames('count_values("version", build_info)')).toEqual(['build_info']);
    expect(metricNames('time() - vector(1)')).toEqual([]);
  });

  it('reads the metric name of __name__ matchers and quoted names', () => {
    expect(metricNames('{__name__="up", job="api"}')).toEqual(['up']);
    expect(metricNames('rate({__name__=~"b_total|a_total"}[5m])')).toEqual(['a_total', 'b_total']);
    expect(metricNames('{"http.server.requests", job="api"}')).toEqual(['http.server.requests']);
    expect(metricNames('{"__name__"="up"}')).toEqual(['up']);
    expect(metricNames('{__name__!="go_info", __name__=~"up"}')).toEqual(['up']);
  });

  it('refuses selectors that name no single metric, which no check could follow', () => {
    expect(() => metricNames('count({__name__=~"http_.*"})')).toThrow('PromQL selector {__name__=~"http_.*"} names no metric at offset 6 in: count({__name__=~"http_.*"})');
    expect(() => metricNames('{job="api"}')).toThrow(/names no metric/);
  });

  it('reports a syntax error with the expression', () => {
    expect(() => metricNames('sum(rate(x_total[5m])')).toThrow('PromQL syntax error at offset 21 in: sum(rate(x_total[5m])');
    expect(() => metricNames('not_a_function(up)')).toThrow(/^PromQL syntax error at offset \d+ in: not_a_function\(up\)$/);
    expect(() => metricNames('  ')).toThrow('PromQL expression is empty');
  });

  it('parses dashboard expressions with Grafana variables, and says what it parsed when it fails', () => {
    expect(metricNames('sum(increase(x_total{namespace=~"$namespace", job=~"${job:regex}"}[$__range])) / sum(rate(y_total[$__rate_interval]))')).toEqual(['x_total', 'y_total']);
    expect(() => metricNames('rate(x_total{job=~"$job"}[$__interval]')).toThrow('\n  parsed as: rate(x_total{job=~"job"}[1m]');
  });
});

describe('substituteGrafanaVariables', () => {
  it('replaces interval variables by durations, and other variables by their name', () => {
    expect(substituteGrafanaVariables('rate(x{namespace=~"$namespace", job=~"${job}", pod=~"[[pod]]"}[$__rate_interval])')).toBe('rate(x{namespace=~"namespace", job=~"job", pod=~"pod"}[4m])');
    expect(substituteGrafanaVariables('increase(x[$__range]) offset $__interval')).toBe('increase(x[1d]) offset 1m');
  });

  it('leaves the capture groups of label_replace alone', () => {
    expect(substituteGrafanaVariables('label_replace(x, "class", "${1}xx", "status", "(.)..")')).toBe('label_replace(x, "class", "${1}xx", "status", "(.)..")');
  });
});

describe('metric catalog', () => {
  const prefixes: Record<Producer, RegExp> = {
    application: /^http_/,
    'prometheus-synthetic': /^(up|scrape_.+|ALERTS|ALERTS_FOR_STATE)$/,
    prometheus: /^prometheus_/,
    alertmanager: /^alertmanager_/,
    'kube-state-metrics': /^kube_/,
    cadvisor: /^(container|machine)_/,
    kubelet: /^(kubelet|prober)_/,
    'node-exporter': /^node_/,
    'blackbox-exporter': /^(probe|blackbox)_/,
    loki: /^loki_/,
    grafana: /^grafana_/,
    alloy: /^(alloy|loki_write)_/,
    'argo-rollouts': /^(rollout|analysis_run)_/,
    'cert-manager': /^certmanager_/,
    velero: /^velero_/,
    'postgres-exporter': /^pg_/,
    'redis-exporter': /^redis_/,
    envoy: /^envoy_/,
    'ingress-nginx': /^nginx_ingress_controller_/,
  };
  /** Counters exposed without the _total suffix, as their exporters name them (postgres_exporter's from pg_stat_database). */
  const counterExceptions = new Set([
    'kubelet_evictions',
    'container_memory_failcnt',
    ...['xact_commit', 'xact_rollback', 'blks_hit', 'blks_read', 'deadlocks', 'temp_bytes'].map((column) => `pg_stat_database_${column}`),
    // Envoy's counters (its stat names) and ingress-nginx's request counter.
    'envoy_cluster_upstream_rq_xx',
    'envoy_http_downstream_rq_xx',
    'envoy_http_local_rate_limiter_http_local_rate_limit_rate_limited',
    'envoy_http_local_rate_limiter_http_local_rate_limit_ok',
    'nginx_ingress_controller_requests',
  ]);
  const goProcess = /^(go|process)_/;

  it('lists each family once per producer, under its exporter prefix, with a valid name', () => {
    for (const [producer, families] of Object.entries(metricCatalog) as Array<[Producer, (typeof metricCatalog)[Producer]]>) {
      const names = families.map((f) => f.name);
      expect(new Set(names).size, producer).toBe(names.length);
      for (const name of names) {
        expect(name, producer).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        if (!goProcess.test(name)) expect(name, producer).toMatch(prefixes[producer]);
      }
    }
  });

  it('names families by their base name, and counters with _total', () => {
    for (const family of Object.values(metricCatalog).flat()) {
      // pg_stat_activity_count and pg_locks_count are gauges named so by postgres_exporter.
      if (family.type === 'histogram' || family.type === 'summary' || !/^pg_/.test(family.name)) expect(family.name).not.toMatch(/_(bucket|sum|count)$/);
      if (family.type === 'counter' && !counterExceptions.has(family.name)) expect(family.name).toMatch(/_total$/);
    }
  });

  it('expands histograms and summaries into the series they are exposed as', () => {
    const family = (type: MetricType) => seriesNames({ name: 'm', type });
    expect(family('histogram')).toEqual(['m_bucket', 'm_sum', 'm_count']);
    expect(family('summary')).toEqual(['m', 'm_sum', 'm_count']);
    expect(family('counter')).toEqual(['m']);
    expect(produced.get('go_goroutines')).toContain('prometheus');
  });
});

describe('every metric read is produced', () => {
  it('by the dashboards, panels and variables alike', () => {
    const sources = dashboards.flatMap(dashboardExpressions);
    expect(sources.some((s) => s.where === 'dashboard platform-http, variable $job')).toBe(true);
    const unknown = unknownMetrics(sources, isProduced);
    expect(unknown, report(unknown)).toEqual([]);
  });

  it('by the alert and recording rules', () => {
    expect(ruleSources.length).toBeGreaterThan(0);
    const unknown = unknownMetrics(ruleSources, isProduced);
    expect(unknown, report(unknown)).toEqual([]);
  });

  it('reports an unknown metric with the expression and where it was found', () => {
    const broken: GrafanaDashboard = structuredClone(dashboards.find((d) => d.uid === 'platform-http')!);
    const panel = broken.panels.find((p) => p.type !== 'row' && p.title === 'Request rate')!;
    if (panel.type === 'row') throw new Error('unreachable');
    panel.targets[0].expr = 'sum by (job) (rate(http_requests_totl{job=~"$job"}[$__rate_interval]))';

    const unknown = unknownMetrics(dashboardExpressions(broken), isProduced);
    expect(unknown).toEqual([
      {
        where: 'dashboard platform-http, panel "Request rate" (query A)',
        expr: 'sum by (job) (rate(http_requests_totl{job=~"$job"}[$__rate_interval]))',
        metric: 'http_requests_totl',
      },
    ]);
    expect(report(unknown)).toBe(
      'dashboard platform-http, panel "Request rate" (query A): metric http_requests_totl is produced by no component nor recording rule, in: sum by (job) (rate(http_requests_totl{job=~"$job"}[$__rate_interval]))',
    );
  });
});
