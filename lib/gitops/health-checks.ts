/**
 * Flux health checks of the custom kinds a chart writes (issue 19 §3). Each chart's Kustomization has
 * `wait: true`, so kustomize-controller waits until every applied object is Current as kstatus reads it
 * (sigs.k8s.io/cli-utils kstatus: built-in kinds by their own rules; any other kind by
 * `status.observedGeneration` against `metadata.generation` and the `Reconciling`/`Stalled` conditions).
 * That reading fails or means nothing for the kinds below:
 * - an Argo Rollout's `status.observedGeneration` is a string, which kstatus cannot read: the
 *   Kustomization never becomes Ready and everything that `dependsOn` it never applies
 *   (fluxcd/flux2#4632; argoproj/argo-rollouts#4672);
 * - ExternalSecret, SealedSecret, Certificate, Issuer, ClusterIssuer, HTTPRoute, the Envoy Gateway policies
 *   and Velero's Schedule report their state in a `Ready`/`Synced` condition, in per-parent conditions or in
 *   a phase, none of which kstatus reads: it calls them Current as soon as they exist, so `wait` would not
 *   wait for the Secret to be written, the certificate issued, the route or policy accepted.
 * `healthCheckExprs` (Kustomization v1, kustomize-controller v1.5.0, Flux v2.5.0, RFC-0009) gives each of
 * these kinds CEL expressions evaluated on the object: `inProgress`, then `failed`, then `current`; none
 * true is InProgress (fluxcd/pkg runtime/cel StatusEvaluator). The expressions guard every field they read
 * with `has()` (a missing field would be an error, and the check would wait for the timeout: Flux docs,
 * "Health check expressions"); `status` itself missing is such an error, for the moments before a
 * controller first writes it. Conditions are tested with `exists()`, never `all()` (which is true on an
 * empty list, and would call a fresh object failed or ready).
 *
 * A Rollout is Current once its controller has seen this generation (`status.observedGeneration`, a
 * string) and its phase is Healthy, or Paused: a canary waits in a phase for hours (production: 24 h, far
 * beyond the Kustomization's timeout) and a blue-green for a person's promotion; the release is then under
 * Argo Rollouts' control, as Argo CD's health check shows it Suspended rather than Progressing. Degraded
 * (aborted, invalid spec, progress deadline exceeded; argo-rollouts utils/rollout/rolloututil.go) fails.
 */
import type { KustomizationSpecHealthCheckExprs } from '../../imports/kustomize.toolkit.fluxcd.io';
import type { GroupKind } from './inventory';

/** A condition of `status.conditions` with this type and status. */
const condition = (type: string, status: 'True' | 'False') => `has(status.conditions) && status.conditions.exists(c, c.type == '${type}' && c.status == '${status}')`;

/** Health by a `Ready`-like condition: True is Current, False is Failed, none yet is InProgress. */
const byCondition = (type: string) => ({ current: condition(type, 'True'), failed: condition(type, 'False') });

/** A per-parent condition list (`status.parents` of a route, `status.ancestors` of a policy): every one Accepted, or one refused. */
const byParents = (list: 'parents' | 'ancestors') => ({
  current: `has(status.${list}) && size(status.${list}) > 0 && status.${list}.all(p, has(p.conditions) && p.conditions.exists(c, c.type == 'Accepted' && c.status == 'True'))`,
  failed: `has(status.${list}) && status.${list}.exists(p, has(p.conditions) && p.conditions.exists(c, c.type == 'Accepted' && c.status == 'False'))`,
});

/** The expressions by API group and kind (the apiVersion written is the version the platform writes). */
export const HEALTH_CHECK_EXPRESSIONS: Readonly<Record<string, Omit<KustomizationSpecHealthCheckExprs, 'kind'>>> = {
  'argoproj.io/Rollout': {
    apiVersion: 'argoproj.io/v1alpha1',
    inProgress: 'has(status.observedGeneration) && status.observedGeneration != string(metadata.generation)',
    failed: "has(status.phase) && status.phase == 'Degraded'",
    current: "has(status.phase) && (status.phase == 'Healthy' || status.phase == 'Paused') && has(status.observedGeneration) && status.observedGeneration == string(metadata.generation)",
  },
  'external-secrets.io/ExternalSecret': { apiVersion: 'external-secrets.io/v1', ...byCondition('Ready') },
  'bitnami.com/SealedSecret': { apiVersion: 'bitnami.com/v1alpha1', ...byCondition('Synced') },
  'cert-manager.io/Certificate': { apiVersion: 'cert-manager.io/v1', ...byCondition('Ready') },
  'cert-manager.io/ClusterIssuer': { apiVersion: 'cert-manager.io/v1', ...byCondition('Ready') },
  'cert-manager.io/Issuer': { apiVersion: 'cert-manager.io/v1', ...byCondition('Ready') },
  'gateway.networking.k8s.io/HTTPRoute': { apiVersion: 'gateway.networking.k8s.io/v1', ...byParents('parents') },
  'gateway.envoyproxy.io/BackendTrafficPolicy': { apiVersion: 'gateway.envoyproxy.io/v1alpha1', ...byParents('ancestors') },
  'gateway.envoyproxy.io/SecurityPolicy': { apiVersion: 'gateway.envoyproxy.io/v1alpha1', ...byParents('ancestors') },
  'gateway.envoyproxy.io/ClientTrafficPolicy': { apiVersion: 'gateway.envoyproxy.io/v1alpha1', ...byParents('ancestors') },
  'velero.io/Schedule': { apiVersion: 'velero.io/v1', current: "has(status.phase) && status.phase == 'Enabled'", failed: "has(status.phase) && status.phase == 'FailedValidation'" },
};

/** The health check expressions of a chart's Kustomization: one per custom kind it writes that has any, in kind order. */
export function healthCheckExprs(kinds: readonly GroupKind[]): KustomizationSpecHealthCheckExprs[] {
  return kinds.flatMap(({ group, kind }) => {
    const exprs = HEALTH_CHECK_EXPRESSIONS[`${group}/${kind}`];
    return exprs ? [{ apiVersion: exprs.apiVersion, kind, ...(exprs.inProgress ? { inProgress: exprs.inProgress } : {}), ...(exprs.failed ? { failed: exprs.failed } : {}), current: exprs.current }] : [];
  });
}
