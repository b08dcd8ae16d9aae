/**
 * The NetworkPolicy `<app>-allow-tracing`: the application's pods may open connections to their trace
 * collector (`tracing.egress`, written by synth from the environment's declared collector:
 * lib/references/tracing.ts) on its port, and nowhere else for traces. None when tracing is off, so a
 * policy is never wider than the values.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { and, release } from '../template/expr';
import { commonLabels, nameWith, selectorLabels } from './names';
import { peer } from './network-policies';
import type { AppObjectProps } from './props';

export class AppTracingPolicy extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const egress = v.tracing.egress;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeNetworkPolicy,
      template: 'networkpolicy-allow-tracing.yaml',
      condition: and(v.networkPolicy.enabled, v.tracing.enabled, egress),
      manifest: {
        metadata: { name: nameWith('allow-tracing'), namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          podSelector: { matchLabels: selectorLabels },
          policyTypes: ['Egress'],
          egress: [{ to: [peer(egress)], ports: [{ protocol: 'TCP', port: egress.port }] }],
        },
      },
    });
  }
}
