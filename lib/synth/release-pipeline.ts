/**
 * The one release pipeline of every chart, application and monitoring alike: a cdk8s chart built
 * once, its objects collected once (`chartObjects`), then
 * - `manifests/<env>/<chart>/<file>`: the plain manifests of each environment's release;
 * - `helm/<chart>/...`: the Helm chart (templates from the same objects, values from the same values).
 * Files are given to `emit` as they are made (paths relative to dist/); nothing is written here.
 */
import type { Chart } from 'cdk8s';
import { type ChartIdentity, type ChartObject, chartObjects, releaseScope, renderRelease } from '../chart/release';
import type { GoContext, Scope } from '../template/expr';
import { chartSpreads, reservedKeyProblems, schemaWithReservedKeys, spreadOverlapProblems, spreadOverlapTemplate } from '../chart/reserved-keys';
import { type HelmChartSpec, helmChartFiles } from '../helm/chart-files';
import { writeYaml } from '../template/yaml-writer';
import type { Problem } from '../values/problems';
import type { SchemaProblem } from '../values/schema-check';
import { readableSchema } from '../values/readable-schema';
import { stage } from './stage-times';

/** One environment's release of a chart. */
interface EnvironmentRelease {
  readonly environment: string;
  /** The namespace the release goes to. */
  readonly namespace: string;
  /** The environment's full values of the chart (base and overlay merged, validated). */
  readonly values: Record<string, unknown>;
  /** Where in the values files a problem with these values comes from. */
  readonly locate: (found: readonly SchemaProblem[]) => Problem[];
}

export interface ChartRelease {
  readonly chart: Chart;
  /** The chart's name, version and appVersion; the release name is the chart name. */
  readonly identity: ChartIdentity;
  readonly environments: readonly EnvironmentRelease[];
  /**
   * The Helm chart's own texts and the values model (schema and base values), and the Go template
   * text of the rules on values beyond the schema (`valueRules`, after the schema's own `not` checks,
   * which values.schema.json leaves to templates/validate-values.yaml: readable-schema.ts).
   */
  readonly helm: Omit<HelmChartSpec, 'objects' | 'identity' | 'environmentValues'>;
  /** Locates a problem with the base values (values.yaml). */
  readonly locateBase: (found: readonly SchemaProblem[]) => Problem[];
  /** Sees each object of each environment's plain manifests as it is emitted, with its file in the chart's folder (e.g. lib/gitops/inventory.ts). */
  readonly observe?: (environment: string, chart: string, object: Record<string, unknown>, file: string) => void;
  /** Whole objects that the values add to each release (extraObjects), beside the chart's own. */
  readonly valuesObjects?: ValuesObjects;
}

/** Objects given whole in values (lib/app/extra-objects.ts): rendered, checked against the chart's, and templated. */
interface ValuesObjects {
  /** The objects of one release: manifest file name and object. */
  readonly render: (scope: Scope) => readonly { readonly template: string; readonly object: Record<string, unknown> }[];
  /** Those that clash with the chart's objects (same kind and name), by values path. */
  readonly clashes: (objects: readonly ChartObject[], scope: Scope) => SchemaProblem[];
  /** Helm templates by file name: the objects, and the same refusal of clashes. */
  readonly templates: (objects: readonly ChartObject[], go: GoContext) => Readonly<Record<string, string>>;
}

/**
 * Emits the plain manifests of every environment and the Helm chart of one chart. Returns the
 * problems of the values that only the chart can see (keys it sets itself, see reserved-keys.ts); the
 * caller reports them (the files emitted are then not used).
 */
export function emitChartRelease(release: ChartRelease, emit: (path: string, content: string) => void): Problem[] {
  const { identity } = release;
  const { objects, reserved, overlaps } = stage('construct tree', () => {
    const objects = chartObjects(release.chart);
    return { objects, ...chartSpreads(objects) };
  });
  const extra = release.valuesObjects;
  const problems = stage('values and rules', () => {
    const keyProblems = (values: unknown) => [...reservedKeyProblems(values, reserved), ...spreadOverlapProblems(values, overlaps)];
    const problems = [...release.locateBase(keyProblems(release.helm.baseValues)), ...release.environments.flatMap((env) => env.locate(keyProblems(env.values)))];
    // values.yaml too (names do not depend on the namespace).
    if (extra) problems.push(...release.locateBase(extra.clashes(objects, releaseScope(identity, release.helm.baseValues, { name: identity.name, namespace: identity.name }))));
    return problems;
  });
  const environmentValues = new Map<string, Record<string, unknown>>();
  for (const env of release.environments) {
    environmentValues.set(env.environment, env.values);
    stage(`evaluation ${env.environment}`, () => {
      const scope = releaseScope(identity, env.values, { name: identity.name, namespace: env.namespace });
      for (const { template, object } of [...renderRelease(objects, scope), ...(extra?.render(scope) ?? [])]) {
        emit(`manifests/${env.environment}/${identity.name}/${template}`, writeYaml(object));
        release.observe?.(env.environment, identity.name, object, template);
      }
      if (extra) problems.push(...env.locate(extra.clashes(objects, scope)));
    });
  }
  const files = stage('helm chart files', () => {
    const { schema, rules } = readableSchema(schemaWithReservedKeys(release.helm.schema, reserved));
    const extraTemplates = { ...release.helm.extraTemplates, ...extra?.templates(objects, { chartName: identity.name }) };
    return helmChartFiles({ ...release.helm, valueRules: `${rules}\n${spreadOverlapTemplate(overlaps)}\n${release.helm.valueRules}`, extraTemplates, schema, objects, identity, environmentValues });
  });
  for (const [path, content] of files) emit(`helm/${identity.name}/${path}`, content);
  return problems;
}
