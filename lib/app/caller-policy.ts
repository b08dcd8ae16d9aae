/**
 * The NetworkPolicies for a short-lived pod of the release that calls the application on its http
 * port (the `helm test` Pod, the blue-green smoke-test Job), one per side so neither is wider than
 * needed: the caller's pods may open connections to the application's pods on that port (egress only),
 * and the application's pods accept connections from the caller's pods on it (ingress only). DNS is
 * open to every pod of the namespace already (lib/app/network-policies.ts, `allow-dns`).
 */
import type { k8s } from 'cdk8s-plus-27';
import { type Expr, release } from '../template/expr';
import type { Refs } from '../template/manifest';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';
import { selectorLabels } from './names';

/** The two specs: `caller` selects the caller's pods, `application` the application's. */
export interface CallerPolicies {
  readonly caller: Manifest<k8s.NetworkPolicySpec>;
  readonly application: Manifest<k8s.NetworkPolicySpec>;
}

/** `callerName`: the caller pods' app.kubernetes.io/name (their instance is the release's). */
export function callerPolicySpecs(v: Refs<AppValues>, callerName: Expr<string>): CallerPolicies {
  const callerLabels = { 'app.kubernetes.io/name': callerName, 'app.kubernetes.io/instance': release.name };
  const ports = [{ protocol: 'TCP', port: v.containerPort }];
  return {
    caller: { podSelector: { matchLabels: callerLabels }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: selectorLabels } }], ports }] },
    application: { podSelector: { matchLabels: selectorLabels }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: callerLabels } }], ports }] },
  };
}
