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

export class TemplatedObject extends ApiObject {
  readonly template: string;
  readonly manifest: Node;
  readonly condition?: Expr;
  readonly helmOnly: boolean;
  readonly plainOnly: boolean;

  constructor(scope: Construct, id: string, props: TemplatedObjectProps) {
    super(scope, id, { apiVersion: props.apiVersion, kind: props.kind, metadata: { name: id } });
    this.template = props.template;
    this.manifest = props.manifest;
    this.condition = props.condition;
    this.helmOnly = props.helmOnly ?? false;
    this.plainOnly = props.plainOnly ?? false;
  }

  /** Whether the object exists in a release. */
  existsIn(scope: Scope): boolean {
    return !this.helmOnly && (this.condition === undefined || goTruthy(this.condition.evaluate(scope)));
  }

  /** The object for one release (call `existsIn` first). */
  render(scope: Scope): Record<string, unknown> {
    return evaluateManifest(this.manifest, scope) as Record<string, unknown>;
  }

  override toJson(): Record<string, unknown> {
    return this.render((Chart.of(this) as unknown as ReleaseChart).defaultScope);
  }
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
