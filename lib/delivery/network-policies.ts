/**
 * The NetworkPolicies of the blue-green smoke test, one per side: `<name>-smoke-test-egress` lets its
 * Job's pods reach the application's pods (the preview Service's endpoints) on the http port, and
 * `<name>-allow-smoke-test` lets those pods accept it; nothing else opens, and neither side gains the
 * other's rule. (DNS is open to every pod of the namespace already, lib/app/network-policies.ts.) The Argo Rollouts
 * controller's queries to Prometheus are allowed on the monitoring side
 * (lib/monitoring/stack/network-policies.ts).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { release } from '../template/expr';
import { callerPolicySpecs } from '../app/caller-policy';
import { commonLabels, nameWith } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { smokeTestPodLabels } from './analysis-template';
import { smokeTestPolicies } from './strategy';

export class AppDeliveryNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const specs = callerPolicySpecs(v, smokeTestPodLabels['app.kubernetes.io/name']);
    new TemplatedObject(this, 'SmokeTest', {
      type: k8s.KubeNetworkPolicy,
      template: 'networkpolicy-allow-smoke-test.yaml',
      condition: smokeTestPolicies(v),
      manifest: { metadata: { name: nameWith('allow-smoke-test'), namespace: release.namespace, labels: commonLabels(v) }, spec: specs.application },
    });
    new TemplatedObject(this, 'SmokeTestEgress', {
      type: k8s.KubeNetworkPolicy,
      template: 'networkpolicy-smoke-test-egress.yaml',
      condition: smokeTestPolicies(v),
      manifest: { metadata: { name: nameWith('smoke-test-egress'), namespace: release.namespace, labels: commonLabels(v) }, spec: specs.caller },
    });
  }
}
