/** Rendering a chart for one release (one environment), as plain objects. */
import { Chart } from 'cdk8s';
import { Scope } from '../template/expr';
import { TemplatedObject } from './templated-object';

export interface ChartIdentity {
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
}

/** Plain manifests are not managed by Helm; this is their app.kubernetes.io/managed-by. */
export const PLAIN_MANAGER = 'cdk8s';

export function releaseScope(chart: ChartIdentity, values: unknown, release: { name: string; namespace: string }): Scope {
  return { values, release: { ...release, service: PLAIN_MANAGER }, chart, vars: new Map() };
}

export function templatedObjects(chart: Chart): TemplatedObject[] {
  return chart.node.findAll().filter((c): c is TemplatedObject => c instanceof TemplatedObject);
}

export interface RenderedObject {
  /** The object's template file name, reused as its manifest file name. */
  readonly template: string;
  readonly object: Record<string, unknown>;
}

/** The objects of one release, in construct order (no Helm-only hooks). */
export function renderRelease(chart: Chart, scope: Scope): RenderedObject[] {
  return templatedObjects(chart)
    .filter((o) => o.existsIn(scope))
    .map((o) => ({ template: o.template, object: o.render(scope) }));
}
