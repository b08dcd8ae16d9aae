/**
 * The monitoring chart's part of `npm run synth`, before its chart is built: every environment's
 * monitoring release (values loaded and validated), and the texts of its Helm chart. The chart itself
 * is composed in charts/monitoring-chart.ts and goes through the same release pipeline as the
 * applications (lib/synth/release-pipeline.ts).
 */
import { type ChartIdentity, releaseScope } from '../../chart/release';
import type { ChartRelease } from '../../synth/release-pipeline';
import type { Scope } from '../../template/expr';
import { textHelpers } from '../../template/text';
import type { EnvironmentValues } from '../../values/load';
import { type Problem, ValuesError } from '../../values/problems';
import { TRAFFIC_LISTENER_RULE } from '../../values/traffic';
import { MONITORING_API_SERVER_RULES } from '../../values/api-server-rules';
import { canonicalQuantityHelper, quantityRulesTemplate } from '../../values/quantity-rules';
import { MonitoringValuesSchema } from '../values-schema';
import { monitoringNotes, monitoringReadme } from './chart-docs';
import { helpersTemplate } from './common';
import { configHelpers } from './configs';
import { type MonitoringRelease, monitoringRelease } from './release-values';

import { MONITORING_CHART } from './chart-name';

export { MONITORING_CHART };

/** Every monitoring release of a synth: the default (base values) and one per environment. */
export interface MonitoringReleases {
  readonly identity: ChartIdentity;
  /** The base values' release: what the chart's values.yaml and `toJson()` hold. */
  readonly defaults: MonitoringRelease;
  readonly releases: ReadonlyArray<MonitoringRelease & { readonly environment: string }>;
  /** The release of `r` as an expression scope. */
  scopeOf(r: MonitoringRelease): Scope;
}

/**
 * Loads and validates the monitoring values of the base and every environment (a ValuesError reports
 * all their problems together). `namespaceOf(app, env)` is an application's namespace.
 */
export function loadMonitoringReleases(
  base: EnvironmentValues,
  environments: readonly EnvironmentValues[],
  options: { readonly version: string; readonly namespaceOf: (app: string, environment: string) => string },
): MonitoringReleases {
  const problems: Problem[] = [];
  const releases = [base, ...environments].map((env) => {
    try {
      return monitoringRelease(env, (app) => options.namespaceOf(app, env.environment));
    } catch (error) {
      if (!(error instanceof ValuesError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length > 0) {
    const seen = new Map(problems.map((p) => [`${p.file}:${p.line}:${p.path}:${p.message}`, p]));
    throw new ValuesError([...seen.values()]);
  }
  const [defaults, ...rest] = releases as MonitoringRelease[];
  const identity: ChartIdentity = { name: MONITORING_CHART, version: options.version, appVersion: defaults.values.prometheus.image.tag };
  return {
    identity,
    defaults,
    releases: rest.map((r, i) => ({ ...r, environment: environments[i].environment })),
    scopeOf: (r) => releaseScope(identity, r.values, { name: MONITORING_CHART, namespace: r.namespace }),
  };
}

/** The monitoring chart's Helm texts and values model, for the release pipeline. */
export function monitoringHelm(m: MonitoringReleases): Omit<ChartRelease['helm'], 'links'> {
  return {
    description: 'Monitoring of the platform: Prometheus, Alertmanager, Grafana, Loki and Alloy, or the Prometheus Operator resources.',
    schema: MonitoringValuesSchema,
    baseValues: m.defaults.values as unknown as Record<string, unknown>,
    helpers: `${helpersTemplate(MONITORING_CHART)}\n${textHelpers(MONITORING_CHART)}\n${configHelpers(MONITORING_CHART)}\n${canonicalQuantityHelper(MONITORING_CHART)}`,
    valueRules: `${TRAFFIC_LISTENER_RULE}\n${MONITORING_API_SERVER_RULES.map((rule) => rule.go).join('\n')}\n${quantityRulesTemplate(MONITORING_CHART, MonitoringValuesSchema)}`,
    notes: monitoringNotes(),
    readme: monitoringReadme(
      MONITORING_CHART,
      m.releases.map((r) => r.environment),
      m.defaults.namespace,
    ),
  };
}
