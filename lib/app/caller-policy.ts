/**
 * A NetworkPolicy spec for a short-lived pod of the release that calls the application on its http
 * port (the `helm test` Pod, the blue-green smoke-test Job): one policy selecting both sides, so the
 * caller may reach the application's pods and they may be reached by it, and nothing else opens.
 */
import type { k8s } from 'cdk8s-plus-27';
import { type Expr, release } from '../template/expr';
import type { Refs } from '../template/manifest';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';
import { names, selectorLabels } from './names';

/** `callerName`: the caller pods' app.kubernetes.io/name (their instance is the release's). */
export function callerPolicySpec(v: Refs<AppValues>, callerName: Expr<string>): Manifest<k8s.NetworkPolicySpec> {
  const callerLabels = { 'app.kubernetes.io/name': callerName, 'app.kubernetes.io/instance': release.name };
  return {
    podSelector: {
      matchLabels: { 'app.kubernetes.io/instance': release.name },
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [names.name, callerName] }],
    },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: { matchLabels: callerLabels } }], ports: [{ protocol: 'TCP', port: v.containerPort }] }],
    egress: [{ to: [{ podSelector: { matchLabels: selectorLabels } }], ports: [{ protocol: 'TCP', port: v.containerPort }] }],
  };
}
