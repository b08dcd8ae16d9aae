/**
 * The monitoring chart's part of `npm run synth`: its plain manifests per environment
 * (manifests/<env>/monitoring/) and its Helm chart (helm/monitoring/), as files relative to dist/.
 */
import { App } from 'cdk8s';
import { MONITORING_CHART, MonitoringChart } from '../../../charts/monitoring-chart';
import { ChartIdentity, releaseScope, renderRelease } from '../../chart/release';
import { helmChartFiles } from '../../helm/chart-files';
import { textHelpers } from '../../template/text';
import { writeYaml } from '../../template/yaml-writer';
import { EnvironmentValues } from '../../values/load';
import { Problem, ValuesError } from '../../values/problems';
import { MonitoringValuesSchema } from '../values-schema';
import { monitoringNotes, monitoringReadme } from './chart-docs';
import { helpersTemplate } from './common';
import { configHelpers } from './configs';
import { MonitoringRelease, monitoringRelease } from './release-values';

export interface MonitoringSynthOptions {
  readonly version: string;
  /** An application's namespace in an environment. */
  readonly namespaceOf: (app: string, environment: string) => string;
}

export function synthesizeMonitoring(app: App, base: EnvironmentValues, environments: readonly EnvironmentValues[], options: MonitoringSynthOptions): Map<string, string> {
  const files = new Map<string, string>();
  prepareMonitoring(base, environments, options)(app, (path, content) => files.set(path, content));
  return files;
}

/**
 * Loads and validates the monitoring values of every environment (a ValuesError reports all their
 * problems), and returns what writes the chart's files into `app`, giving each to `emit`.
 */
export function prepareMonitoring(
  base: EnvironmentValues,
  environments: readonly EnvironmentValues[],
  options: MonitoringSynthOptions,
): (app: App, emit: (path: string, content: string) => void) => void {
  const [defaults, ...releases] = loadReleases([base, ...environments], options);
  return (app, emit) => {
    const identity: ChartIdentity = { name: MONITORING_CHART, version: options.version, appVersion: defaults.values.prometheus.image.tag };
    const scopeOf = (r: MonitoringRelease) => releaseScope(identity, r.values, { name: MONITORING_CHART, namespace: r.namespace });
    const chart = new MonitoringChart(app, {
      defaultScope: scopeOf(defaults),
      releases: [defaults, ...releases].map(scopeOf),
      applications: Object.keys(defaults.values.applications),
    });

    const environmentValues = new Map<string, Record<string, unknown>>();
    environments.forEach((env, i) => {
      environmentValues.set(env.environment, releases[i].values);
      for (const { template, object } of renderRelease(chart, scopeOf(releases[i]))) {
        emit(`manifests/${env.environment}/${MONITORING_CHART}/${template}`, writeYaml(object));
      }
    });

    const chartFiles = helmChartFiles({
      chart,
      identity,
      description: 'Monitoring of the platform: Prometheus, Alertmanager, Grafana, Loki and Alloy, or the Prometheus Operator resources.',
      schema: MonitoringValuesSchema,
      baseValues: defaults.values,
      environmentValues,
      helpers: `${helpersTemplate(MONITORING_CHART)}\n${textHelpers(MONITORING_CHART)}\n${configHelpers(MONITORING_CHART)}`,
      notes: monitoringNotes(),
      readme: monitoringReadme(MONITORING_CHART, environments.map((e) => e.environment), defaults.namespace),
    });
    for (const [path, content] of chartFiles) emit(`helm/${MONITORING_CHART}/${path}`, content);
  };
}

/** Every environment's release, reporting the problems of all of them together. */
function loadReleases(envs: readonly EnvironmentValues[], options: MonitoringSynthOptions): MonitoringRelease[] {
  const problems: Problem[] = [];
  const releases = envs.map((env) => {
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
  return releases as MonitoringRelease[];
}
