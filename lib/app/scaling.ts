/** HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget (policy/v1). */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { fmt, ifElse, release } from '../template/expr';
import { isRolling } from '../delivery/strategy';
import { hasKey } from '../template/functions';
import { type Refs, when } from '../template/manifest';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';
import { commonLabels, names, selectorLabels } from './names';
import type { AppObjectProps } from './props';

type ScalingRules = AppValues['autoscaling']['behavior']['scaleUp'];

function scalingRules(rules: Refs<ScalingRules>, selectPolicy: 'Max' | 'Min'): Manifest<k8s.HpaScalingRulesV2> {
  return {
    stabilizationWindowSeconds: rules.stabilizationWindowSeconds,
    selectPolicy,
    policies: [
      { type: 'Percent', value: rules.percentPerMinute, periodSeconds: 60 },
      { type: 'Pods', value: rules.podsPerMinute, periodSeconds: 60 },
    ],
  };
}

export class AppAutoscaler extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const a = props.values.autoscaling;
    const utilization = (resource: string, target: Refs<number>): Manifest<k8s.MetricSpecV2> => ({
      type: 'Resource',
      resource: { name: resource, target: { type: 'Utilization', averageUtilization: target } },
    });
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeHorizontalPodAutoscalerV2,
      template: 'hpa.yaml',
      condition: a.enabled,
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(props.values) },
        spec: {
          // The workload that runs the pods: the Deployment, or the Argo Rollout in its place (lib/delivery/).
          scaleTargetRef: {
            apiVersion: ifElse(isRolling(props.values), 'apps/v1', 'argoproj.io/v1alpha1'),
            kind: ifElse(isRolling(props.values), 'Deployment', 'Rollout'),
            name: names.fullname,
          },
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [
            utilization('cpu', a.targetCPUUtilizationPercentage),
            utilization('memory', a.targetMemoryUtilizationPercentage),
            when(a.requestsPerSecond.enabled, {
              type: 'Pods',
              pods: {
                metric: { name: a.requestsPerSecond.metricName },
                target: { type: 'AverageValue', averageValue: fmt`${a.requestsPerSecond.averageValue}` },
              },
            }),
          ],
          // Scale up fast (the larger of the two policies), scale down slowly (the smaller).
          behavior: { scaleUp: scalingRules(a.behavior.scaleUp, 'Max'), scaleDown: scalingRules(a.behavior.scaleDown, 'Min') },
        },
      },
    });
  }
}

export class AppDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const pdb = props.values.pdb;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubePodDisruptionBudget,
      template: 'pdb.yaml',
      condition: pdb.enabled,
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(props.values) },
        spec: {
          selector: { matchLabels: selectorLabels },
          minAvailable: when(hasKey(pdb, 'minAvailable'), pdb.minAvailable),
          maxUnavailable: when(hasKey(pdb, 'maxUnavailable'), pdb.maxUnavailable),
        },
      },
    });
  }
}
