/**
 * Which workload runs the application (values `rollout.strategy`) and the names of the objects that
 * progressive delivery adds beside the application's own.
 */
import { type Expr, and, eq, not } from '../template/expr';
import type { Refs } from '../template/manifest';
import type { AppValues } from '../values/schema';
import { nameWith } from '../app/names';

type Values = Refs<AppValues>;

/** `rolling`: the plain Deployment (lib/app/workload.ts). */
export function isRolling(v: Values): Expr<boolean> {
  return eq(v.rollout.strategy, 'rolling');
}

/** `canary` or `blueGreen`: an Argo Rollout with the same pod template. */
export function isRollout(v: Values): Expr<boolean> {
  return not(isRolling(v));
}

export function isCanary(v: Values): Expr<boolean> {
  return eq(v.rollout.strategy, 'canary');
}

export function isBlueGreen(v: Values): Expr<boolean> {
  return eq(v.rollout.strategy, 'blueGreen');
}

/** Blue-green with NetworkPolicies: the smoke test needs its own way through the default deny. */
export function smokeTestPolicies(v: Values): Expr<boolean> {
  return and(isBlueGreen(v), v.networkPolicy.enabled);
}

/**
 * Object names: the application's Service is the stable (canary) or active (blue-green) one; the
 * canary or preview Service beside it selects the new version's pods (Argo Rollouts adds the
 * rollouts-pod-template-hash to both selectors).
 */
export const deliveryNames = {
  canaryService: nameWith('canary'),
  previewService: nameWith('preview'),
  releaseAnalysis: nameWith('release-analysis'),
  smokeTest: nameWith('smoke-test'),
};
