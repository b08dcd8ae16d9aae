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
import { type EnvironmentValues, environmentRuleTemplate } from '../../values/load';
import { type Problem, ValuesError, uniqueProblems } from '../../values/problems';
import { located } from '../../values/load';
import { extraRuleGroups, extraRulesFile } from '../rules/extra-rules';
import { type RuleFileToCheck, type RuleLocation, checkRuleFiles } from '../rules/promtool-check';
import { TRAFFIC_RULES } from '../../values/traffic';
import { MONITORING_EDGE_RULES, edgeRulesTemplate } from '../../traffic/edge-rules';
import { MONITORING_API_SERVER_RULES, MONITORING_SIZE_RULES } from '../../values/api-server-rules';
import { canonicalQuantityHelper, quantityRulesTemplate } from '../../values/quantity-rules';
import { quantityHelper } from '../../values/app-rules';
import { valuesShapeTemplate } from '../../values/values-shape';
import { NODE_NAMESPACE_RULE } from './node-namespace';
import { MonitoringValuesSchema } from '../values-schema';
import { monitoringNotes, monitoringReadme } from './chart-docs';
import { helpersTemplate } from './common';
import { configHelpers } from './configs';
import { monitoringExpressionHelpers } from './expressions';
import { withoutDisabledAlertsHelper } from './composed-text';
import { extraRulesHelper } from '../rules/extra-rules';
import { RULE_GROUPS_TEMPLATE } from '../rules/extra-rules-checks';
import { DATA_STORE_ADDRESS_TEMPLATE } from '../data-stores/rules';
import { EXTRA_EGRESS_TEMPLATE, extraScrapeConfigsTemplate, jsonListItemsHelper } from './extra-scrape-configs';
import { type MonitoringRelease, monitoringRelease } from './release-values';
import { alignDataStores } from '../data-stores/derive';
import type { DataStoreKind } from '../data-stores/values-schema';

import { MONITORING_CHART } from './chart-name';

export { MONITORING_CHART };

/** Every monitoring release of a synth: the default (base values) and one per environment. */
export interface MonitoringReleases {
  readonly identity: ChartIdentity;
  /** The base values' release: what the chart's values.yaml and `toJson()` hold. */
  readonly defaults: MonitoringRelease;
  readonly releases: ReadonlyArray<MonitoringRelease & { readonly environment: string }>;
  /** The data stores of every release, by kind (each release has them all, unmonitored where absent). */
  readonly dataStores: Readonly<Record<DataStoreKind, readonly string[]>>;
  /** The release of `r` as an expression scope. */
  scopeOf(r: MonitoringRelease): Scope;
}

/**
 * Loads and validates the monitoring values of the base and every environment (a ValuesError reports
 * all their problems together). `namespaceOf(app, env)` is an application's namespace. `checkRules`
 * (default true): the rules written in values are checked with promtool (or the PromQL grammar, with
 * one note on stderr); false where another thread of the same synth has checked the same values.
 */
export function loadMonitoringReleases(
  base: EnvironmentValues,
  environments: readonly EnvironmentValues[],
  options: { readonly version: string; readonly namespaceOf: (app: string, environment: string) => string; readonly checkRules?: boolean },
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
  const [base0, ...rest] = releases as MonitoringRelease[];
  // The chart's values.yaml monitors no application: where applications run is each environment's
  // (values-<env>.yaml), and no environment's namespaces or URLs are the chart's default (README:
  // Releases anywhere). Every application stays a key, unmonitored, as in a release that does not run it.
  const unmonitored = Object.fromEntries(Object.entries(base0.values.applications).map(([name, app]) => [name, { ...app, monitored: false, namespace: name, publicUrls: [], healthUrls: [] }]));
  const defaults: MonitoringRelease = { ...base0, values: { ...base0.values, applications: unmonitored } };
  const dataStores = alignDataStores(releases as MonitoringRelease[]);
  const ruleProblems = options.checkRules === false ? [] : checkRuleFiles([base, ...environments].map((env, i) => ruleFileOf(env, (releases as MonitoringRelease[])[i])));
  if (ruleProblems.length > 0) {
    const files = (name: string) => [base, ...environments].find((env) => env.environment === name)!.files;
    throw new ValuesError(uniqueProblems(ruleProblems.flatMap(({ environment, prefixes, ...problem }) => located([problem], files(environment), prefixes))));
  }
  const identity: ChartIdentity = { name: MONITORING_CHART, version: options.version, appVersion: defaults.values.prometheus.image.tag };
  return {
    identity,
    defaults,
    releases: rest.map((r, i) => ({ ...r, environment: environments[i].environment })),
    dataStores,
    scopeOf: (r) => releaseScope(identity, r.values, { name: MONITORING_CHART, namespace: r.namespace }),
  };
}

/** A release's rules written in values, as the chart writes them, with the values path of each group and rule. */
function ruleFileOf(env: EnvironmentValues, release: MonitoringRelease): RuleFileToCheck {
  const values = release.values;
  const groups = extraRuleGroups(values.rules.groups, values.applications, values.environment) as Array<{ name: string; rules: Array<{ expr: string }> }>;
  const platform = values.rules.groups.length;
  return {
    name: env.environment,
    text: extraRulesFile(groups),
    groups: groups.map((group, g) => {
      const application = g < platform ? undefined : group.name.slice('application.'.length);
      const at = (rule?: number): RuleLocation =>
        application === undefined
          ? { environment: env.environment, path: ['rules', 'groups', g, ...(rule === undefined ? [] : ['rules', rule])], prefixes: [['monitoring']] }
          : { environment: env.environment, path: ['metrics', 'rules', ...(rule === undefined ? [] : [rule])], prefixes: [['applications', application], ['defaults']] };
      return { name: group.name, exprs: group.rules.map((rule) => rule.expr), at };
    }),
  };
}

/**
 * Helm alone cannot add an application to the chart: its scrape jobs, probes, rules and dashboards are
 * texts generated for the applications of values/ (lib/template/text.ts). An application the chart was
 * not generated for is refused first, in one line that says what to do.
 */
function knownApplicationsRule(m: MonitoringReleases): string {
  const known = [...new Set(m.releases.flatMap((r) => Object.keys(r.values.applications)))].sort();
  return `{{- range $name, $_ := .Values.applications }}
{{- if not (has $name (list ${known.map((name) => JSON.stringify(name)).join(' ')})) }}
{{- fail (printf "applications.%s: the chart scrapes, probes and alerts on the applications it was synthesized for (${known.join(', ')}); add %s to values/ and run npm run synth (other scrape targets: prometheus.extraScrapeConfigs)" $name $name) }}
{{- end }}
{{- end }}`;
}

/** The monitoring chart's Helm texts and values model, for the release pipeline. */
export function monitoringHelm(m: MonitoringReleases): Omit<ChartRelease['helm'], 'links'> {
  return {
    description: 'Monitoring of the platform: Prometheus, Alertmanager, Grafana, Loki and Alloy, or the Prometheus Operator resources.',
    schema: MonitoringValuesSchema,
    baseValues: m.defaults.values as unknown as Record<string, unknown>,
    helpers: `${helpersTemplate(MONITORING_CHART)}\n${textHelpers(MONITORING_CHART)}\n${configHelpers(MONITORING_CHART)}\n${monitoringExpressionHelpers(MONITORING_CHART)}\n${extraRulesHelper(MONITORING_CHART)}\n${jsonListItemsHelper(MONITORING_CHART)}\n${withoutDisabledAlertsHelper(MONITORING_CHART)}\n${canonicalQuantityHelper(MONITORING_CHART)}\n${quantityHelper(MONITORING_CHART)}`,
    valueRules: `${valuesShapeTemplate(MONITORING_CHART)}${environmentRuleTemplate(m.releases.map((r) => r.environment))}${knownApplicationsRule(m)}\n${NODE_NAMESPACE_RULE}${TRAFFIC_RULES}\n${edgeRulesTemplate(MONITORING_EDGE_RULES, MONITORING_CHART)}\n${MONITORING_API_SERVER_RULES.map((rule) => rule.go).join('\n')}\n${RULE_GROUPS_TEMPLATE}\n${extraScrapeConfigsTemplate(MONITORING_CHART)}\n${EXTRA_EGRESS_TEMPLATE}\n${DATA_STORE_ADDRESS_TEMPLATE}\n${MONITORING_SIZE_RULES.map((rule) => rule.go).join('\n')}\n${quantityRulesTemplate(MONITORING_CHART, MonitoringValuesSchema)}`,
    notes: monitoringNotes(),
    readme: monitoringReadme(
      MONITORING_CHART,
      m.releases.map((r) => r.environment),
      m.defaults.namespace,
    ),
  };
}
