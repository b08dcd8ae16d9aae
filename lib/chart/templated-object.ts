/**
 * A Kubernetes object described once as a manifest tree, rendered either as plain JSON (for one
 * release's values) or as a Helm template. It is a cdk8s ApiObject: `toJson()` gives the object for
 * the chart's own release, so cdk8s tooling (Testing.synth, App.synthYaml) sees the real manifest.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Expr, Scope } from '../template/expr';
import { evaluateManifest } from '../template/evaluate';
import { goTruthy } from '../template/go-semantics';
import { Node, When } from '../template/manifest';
import { conditionOf } from './conditions';
import { applyObjectOperations } from './object-operations';

export interface TemplatedObjectProps {
  readonly apiVersion: string;
  readonly kind: string;
  /** File name of the template in the chart's templates/ folder, e.g. `deployment.yaml`. */
  readonly template: string;
  readonly manifest: Node;
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

export class TemplatedObject extends ApiObject {
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
  readonly manifest: Node;
  readonly condition?: Expr;
  readonly helmOnly: boolean;
  readonly plainOnly: boolean;

  constructor(scope: Construct, id: string, props: TemplatedObjectProps) {
    super(scope, id, { apiVersion: props.apiVersion, kind: props.kind, metadata: { name: id } });
    Object.defineProperty(this, TEMPLATED_OBJECT, { value: true });
    this.template = props.template;
    this.manifest = props.manifest;
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
export class HelmOnlyCondition extends Expr<boolean> {
  evaluate(): boolean {
    return false;
  }
  go(): string {
    return 'true';
  }
}

export function helmOnly(node: Node): When {
  return new When(new HelmOnlyCondition(), node);
}
