/**
 * The application's Deployment and Service. The pods are those of lib/app/pod-template.ts.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { not, release } from '../template/expr';
import { spread, when } from '../template/manifest';
import { commonLabels, names, selectorLabels } from './names';
import { type AppPodTemplateProps, appPodTemplate } from './pod-template';
import type { AppObjectProps } from './props';

/** What the Deployment needs: the pod template's inputs (lib/app/pod-template.ts). */
export type AppDeploymentProps = AppPodTemplateProps;

export class AppDeployment extends Construct {
  constructor(scope: Construct, id: string, props: AppDeploymentProps) {
    super(scope, id);
    const v = props.values;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeDeployment,
      template: 'deployment.yaml',
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          // With autoscaling the HPA owns the replica count; setting it here would fight the HPA on every apply.
          replicas: when(not(v.autoscaling.enabled), v.replicaCount),
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
          template: appPodTemplate(props),
        },
      },
    });
  }
}

export class AppService extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeService,
      template: 'service.yaml',
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(v), annotations: { ...spread(v.service.annotations) } },
        spec: {
          type: v.service.type,
          selector: selectorLabels,
          ports: [{ name: 'http', port: v.service.port, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    });
  }
}
