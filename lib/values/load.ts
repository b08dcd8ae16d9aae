/**
 * Loads the platform values for one environment: values/base.yaml, then values/<env>.yaml over it.
 * Each application's values are the merged `defaults`, then `applications.<name>`, validated against
 * the application schema and the cross-field rules. Every problem names the file, line and YAML path.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { didYouMean } from '../cli/command-line.cjs';
import { containerNameOf, fullnameOf } from '../app/names';
import { checkAppRules } from './app-rules';
import { type EnvironmentSettings, NEUTRAL_DOMAIN, fillEnvironmentPlaceholders } from './environment-settings';
import { deepMerge, isMap } from './merge';
import { type Problem, ValuesError, dottedPath, uniqueProblems } from './problems';
import { type AppValues, AppValuesSchema, type ChartLinks, PlatformFileSchema } from './schema';
import { type SchemaProblem, checkAgainstSchema } from './schema-check';
import { type ValuesFile, locate, readValuesFile } from './source';
import { TRAFFIC_IS_ENVIRONMENT_SETTING, type TrafficValues, environmentTraffic } from './traffic';
import { valuesShapeProblems } from './values-shape';
import type { Prerequisites } from '../references/prerequisites';
import { collectorProblems, resolveTracing } from '../references/tracing';

export const BASE_FILE = 'base.yaml';

/** The message for an application's `environment` written in values/ (synth sets it from the file name). */
export const SET_BY_SYNTH_ENVIRONMENT = "is set by synth, to the environment's name (its values file's name): remove it";

export interface EnvironmentValues {
  readonly environment: string;
  /** Applications by name, in name order. */
  readonly applications: ReadonlyMap<string, AppValues>;
  /** The merged `monitoring` section, validated by the monitoring chart. */
  readonly monitoring: Record<string, unknown>;
  /** The files merged, in order (base first), for locating problems found later. */
  readonly files: readonly ValuesFile[];
  /** The environment's settings (`environment:` of base.yaml and the overlay, merged). */
  readonly settings: EnvironmentSettings;
  /** The merged `gitops` section (checked against its schema with each file; defaults: lib/gitops/settings.ts). */
  readonly gitops: Record<string, unknown>;
  /** Chart.yaml home, sources and icon (`charts:` of base.yaml; overlays may not set it). */
  readonly charts?: ChartLinks;
  /** How traffic enters the environment (`environment.traffic`, completed): every chart's `traffic` value. */
  readonly traffic: TrafficValues;
  /** What the environment's cluster provides (`prerequisites`, merged; checked with each file: lib/references/prerequisites.ts). */
  readonly prerequisites: Record<string, unknown>;
}

/** base.yaml's size in `valuesDir`, in bytes (0 when there is none): a look at the values' size before anything is read. */
export function baseFileBytes(valuesDir: string): number {
  return statSync(join(valuesDir, BASE_FILE), { throwIfNoEntry: false })?.size ?? 0;
}

/** The environments that have an overlay file, in name order. */
export function listEnvironments(valuesDir: string): string[] {
  return readdirSync(valuesDir)
    .filter((name) => name.endsWith('.yaml') && name !== BASE_FILE)
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Loads one environment, or the base alone (`environment` null) for the charts' default values.
 * `checks` false (the synth's helper thread, charts/platform.ts) skips the checks that only find
 * problems and change nothing (the file schema, each application's nesting, schema and rules): the
 * main thread runs them on the same files and ends the synth before the helper's work is used.
 */
export function loadEnvironment(valuesDir: string, environment: string | null, checks = true): EnvironmentValues {
  const paths = [join(valuesDir, BASE_FILE)];
  if (environment !== null) {
    const overlay = join(valuesDir, `${environment}.yaml`);
    if (!existsSync(overlay)) {
      const known = existsSync(valuesDir) ? listEnvironments(valuesDir).join(', ') : 'none';
      throw new ValuesError([{ file: overlay, path: '', message: `environment file not found (environments with a file: ${known})` }]);
    }
    paths.push(overlay);
  }

  const files: ValuesFile[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    const read = readValuesFile(path);
    problems.push(...read.problems);
    if (read.file) {
      files.push(read.file);
      if (checks) problems.push(...fileProblems(read.file));
    }
  }
  // A file that could not be read or parsed: nothing to merge. Any other problem so far is reported
  // together with those of the merged values (one run shows every mistake).
  if (files.length < paths.length) throw new ValuesError(problems);

  const [baseFile, ...overlays] = files;
  const names = Object.keys(mapOrEmpty(baseFile.data.applications)).sort();
  if (names.length === 0 && (baseFile.data.applications === undefined || isMap(baseFile.data.applications))) {
    problems.push({ file: baseFile.path, path: 'applications', message: 'expected at least one application' });
  }
  for (const overlay of overlays) problems.push(...unknownApplications(overlay, baseFile, names));
  // Chart metadata is the same in every environment: one Chart.yaml per chart.
  if (baseFile.data.charts === undefined && isMap(baseFile.data)) {
    problems.push({ file: baseFile.path, path: 'charts', message: 'required value is missing (home, sources and icon of every Chart.yaml)' });
  }
  for (const overlay of overlays.filter((file) => file.data.charts !== undefined)) {
    problems.push({ file: overlay.path, ...locate(overlay, ['charts']), path: 'charts', message: `only in ${baseFile.path}: a chart's Chart.yaml is the same in every environment` });
  }

  const merged = files.reduce<Record<string, unknown>>((acc, file) => deepMerge(acc, file.data) as Record<string, unknown>, {});
  const defaults = mapOrEmpty(merged.defaults);
  const settings = mapOrEmpty(merged.environment) as EnvironmentSettings;
  const sections = mapOrEmpty(merged.applications);
  // One traffic setting per environment, written into every application's values (lib/values/traffic.ts).
  const traffic = environmentTraffic(settings.traffic, checkAgainstSchema);
  problems.push(...located(traffic.problems, files, []));
  if (defaults.traffic !== undefined) problems.push(...located([{ path: ['defaults', 'traffic'], message: TRAFFIC_IS_ENVIRONMENT_SETTING }], files, []));
  // Set by synth in every application's values: written by hand, it would be replaced without a word.
  for (const section of [['defaults'], ...names.map((name) => ['applications', name])]) {
    const values = section.length === 1 ? defaults : sections[section[1]];
    if (isMap(values) && values.environment !== undefined) problems.push(...located([{ path: [...section, 'environment'], message: SET_BY_SYNTH_ENVIRONMENT }], files, []));
  }
  const applications = new Map<string, AppValues>();
  const appProblems: Problem[] = [];
  const globalRefused = problems.some((p) => /^global($|[.[])/.test(p.path));
  for (const name of names) {
    if (!isMap(sections[name])) continue; // reported by the file schema
    if (sections[name].traffic !== undefined) appProblems.push(...located([{ path: ['applications', name, 'traffic'], message: TRAFFIC_IS_ENVIRONMENT_SETTING }], files, []));
    const app = deepMerge(defaults, sections[name]);
    if (isMap(app)) {
      app.environment = environment ?? 'default';
      app.traffic = structuredClone(traffic.traffic);
      // The top-level `global` is every application's `global`, as Helm gives a parent chart's to its dependencies.
      // A `global` refused where it is written (the file schema) is not reported again in every application.
      if (merged.global !== undefined && !globalRefused) app.global = deepMerge(merged.global, app.global ?? {});
    }
    // The base values are the charts' values.yaml: hosts under no environment's domain (NEUTRAL_DOMAIN).
    const fillWith = environment === null ? { ...settings, domain: NEUTRAL_DOMAIN } : settings;
    const placeholders = isMap(app) ? fillEnvironmentPlaceholders(app, name, environment ?? 'default', fillWith) : { problems: [], filled: [] };
    // A refused environment setting is reported once, not again in every value filled from it.
    const settingsRefused = problems.some((p) => p.path === 'environment' || p.path.startsWith('environment.'));
    if (!checks) {
      applications.set(name, app as AppValues);
      continue;
    }
    // Nesting deeper than the chart allows (values-shape.ts; the chart's validate-values.yaml has the same rule).
    const shapeProblems = valuesShapeProblems(app);
    if (shapeProblems.length > 0) {
      appProblems.push(...located(shapeProblems, files, [['applications', name], ['defaults']]));
      applications.set(name, app as AppValues);
      continue;
    }
    const schemaProblems = checkAgainstSchema(AppValuesSchema as TSchema, app).filter(
      (p) => !(settingsRefused && placeholders.filled.includes(p.path.join('.'))) && !(traffic.problems.length > 0 && p.path[0] === 'traffic'),
    );
    const found = [...placeholders.problems, ...schemaProblems];
    if (found.every((problem) => problem.formOnly))
      found.push(
        // `traffic` is the environment's, checked once at environment.traffic (environmentTraffic).
        ...checkAppRules(app as AppValues, { containerName: containerNameOf(name, app as AppValues), fullname: fullnameOf(name, name, app as AppValues) }).filter((p) => p.path[0] !== 'traffic'),
      );
    appProblems.push(...located(found, files, [['applications', name], ['defaults']]));
    applications.set(name, app as AppValues);
  }
  // A value already refused as written (e.g. an unquoted `on`) is not reported again for what it became.
  const refusedAsWritten = new Set(problems.map((p) => `${p.file}|${p.path}`));
  problems.push(...appProblems.filter((p) => !refusedAsWritten.has(`${p.file}|${p.path}`)));
  if (problems.length > 0) throw new ValuesError(uniqueProblems(problems));

  const loaded: EnvironmentValues = {
    environment: environment ?? 'default',
    applications,
    monitoring: (merged.monitoring as Record<string, unknown> | undefined) ?? {},
    files,
    settings,
    gitops: mapOrEmpty(merged.gitops),
    charts: baseFile.data.charts as ChartLinks | undefined,
    traffic: traffic.traffic,
    prerequisites: mapOrEmpty(merged.prerequisites),
  };
  // Each application's traces go to a collector its environment declares, or nowhere (lib/references/tracing.ts):
  // resolved here, so that every loaded application's values are what its chart renders.
  const tracing = located(collectorProblems(loaded.prerequisites as Prerequisites), files, []);
  resolveTracing(loaded, (app, path, message) => tracing.push(...located([{ path, message }], files, [['applications', app], ['defaults']])));
  if (tracing.length > 0) throw new ValuesError(uniqueProblems(tracing));
  return loaded;
}

function mapOrEmpty(value: unknown): Record<string, unknown> {
  return isMap(value) ? value : {};
}

/**
 * Applications an overlay sets that the base does not define (a mistyped name, such as `wrker`):
 * located at the overlay's key, and not validated further (the rest of such a section would only
 * report what the base was expected to give).
 */
function unknownApplications(overlay: ValuesFile, base: ValuesFile, known: readonly string[]): Problem[] {
  return Object.keys(mapOrEmpty(overlay.data.applications))
    .filter((name) => !known.includes(name))
    .map((name) => ({
      file: overlay.path,
      ...locate(overlay, ['applications', name]),
      path: dottedPath(['applications', name]),
      message: `application not defined in ${base.path}${didYouMean(name, known)} (applications there: ${known.join(', ') || 'none'})`,
    }));
}

/** The file checked alone against the platform file schema (once per parsed file: see source.ts). */
const checkedFiles = new WeakMap<ValuesFile, readonly Problem[]>();
function fileProblems(file: ValuesFile): readonly Problem[] {
  let problems = checkedFiles.get(file);
  if (problems === undefined) {
    problems = located(checkAgainstSchema(PlatformFileSchema, file.data), [file], []);
    checkedFiles.set(file, problems);
  }
  return problems;
}

/**
 * Finds where each problem comes from: the last file (overlay before base) that sets the path under
 * one of the prefixes (the application's own section before the defaults).
 */
export function located(found: readonly SchemaProblem[], files: readonly ValuesFile[], prefixes: readonly (readonly string[])[]): Problem[] {
  const candidates = prefixes.length > 0 ? prefixes : [[]];
  return found.map((problem) => {
    for (let depth = problem.path.length; depth >= 0; depth -= 1) {
      const sub = problem.path.slice(0, depth);
      for (const file of [...files].reverse()) {
        for (const prefix of candidates) {
          const position = locate(file, [...prefix, ...sub]);
          if (position) {
            return { file: file.path, ...position, path: dottedPath([...prefix, ...problem.path]), message: problem.message };
          }
        }
      }
    }
    return { file: files[files.length - 1].path, path: dottedPath([...candidates[0], ...problem.path]), message: problem.message };
  });
}

/**
 * The chart's side of the rule on `environment` (templates/validate-values.yaml): synth sets it from the
 * environment's file name and writes it into values-<env>.yaml; a release given another (`--set
 * environment=qa`) would call itself an environment the chart was never made for. Only the
 * environments with a values file (and `default`, values.yaml alone) are accepted.
 */
export function environmentRuleTemplate(environments: readonly string[]): string {
  const known = ['default', ...environments];
  return `{{- if not (has (toString .Values.environment) (list ${known.map((e) => JSON.stringify(e)).join(' ')})) }}
{{- fail (printf "environment: %q is not an environment of this chart (${environments.join(', ')}; default for values.yaml alone): it is set by synth in the environment's values file (values-<env>.yaml), not by --set or -f" (toString .Values.environment)) }}
{{- end }}
`;
}
