/**
 * What every synth starts from: the values of the base and of each environment, loaded and validated
 * together, and the names the platform derives from them. The charts are composed from these in
 * charts/platform.ts. Pure: nothing is written here (see atomic-dir.ts), so a failure leaves dist/
 * as it was.
 */
import { join } from 'node:path';
import { displayPath } from '../cli/paths';
import { BASE_FILE, type EnvironmentValues, listEnvironments, loadEnvironment, located } from '../values/load';
import { environmentNameProblems, environmentObjectNameProblems, namespaceLengthProblems } from '../values/platform-names';
import { resolveWiring } from '../values/wiring';
import { productionLeaks } from '../values/environment-settings';
import { type Problem, ValuesError, uniqueProblems } from '../values/problems';

/**
 * The chart version the constructs see (`.Chart.Version` at synth time, for nothing but Helm-only
 * labels); each chart's Chart.yaml version is recorded in charts/versions.yaml (lib/helm/chart-versions.ts).
 */
export const CHART_VERSION = '0.1.0';

export interface SynthOptions {
  readonly valuesDir: string;
  /** Only these environments (each needs values/<env>.yaml); default: every overlay file. */
  readonly environments?: readonly string[];
}

/** An application's namespace in an environment: `<app>-<environment>`. */
export function namespaceOf(app: string, environment: string): string {
  return `${app}-${environment}`;
}

/**
 * Loads the base and every environment, reporting the problems of all of them together (a
 * ValuesError with one problem per mistake, each with its file, line and YAML path). `checks` false:
 * without the checks that change nothing (loadEnvironment), for the synth's helper thread only.
 */
export function loadPlatformValues(options: SynthOptions, checks = true): { base: EnvironmentValues; environments: EnvironmentValues[] } {
  const { valuesDir } = options;
  const problems: Problem[] = [];
  const attempt = (environment: string | null): EnvironmentValues | undefined => {
    try {
      return loadEnvironment(valuesDir, environment, checks);
    } catch (error) {
      if (!(error instanceof ValuesError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const names = options.environments ?? listEnvironments(valuesDir);
  if (names.length === 0) {
    // Without an environment there would be no manifests at all: a mistake, not an empty output.
    const folder = displayPath(valuesDir);
    problems.push({ file: folder, path: '', message: `no environment file: add one <env>.yaml per environment beside ${BASE_FILE} (e.g. ${join(folder, 'dev.yaml')})` });
  }
  const files = names.map((name) => ({ name, file: displayPath(join(valuesDir, `${name}.yaml`)) }));
  const badNames = environmentNameProblems(files);
  if (badNames.length > 0) throw new ValuesError(badNames);
  problems.push(...environmentObjectNameProblems(files));
  const base = attempt(null);
  const environments = names.map(attempt);
  if (base) {
    const where = (app: string) => located([{ path: ['applications', app], message: '' }], base.files, [])[0];
    problems.push(...namespaceLengthProblems([...base.applications.keys()], names, where));
  }
  if (problems.length > 0 || !base) throw new ValuesError(uniqueProblems(problems));
  // A production environment serves its own hosts with its own issuer (environment-settings.ts).
  for (const env of environments as EnvironmentValues[]) {
    if (!checks || !env.settings.production) continue;
    const others = new Map((environments as EnvironmentValues[]).filter((e) => e !== env).map((e) => [e.environment, e.settings]));
    for (const [app, values] of env.applications) {
      problems.push(...located(productionLeaks(values, env.settings, others), env.files, [['applications', app], ['defaults']]));
    }
  }
  if (problems.length > 0) throw new ValuesError(uniqueProblems(problems));
  // Dependencies between applications, resolved in every release; in the base (values.yaml) only their
  // ports: no environment's layout is the charts' default (lib/app/callee.ts).
  for (const env of [base, ...(environments as EnvironmentValues[])]) {
    resolveWiring(env.applications, env === base ? null : (app) => namespaceOf(app, env.environment), (app, path, message) =>
      problems.push(...located([{ path, message }], env.files, [['applications', app], ['defaults']])),
    );
  }
  if (problems.length > 0) throw new ValuesError(uniqueProblems(problems));
  return { base, environments: environments as EnvironmentValues[] };
}
