/**
 * How a canary's traffic share is made, the pluggable part of the canary (values
 * `rollout.canary.trafficRouting`):
 * - `replicas`: no traffic router; Argo Rollouts sizes the canary ReplicaSet to the step's weight
 *   (of the stable pod count, rounded up), and the Service spreads requests across all pods;
 * - `nginx`: the NGINX ingress controller. Argo Rollouts copies the application's Ingresses (the
 *   main one and the admin one) into canary Ingresses pointing at the canary Service, with
 *   `canary-weight` set to the step's weight, so the share is exact whatever the pod counts.
 * - `gatewayAPI`: Argo Rollouts' Gateway API plugin (`argoproj-labs/gatewayAPI`, installed with the
 *   controller) sets the weights of the stable and canary Services in the application's HTTPRoutes
 *   (lib/app/gateway-routes.ts lists both in every rule when this router is on).
 * Another router is one more entry here: its value in the schema's enum, its `trafficRouting` tree
 * below, and its provider in the rule of app-rules.ts.
 */
import { type Expr, and, eq, not, release } from '../template/expr';
import { type Refs, when } from '../template/manifest';
import type { AppValues } from '../values/schema';
import { nameWith, names } from '../app/names';
import { isCanary } from './strategy';

/** The plugin's name as the Argo Rollouts controller's configuration registers it. */
const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** A canary whose traffic the Gateway API plugin splits: the HTTPRoutes then name the canary Service too. */
export function splitsHttpRoutes(v: Refs<AppValues>): Expr<boolean> {
  return and(isCanary(v), eq(v.rollout.canary.trafficRouting, 'gatewayAPI'));
}

/** The canary's `trafficRouting` (checked against the Rollout's type where the Rollout is declared), absent for `replicas`. */
export function canaryTrafficRouting(v: Refs<AppValues>) {
  const ing = v.ingress;
  const admin = and(ing.enabled, ing.adminPaths.paths);
  return when(not(eq(v.rollout.canary.trafficRouting, 'replicas')), {
    nginx: when(eq(v.rollout.canary.trafficRouting, 'nginx'), { stableIngresses: [names.fullname, when(admin, nameWith('admin'))] }),
    plugins: when(eq(v.rollout.canary.trafficRouting, 'gatewayAPI'), {
      [GATEWAY_API_PLUGIN]: { namespace: release.namespace, httpRoutes: [{ name: names.fullname }, when(admin, { name: nameWith('admin') })] },
    }),
  });
}
