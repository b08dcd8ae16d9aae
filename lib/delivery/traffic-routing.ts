/**
 * How a canary's traffic share is made, the pluggable part of the canary (values
 * `rollout.canary.trafficRouting`):
 * - `replicas`: no traffic router; Argo Rollouts sizes the canary ReplicaSet to the step's weight
 *   (of the stable pod count, rounded up), and the Service spreads requests across all pods;
 * - `nginx`: the NGINX ingress controller. Argo Rollouts copies the application's Ingresses (the
 *   main one and the admin one) into canary Ingresses pointing at the canary Service, with
 *   `canary-weight` set to the step's weight, so the share is exact whatever the pod counts.
 * A new router (the Gateway API plugin of Argo Rollouts, for HTTPRoutes) is one more entry here:
 * its value in the schema's enum, its `trafficRouting` tree below, and its rule in app-rules.ts.
 */
import { and, eq } from '../template/expr';
import { type Refs, when } from '../template/manifest';
import type { AppValues } from '../values/schema';
import { nameWith, names } from '../app/names';

/** The canary's `trafficRouting` (checked against the Rollout's type where the Rollout is declared), absent for `replicas`. */
export function canaryTrafficRouting(v: Refs<AppValues>) {
  const ing = v.ingress;
  return when(eq(v.rollout.canary.trafficRouting, 'nginx'), {
    nginx: { stableIngresses: [names.fullname, when(and(ing.enabled, ing.adminPaths.paths), nameWith('admin'))] },
  });
}
