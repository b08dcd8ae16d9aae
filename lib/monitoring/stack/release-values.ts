/**
 * The monitoring chart's values for one environment: the `monitoring:` sections of values/*.yaml over
 * the builders' defaults, plus what synth derives from the application values so that it is written
 * once (the environment, the applications to scrape and probe, the namespace). Validated with the
 * same reporting as the applications: file, line and YAML path.
 */
import { names } from '../../app/names';
import { releaseScope } from '../../chart/release';
import { type EnvironmentValues, SET_BY_SYNTH_ENVIRONMENT, located } from '../../values/load';
import { nodeNamespaceProblems } from './node-namespace';
import { deepMerge } from '../../values/merge';
import { monitoringRuleProblems } from '../../values/api-server-rules';
import { type Problem, ValuesError, uniqueProblems } from '../../values/problems';
import { MONITORING_EDGE_RULES, edgeProblems } from '../../traffic/edge-rules';
import type { AppValues } from '../../values/schema';
import { type SchemaProblem, checkAgainstSchema } from '../../values/schema-check';
import { TRAFFIC_IS_ENVIRONMENT_SETTING } from '../../values/traffic';
import { type AlertThresholds, defaultAlertThresholds, thresholdOrderProblems } from '../alert-rules';
import { defaultAlertmanagerValues } from '../alertmanager-config';
import { prometheusAddressProblem } from './ports';
import { deriveDataStores } from '../data-stores/derive';
import { ruleGroupProblems } from '../rules/extra-rules-checks';
import { extraEgressProblems, extraScrapeConfigProblems } from './extra-scrape-configs';
import { type MonitoringApplication, type MonitoringValues, MonitoringValuesSchema } from '../values-schema';

export interface MonitoringRelease {
  readonly namespace: string;
  readonly values: MonitoringValues;
}

/** The monitoring release of one environment (`namespaceOf` gives an application's namespace). */
export function monitoringRelease(env: EnvironmentValues, namespaceOf: (app: string) => string): MonitoringRelease {
  // Every application, with `monitored` saying whether this release scrapes it: keys of a Helm map
  // cannot be removed by an environment's values file, so environments differ by the flag only.
  const applications = Object.fromEntries([...env.applications].map(([name, app]) => [name, monitoredApplication(name, app, namespaceOf(name))]));
  const { dataStores, problems: dataStoreProblems } = deriveDataStores(env.applications);
  const values = {
    ...(deepMerge({ alerts: defaultAlertThresholds, alertmanager: defaultAlertmanagerValues }, env.monitoring) as Record<string, unknown>),
    environment: env.environment,
    applications,
    dataStores,
    traffic: structuredClone(env.traffic),
  };
  // The environment's traffic setting is checked where it is written (environment.traffic).
  const schemaProblems = checkAgainstSchema(MonitoringValuesSchema, values).filter((p) => p.path[0] !== 'traffic');
  if (env.monitoring.traffic !== undefined) {
    schemaProblems.push({ path: ['traffic'], message: TRAFFIC_IS_ENVIRONMENT_SETTING });
  }
  // Set by synth below: written by hand, they would be replaced without a word.
  if (env.monitoring.environment !== undefined) schemaProblems.push({ path: ['environment'], message: SET_BY_SYNTH_ENVIRONMENT });
  for (const derived of ['applications', 'dataStores'] as const) {
    if (env.monitoring[derived] !== undefined)
      schemaProblems.push({
        path: [derived],
        message: `derived by synth from the applications' values (${derived === 'applications' ? 'metrics, probes, ingress' : 'networkPolicy.dependencies with a kind'}): not written under monitoring`,
      });
  }
  schemaProblems.push(...nodeNamespaceProblems(values as { nodeNamespace?: unknown }, [...env.applications][0]?.[1].networkPolicy.monitoringNamespace));
  // What the schema cannot say (warning below critical): checked here, not by the rule builder, which
  // passes the thresholds through (the chart's template checks it too: lib/monitoring/stack/configs.ts).
  const orderProblems = schemaProblems.some((p) => p.path[0] === 'alerts')
    ? []
    : thresholdOrderProblems((values as unknown as { alerts: AlertThresholds }).alerts).map((p) => ({ path: ['alerts', ...p.path], message: p.message }));
  // The edge rules (HSTS, admin authentication: lib/traffic/edge-rules.ts), on values the schema accepted.
  const edge = schemaProblems.length === 0 ? edgeProblems(MONITORING_EDGE_RULES, values as unknown as MonitoringValues) : [];
  // What the schema cannot say of the platform's rule groups (lib/monitoring/rules/extra-rules-checks.ts).
  const ruleProblems: SchemaProblem[] = [];
  if (!schemaProblems.some((p) => p.path[0] === 'rules')) ruleGroupProblems((values as unknown as MonitoringValues).rules.groups, (path, message) => ruleProblems.push({ path, message }));
  if (!schemaProblems.some((p) => p.path[0] === 'prometheus' || p.path[0] === 'networkPolicy')) {
    const typed = values as unknown as MonitoringValues;
    ruleProblems.push(...extraScrapeConfigProblems(typed.prometheus.extraScrapeConfigs, typed.prometheus.scrapeInterval), ...extraEgressProblems(typed.networkPolicy.prometheusExtraEgress));
  }
  const problems: Problem[] = [
    ...located(
      [
        ...schemaProblems,
        ...ruleProblems,
        ...orderProblems,
        ...edge,
        ...rolloutsControllerProblems(env, values),
        ...issuerProblems(values as unknown as MonitoringValues, env),
        ...apiServerRuleProblems(schemaProblems, values),
      ],
      env.files,
      [['monitoring']],
    ),
    ...dataStoreProblems.flatMap(({ application, ...problem }) => located([problem], env.files, [['applications', application], ['defaults']])),
  ];
  const namespace = monitoringNamespace(env, problems);
  if ((values as { mode?: unknown }).mode === 'standalone') problems.push(...analysisAddressProblems(env, namespace));
  if (problems.length > 0) throw new ValuesError(uniqueProblems(problems));
  return { namespace, values: values as MonitoringValues };
}

/** The API server's rules on these values (lib/values/api-server-rules.ts), once the schema holds. */
function apiServerRuleProblems(schemaProblems: readonly SchemaProblem[], values: Record<string, unknown>): SchemaProblem[] {
  return schemaProblems.some((p) => p.path[0] === 'velero' || p.path[0] === 'nodeNamespace' || p.path[0] === 'applications') ? [] : monitoringRuleProblems(values);
}

/** An application released by Argo Rollouts needs the controller declared, so that its analysis may query Prometheus. */
function rolloutsControllerProblems(env: EnvironmentValues, values: Record<string, unknown>) {
  const progressive = [...env.applications].filter(([, app]) => app.rollout.strategy !== 'rolling').map(([name]) => name);
  const controller = values.argoRollouts as { enabled?: unknown } | undefined;
  if (progressive.length === 0 || controller?.enabled !== false) return [];
  return [{ path: ['argoRollouts', 'enabled'], message: `expected true: ${progressive.join(', ')} release(s) with Argo Rollouts (rollout.strategy), whose analysis queries Prometheus` }];
}

/**
 * The cluster's ClusterIssuer is the one the applications' Certificates name: the environment's
 * `clusterIssuer` setting (lib/values/environment-settings.ts).
 */
function issuerProblems(values: MonitoringValues, env: EnvironmentValues): SchemaProblem[] {
  const issuer = values.certManager?.clusterIssuer;
  if (!issuer?.create || env.settings.clusterIssuer === undefined || issuer.name === env.settings.clusterIssuer) return [];
  return [{ path: ['certManager', 'clusterIssuer', 'name'], message: `expected the environment's clusterIssuer (${env.settings.clusterIssuer}), which the applications' Certificates name, got ${issuer.name}` }];
}

/**
 * With this stack's Prometheus (standalone mode), a progressive release's analysis queries it: an
 * application's `rollout.analysis.prometheusAddress` must be its in-cluster URL (the Grafana data
 * source's), or every query answers 404 and Argo Rollouts aborts the release. Reported once where the
 * address is written (an address inherited from `defaults` by several applications is one problem).
 */
function analysisAddressProblems(env: EnvironmentValues, namespace: string): Problem[] {
  return [...env.applications].flatMap(([name, app]) => {
    const problem = app.rollout.strategy === 'rolling' ? undefined : prometheusAddressProblem(namespace, app.rollout.analysis.prometheusAddress);
    return problem === undefined ? [] : located([{ path: ['rollout', 'analysis', 'prometheusAddress'], message: problem }], env.files, [['applications', name], ['defaults']]);
  });
}

/**
 * The namespace the stack runs in: the one every application's NetworkPolicy admits Prometheus from
 * (`networkPolicy.monitoringNamespace`), so the two never disagree.
 */
function monitoringNamespace(env: EnvironmentValues, problems: Problem[]): string {
  const [first, ...others] = [...env.applications];
  const namespace = first[1].networkPolicy.monitoringNamespace;
  for (const [name, app] of others) {
    if (app.networkPolicy.monitoringNamespace !== namespace) {
      problems.push(
        ...located(
          [{ path: ['networkPolicy', 'monitoringNamespace'], message: `expected the monitoring namespace of every application (${namespace} for ${first[0]}), got ${app.networkPolicy.monitoringNamespace}` }],
          env.files,
          [['applications', name], ['defaults']],
        ),
      );
    }
  }
  return namespace;
}

/** Whether an application sends its traces to the stack's collector (lib/references/tracing.ts: tracing.collector monitoring). */
function tracesToStack(app: AppValues): boolean {
  const tracing = app.tracing as { enabled?: boolean; collector?: string };
  return tracing.enabled !== false && tracing.collector === 'monitoring';
}

function monitoredApplication(name: string, app: AppValues, namespace: string): MonitoringApplication {
  const scope = releaseScope({ name, version: '0.0.0', appVersion: app.image.tag }, app, { name, namespace });
  const service = names.fullname.evaluate(scope);
  const ingress = app.ingress;
  const publicUrls = ingress.enabled
    ? ingress.hosts.flatMap((host) => {
        const scheme = ingress.tls.enabled && ingress.tls.hosts.includes(host.host) ? 'https' : 'http';
        return host.paths.map((path) => `${scheme}://${host.host}${path.path}`);
      })
    : [];
  return {
    monitored: app.metrics.enabled,
    namespace,
    selector: { 'app.kubernetes.io/name': names.name.evaluate(scope), 'app.kubernetes.io/instance': name },
    port: 'http',
    metricsPath: app.metrics.path,
    scrapeInterval: app.metrics.scrapeInterval,
    rules: structuredClone(app.metrics.rules ?? []),
    tracesToStack: tracesToStack(app),
    publicUrls,
    // The readiness endpoint, when readiness is an HTTP GET (blackbox-exporter probes it over HTTP).
    healthUrls: app.probes.readiness.type === 'http' ? [`http://${service}.${namespace}.svc:${app.service.port}${app.probes.readiness.path}`] : [],
  };
}
