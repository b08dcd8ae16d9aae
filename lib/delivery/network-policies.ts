/**
 * The NetworkPolicy of the blue-green smoke test: its Job's pods reach the application's pods (the
 * preview Service's endpoints) on the http port, and those pods accept it; nothing else opens. (DNS
 * is open to every pod of the namespace already, lib/app/network-policies.ts.) The Argo Rollouts
 * controller's queries to Prometheus are allowed on the monitoring side
 * (lib/monitoring/stack/network-policies.ts).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { release } from '../template/expr';
import { callerPolicySpec } from '../app/caller-policy';
import { commonLabels, nameWith } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { smokeTestPodLabels } from './analysis-template';
import { smokeTestPolicies } from './strategy';

export class AppDeliveryNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    new TemplatedObject(this, 'SmokeTest', {
      type: k8s.KubeNetworkPolicy,
      template: 'networkpolicy-allow-smoke-test.yaml',
      condition: smokeTestPolicies(v),
      manifest: {
        metadata: { name: nameWith('allow-smoke-test'), namespace: release.namespace, labels: commonLabels(v) },
        spec: callerPolicySpec(v, smokeTestPodLabels['app.kubernetes.io/name']),
      },
    });
  }
}
