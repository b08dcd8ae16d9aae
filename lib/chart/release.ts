/**
 * The objects of a chart, as both renderings see them, and rendering a chart for one release (one
 * environment) as plain objects.
 */
import { ApiObject, Chart } from 'cdk8s';
import { evaluateManifest } from '../template/evaluate';
import type { Expr, Scope } from '../template/expr';
import { goTruthy } from '../template/go-semantics';
import type { Node } from '../template/manifest';
import { conditionOf } from './conditions';
import { hasCommonMetadata, withCommonMetadata } from './common-metadata';
import { foreignManifest, foreignTemplateName } from './foreign-object';
import { TemplatedObject, templatedManifest } from './templated-object';

export interface ChartIdentity {
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
}

/** Plain manifests are not managed by Helm; this is their app.kubernetes.io/managed-by. */
const PLAIN_MANAGER = 'cdk8s';

export function releaseScope(chart: ChartIdentity, values: unknown, release: { name: string; namespace: string }): Scope {
  return { values, release: { ...release, service: PLAIN_MANAGER }, chart, vars: new Map() };
}

/** One object of a chart, ready for both renderings. */
export interface ChartObject {
  /** The construct path, for messages. */
  readonly path: string;
  /** File name of its template in templates/, reused as its manifest file name. */
  readonly template: string;
  /** Its manifest tree, with the cdk8s operations (labels, namespace, JSON patches) applied. */
  readonly manifest: Node;
  /** It exists only in releases where this holds. */
  readonly condition?: Expr;
  /** In the Helm chart only (test hooks). */
  readonly helmOnly: boolean;
  /** In the plain manifests only (the release namespace). */
  readonly plainOnly: boolean;
}

/**
 * Every ApiObject of a chart, in construct order: the values-driven TemplatedObjects and any other
 * cdk8s object (cdk8s-plus-27 constructs, `ApiObject`, imported CRD classes, `Include`).
 * Runs the constructs' own validations first (as `cdk8s synth` does). Throws an Error naming the
 * construct path for an invalid construct, an operation that cannot be expressed, or two objects
 * that would share a file.
 */
export function chartObjects(chart: Chart): ChartObject[] {
  const constructs = chart.node.findAll();
  const errors = constructs.flatMap((c) => c.node.validate().map((message) => `${c.node.path}: ${message}`));
  if (errors.length > 0) throw new Error(`invalid constructs:\n${errors.join('\n')}`);

  const objects: ChartObject[] = [];
  const files = new Map<string, string>();
  for (const construct of constructs) {
    let object: ChartObject;
    if (TemplatedObject.isTemplatedObject(construct)) {
      const templated = construct;
      object = {
        path: templated.node.path,
        template: templated.template,
        manifest: templatedManifest(templated),
        condition: conditionOf(templated, templated.condition),
        helmOnly: templated.helmOnly,
        plainOnly: templated.plainOnly,
      };
    } else if (ApiObject.isApiObject(construct)) {
      const foreign = construct as ApiObject;
      object = {
        path: foreign.node.path,
        template: foreignTemplateName(foreign),
        manifest: foreignManifest(foreign),
        condition: conditionOf(foreign),
        helmOnly: false,
        plainOnly: false,
      };
    } else {
      continue;
    }
    // Labels and annotations from values on every object (commonLabels, commonAnnotations): see common-metadata.ts.
    if (hasCommonMetadata(chart)) object = { ...object, manifest: withCommonMetadata(object.manifest, chart.commonMetadata, object.path) };
    const other = files.get(object.template);
    if (other !== undefined) throw new Error(`${object.path}: its file ${object.template} is already the file of ${other}; give one of them another name`);
    files.set(object.template, object.path);
    objects.push(object);
  }
  return objects;
}

export interface RenderedObject {
  /** The object's template file name, reused as its manifest file name. */
  readonly template: string;
  readonly object: Record<string, unknown>;
}

/** Whether an object exists in a release (never, for Helm-only objects). */
function existsIn(object: ChartObject, scope: Scope): boolean {
  return !object.helmOnly && (object.condition === undefined || goTruthy(object.condition.evaluate(scope)));
}

/**
 * The objects of one release, in construct order (no Helm-only hooks). Throws an Error naming both
 * construct paths when two objects of the release have the same kind, namespace and name (kubectl
 * and Argo CD would keep only one of them).
 */
export function renderRelease(chart: Chart | readonly ChartObject[], scope: Scope): RenderedObject[] {
  const objects = chart instanceof Chart ? chartObjects(chart) : chart;
  const seen = new Map<string, string>();
  return objects
    .filter((o) => existsIn(o, scope))
    .map((o) => {
      const object = evaluateManifest(o.manifest, scope) as Record<string, unknown>;
      const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
      const group = String(object.apiVersion).split('/').slice(0, -1).join('/');
      const identity = `${group ? `${group}/` : ''}${String(object.kind)} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;
      const other = seen.get(identity);
      if (other !== undefined) throw new Error(`${o.path}: ${identity} is also the object of ${other}, in the release ${scope.release.name} (${scope.release.namespace}); give one of them another name`);
      seen.set(identity, o.path);
      return { template: o.template, object };
    });
}
