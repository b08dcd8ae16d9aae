/**
 * A Kubernetes object described once as a manifest tree, rendered either as plain JSON (for one
 * release's values) or as a Helm template. It is a cdk8s ApiObject: `toJson()` gives the object for
 * the chart's own release, so cdk8s tooling (Testing.synth, App.synthYaml) sees the real manifest.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Expr, type Scope } from '../template/expr';
import { evaluateManifest } from '../template/evaluate';
import { goTruthy } from '../template/go-semantics';
import { type Node, When } from '../template/manifest';
import type { ApiObjectClass, Checked, ManifestOf } from '../template/typed';
import { conditionOf } from './conditions';
import { applyObjectOperations } from './object-operations';

/**
 * An object of the chart, declared with the cdk8s class of its kind, e.g.
 * `{ type: k8s.KubeDeployment, template: 'deployment.yaml', manifest: { metadata: ..., spec: ... } }`.
 * The class's static `GVK` gives apiVersion and kind; `manifest` is checked against the props type of
 * its constructor (`k8s.KubeDeploymentProps`, or an imported CRD's props: see imports/).
 */
export interface TemplatedObjectProps<C extends ApiObjectClass = ApiObjectClass, M extends ManifestOf<C> = ManifestOf<C>> {
  /** The cdk8s class of the object's kind, e.g. `k8s.KubeDeployment` or `ServiceMonitor` from imports/. */
  readonly type: C;
  /** File name of the template in the chart's templates/ folder, e.g. `deployment.yaml`. */
  readonly template: string;
  /**
   * The object without apiVersion and kind: metadata, spec and the other fields of its kind, a
   * `Manifest` of the class's props type. Checked as written (`M`): a misspelled key anywhere in the
   * tree, `when` branches and `each` bodies included, is a compile error naming it.
   */
  readonly manifest: Checked<M, ManifestOf<C>>;
  /** The object exists only when this holds (Helm: the whole template is wrapped in `if`). */
  readonly condition?: Expr;
  /** Present in the Helm chart only (test hooks), never in the plain manifests. */
  readonly helmOnly?: boolean;
  /** Present in the plain manifests only (objects Helm cannot own, such as the release namespace). */
  readonly plainOnly?: boolean;
}

/** A chart whose objects are rendered for one release at a time. */
export interface ReleaseChart {
  /** The release the chart's own `toJson()` renders (its base values). */
  readonly defaultScope: Scope;
}

const TEMPLATED_OBJECT = Symbol.for('platform-cdk8s.TemplatedObject');

/**
 * One object of a chart (see the module comment). `C` is the cdk8s class of its kind and `M` its
 * manifest as written, both inferred from the props: `new TemplatedObject(this, 'Resource', { type:
 * k8s.KubeService, template: 'service.yaml', manifest: { metadata: ..., spec: ... } })`. A manifest
 * that is not a `Manifest` of the class's props is a compile error (see `TemplatedObjectProps`).
 */
export class TemplatedObject<C extends ApiObjectClass = ApiObjectClass, const M extends ManifestOf<C> = ManifestOf<C>> extends ApiObject {
  /**
   * Whether `o` is a TemplatedObject. cdk8s's `ApiObject[Symbol.hasInstance]` makes `instanceof` true
   * for every ApiObject, subclasses included, so the check is a marker set by the constructor.
   */
  static isTemplatedObject(o: unknown): o is TemplatedObject {
    return typeof o === 'object' && o !== null && TEMPLATED_OBJECT in o;
  }

  /** `instanceof TemplatedObject` means a TemplatedObject, not any ApiObject (see `isTemplatedObject`). */
  static override [Symbol.hasInstance](o: unknown): o is TemplatedObject {
    return TemplatedObject.isTemplatedObject(o);
  }

  readonly template: string;
  /** The whole object as a manifest tree: apiVersion and kind (from the class's GVK) first. */
  readonly manifest: Node;
  readonly condition?: Expr;
  readonly helmOnly: boolean;
  readonly plainOnly: boolean;

  constructor(scope: Construct, id: string, props: TemplatedObjectProps<C, M>) {
    const { apiVersion, kind } = props.type.GVK;
    super(scope, id, { apiVersion, kind, metadata: { name: id } });
    Object.defineProperty(this, TEMPLATED_OBJECT, { value: true });
    this.template = props.template;
    // A typed tree is a Node (typed.ts only narrows what the tree may hold).
    this.manifest = { apiVersion, kind, ...(props.manifest as { readonly [key: string]: Node }) };
    this.condition = props.condition;
    this.helmOnly = props.helmOnly ?? false;
    this.plainOnly = props.plainOnly ?? false;
  }

  /** Whether the object exists in a release (its own condition and those of `onlyWhen` scopes above it). */
  existsIn(scope: Scope): boolean {
    const condition = conditionOf(this, this.condition);
    return !this.helmOnly && (condition === undefined || goTruthy(condition.evaluate(scope)));
  }

  /** The object for one release (call `existsIn` first), with the cdk8s operations applied. */
  render(scope: Scope): Record<string, unknown> {
    return evaluateManifest(templatedManifest(this), scope) as Record<string, unknown>;
  }

  override toJson(): Record<string, unknown> {
    return this.render((Chart.of(this) as unknown as ReleaseChart).defaultScope);
  }
}

/**
 * The manifest tree of a TemplatedObject with the cdk8s operations on it applied (chart labels and
 * namespace, `metadata.addLabel`/`addAnnotation`, `addJsonPatch`; see object-operations.ts).
 * Throws an Error naming the construct path for an operation that cannot hold in every release.
 */
export function templatedManifest(object: TemplatedObject): Node {
  return applyObjectOperations(object, object.manifest, object.node.id);
}

/** A key or item that only the Helm rendering has (such as the `helm.sh/chart` label). */
class HelmOnlyCondition extends Expr<boolean> {
  evaluate(): boolean {
    return false;
  }
  go(): string {
    return 'true';
  }
}

/** `node` in the Helm rendering only (typed like a `when` branch). */
export function helmOnly<const T>(node: T): When<T> {
  return new When<T>(new HelmOnlyCondition(), node as Node);
}
