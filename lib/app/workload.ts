/**
 * The application's Deployment and Service. The pods are those of lib/app/pod-template.ts.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, not, release, withDefault } from '../template/expr';
import { isRolling } from '../delivery/strategy';
import { each, spread, when } from '../template/manifest';
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
      // With rollout.strategy canary or blueGreen, an Argo Rollout runs the same pods (lib/delivery/).
      condition: isRolling(v),
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

/**
 * A Service in front of the application's pods. The application's own by default; lib/delivery adds
 * the canary and preview Services with the same ports (`name`, `template`, `condition`).
 */
export interface AppServiceProps extends AppObjectProps {
  /** Default: the full name. */
  readonly name?: Expr<string>;
  /** Default: `service.yaml`. */
  readonly template?: string;
  /** The Service exists only when this holds (default: always). */
  readonly condition?: Expr;
  /** Labels beside the common ones. */
  readonly labels?: Readonly<Record<string, string>>;
}

export class AppService extends Construct {
  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    const v = props.values;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeService,
      template: props.template ?? 'service.yaml',
      condition: props.condition,
      manifest: {
        metadata: { name: props.name ?? names.fullname, namespace: release.namespace, labels: { ...commonLabels(v), ...props.labels }, annotations: { ...spread(v.service.annotations) } },
        spec: {
          type: v.service.type,
          selector: selectorLabels,
          ports: [
            { name: 'http', port: v.service.port, targetPort: 'http', protocol: 'TCP' },
            each(v.service.extraPorts, 'extraPort', (port) => ({ name: port.name, port: port.port, targetPort: port.targetPort, protocol: withDefault(port.protocol, 'TCP') })),
          ],
        },
      },
    });
  }
}
