/**
 * Where another application of the platform runs, for a dependency by `app` (and the dependent on the
 * other side) that synth has not located: this chart's values.yaml, or values given to Helm alone.
 *
 * Synth writes each environment's location (the callee's namespace `<app>-<env>`, its pod labels and its
 * Service: lib/values/wiring.ts), and the chart uses them as they are. Without them, the chart finds the
 * callee where the release layout puts it, in both outputs:
 * - `namespace` and `release` given in the values: the release `release` (its pods' instance label) in
 *   `namespace` (default: this release's namespace);
 * - otherwise, in an umbrella chart (this chart is a dependency of another, and so is the callee: one
 *   release, one namespace): this release's name and namespace;
 * - otherwise (this chart installed on its own): the release named after the application, in this
 *   release's namespace, as the README installs each chart (`helm install api ... -n <namespace>`).
 * The callee's pods are selected by `app.kubernetes.io/name` (its chart name) and
 * `app.kubernetes.io/instance` (its release), its Service is its full name, as its chart names it
 * (lib/app/names.ts `fullnameOf`, without overrides of the callee's, which this chart cannot see).
 */
import { Expr, type GoContext, type Operand, type Scope, expr, fmt, release, withDefault } from '../template/expr';
import type { Refs } from '../template/manifest';
import { fullnameOf } from './names';

/** A dependency by `app`, or a dependent, as far as its location goes. */
interface CalleeRef {
  readonly app?: string;
  readonly namespace?: string;
  readonly release?: string;
}

/**
 * Whether this chart renders as a dependency of another (an umbrella chart): its templates are then under
 * `<parent>/charts/<chart>/templates` (`.Template.BasePath`, Helm 3 and 4). A plain manifest is never
 * a dependency's.
 */
const inUmbrella = new (class extends Expr<boolean> {
  evaluate(): boolean {
    return false;
  }
  go(): string {
    return '(contains "/charts/" $.Template.BasePath)';
  }
})();

/** The value, or else the other when this chart is an umbrella's dependency (Sprig `ternary`). */
function ifUmbrella<T>(inside: Operand<T>, alone: Operand<T>): Expr<T> {
  return new (class extends Expr<T> {
    evaluate(scope: Scope): T {
      return expr(alone).evaluate(scope);
    }
    go(ctx: GoContext): string {
      return `(ternary ${expr(inside).go(ctx)} ${expr(alone).go(ctx)} ${inUmbrella.go()})`;
    }
  })();
}

/** The release that runs the callee: `release`, else this one in an umbrella chart, else the one named after the application. */
function calleeRelease(ref: Refs<CalleeRef>): Expr<string> {
  return withDefault(ref.release, ifUmbrella(release.name, ref.app));
}

/** The namespace the callee runs in: `namespace`, else this release's. */
export function calleeNamespace(ref: Refs<CalleeRef>): Expr<string> {
  return withDefault(ref.namespace, release.namespace);
}

/** The selector labels of the callee's pods, as its chart sets them (lib/app/names.ts selectorLabels). */
export function calleePodLabels(ref: Refs<CalleeRef>) {
  return { 'app.kubernetes.io/name': ref.app, 'app.kubernetes.io/instance': calleeRelease(ref) };
}

/** The full name of chart `app` released as `releaseName` (its Service's name), as lib/app/names.ts `fullnameOf` and `<chart>.fullname` give it. */
function fullname(releaseName: Expr<string>, app: Operand<string>): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      return fullnameOf(releaseName.evaluate(scope), String(expr(app).evaluate(scope)), { nameOverride: '', fullnameOverride: '' });
    }
    go(ctx: GoContext): string {
      const r = releaseName.go(ctx);
      const a = expr(app).go(ctx);
      return `((ternary ${r} (printf "%s-%s" ${r} ${a}) (contains ${a} ${r})) | trunc 63 | trimSuffix "-")`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

/** The callee's Service, `<full name>.<namespace>.svc`, which waitForDependencies waits for. */
export function calleeHost(ref: Refs<CalleeRef>): Expr<string> {
  return fmt`${fullname(calleeRelease(ref), ref.app)}.${calleeNamespace(ref)}.svc`;
}
