/**
 * The whole output of `npm run synth`, as files relative to dist/:
 * - manifests/<env>/<app>/<object>.yaml: the plain manifests of every application in every environment;
 * - helm/<app>/: one Helm chart per application;
 * - manifests/<env>/monitoring/ and helm/monitoring/: the monitoring chart (lib/monitoring/stack/synth.ts).
 * Pure: nothing is written here (see atomic-dir.ts), so a failure leaves dist/ as it was.
 */
import { App } from 'cdk8s';
import { AppChart } from '../../charts/app-chart';
import { prepareMonitoring } from '../monitoring/stack/synth';
import { appNotes, appReadme } from '../app/chart-docs';
import { helpersTemplate } from '../app/names';
import { ChartIdentity, releaseScope, renderRelease } from '../chart/release';
import { helmChartFiles } from '../helm/chart-files';
import { writeYaml } from '../template/yaml-writer';
import { EnvironmentValues, listEnvironments, loadEnvironment } from '../values/load';
import { Problem, ValuesError, uniqueProblems } from '../values/problems';
import { AppValuesSchema } from '../values/schema';

/** Version of every chart this project emits (semver); bump it with a release of the platform. */
export const CHART_VERSION = '0.1.0';

export interface SynthOptions {
  readonly valuesDir: string;
  /** Only these environments (each needs values/<env>.yaml); default: every overlay file. */
  readonly environments?: readonly string[];
}

export function namespaceOf(app: string, environment: string): string {
  return `${app}-${environment}`;
}

export function synthesize(options: SynthOptions): Map<string, string> {
  const files = new Map<string, string>();
  synthesizeEach(options, (path, content) => files.set(path, content));
  return files;
}

/**
 * The same files, given to `emit` one by one as they are made. Every
 * environment's values, the monitoring values included, are loaded and validated before the first
 * file is emitted: bad values throw a ValuesError before any output.
 */
export function synthesizeEach(options: SynthOptions, emit: (path: string, content: string) => void): void {
  const { base, environments } = loadAll(options.valuesDir, options.environments);
  const monitoring = prepareMonitoring(base, environments, { version: CHART_VERSION, namespaceOf });

  for (const [name, baseValues] of base.applications) {
    // One cdk8s App per application: nothing links the charts, and each can be freed once written.
    const cdk8sApp = new App();
    const identity: ChartIdentity = { name, version: CHART_VERSION, appVersion: baseValues.image.tag };
    const chart = new AppChart(cdk8sApp, name, {
      version: CHART_VERSION,
      defaultScope: releaseScope(identity, baseValues, { name, namespace: namespaceOf(name, base.environment) }),
    });

    const environmentValues = new Map<string, Record<string, unknown>>();
    for (const env of environments) {
      const values = env.applications.get(name)!;
      environmentValues.set(env.environment, values);
      const scope = releaseScope(identity, values, { name, namespace: namespaceOf(name, env.environment) });
      for (const { template, object } of renderRelease(chart, scope)) {
        emit(`manifests/${env.environment}/${name}/${template}`, writeYaml(object));
      }
    }

    const chartFiles = helmChartFiles({
      chart,
      identity,
      description: `The ${name} application (${baseValues.component}) of the ${baseValues.partOf} platform.`,
      schema: AppValuesSchema,
      baseValues,
      environmentValues,
      helpers: helpersTemplate(name),
      notes: appNotes(name),
      readme: appReadme(name, environments.map((e) => e.environment)),
    });
    for (const [path, content] of chartFiles) emit(`helm/${name}/${path}`, content);
  }

  monitoring(new App(), emit);
}

/** Loads the base and every environment, reporting the problems of all of them together. */
function loadAll(valuesDir: string, only?: readonly string[]): { base: EnvironmentValues; environments: EnvironmentValues[] } {
  const problems: Problem[] = [];
  const attempt = (environment: string | null): EnvironmentValues | undefined => {
    try {
      return loadEnvironment(valuesDir, environment);
    } catch (error) {
      if (!(error instanceof ValuesError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const base = attempt(null);
  const environments = (only ?? listEnvironments(valuesDir)).map(attempt);
  if (base && problems.length === 0) {
    for (const env of environments as EnvironmentValues[]) {
      for (const name of env.applications.keys()) {
        if (!base.applications.has(name)) {
          const file = env.files[env.files.length - 1];
          problems.push({ file: file.path, path: `applications.${name}`, message: 'application is not defined in values/base.yaml' });
        }
      }
    }
  }
  if (problems.length > 0 || !base) throw new ValuesError(uniqueProblems(problems));
  return { base, environments: environments as EnvironmentValues[] };
}
