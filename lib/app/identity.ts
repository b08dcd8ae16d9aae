/** The ServiceAccount the pods run as; its API token is mounted only when the app asks for it. */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { release } from '../template/expr';
import { spread } from '../template/manifest';
import { commonLabels, names } from './names';
import type { AppObjectProps } from './props';

export class AppServiceAccount extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeServiceAccount,
      template: 'serviceaccount.yaml',
      condition: v.serviceAccount.create,
      manifest: {
        metadata: {
          name: names.serviceAccountName,
          namespace: release.namespace,
          labels: commonLabels(v),
          annotations: { ...spread(v.serviceAccount.annotations) },
        },
        automountServiceAccountToken: v.serviceAccount.automountToken,
      },
    });
  }
}
