/**
 * The release namespace's guardrails: Pod Security Admission labels (restricted), a ResourceQuota and
 * a LimitRange. Helm cannot own the namespace it installs into (it stores the release there before
 * creating anything), so the Namespace object is in the plain manifests only; see the README. Each can
 * be switched off (`createNamespace`, `quota.enabled`, `limitRange.enabled`), so that charts sharing a
 * namespace (an umbrella chart's dependencies) give it one of each.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { fmt, release } from '../template/expr';
import { quantities } from '../template/functions';
import { commonLabels, nameWith } from './names';
import type { AppObjectProps } from './props';

export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};

export class AppNamespace extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;

    new TemplatedObject(this, 'Namespace', {
      type: k8s.KubeNamespace,
      template: 'namespace.yaml',
      plainOnly: true,
      condition: v.createNamespace,
      manifest: {
        metadata: { name: release.namespace, labels: { ...POD_SECURITY_LABELS, 'app.kubernetes.io/part-of': v.partOf } },
      },
    });

    new TemplatedObject(this, 'Quota', {
      type: k8s.KubeResourceQuota,
      template: 'resourcequota.yaml',
      condition: v.quota.enabled,
      manifest: {
        metadata: { name: nameWith('quota'), namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          hard: {
            'requests.cpu': fmt`${v.quota.requests.cpu}`,
            'requests.memory': fmt`${v.quota.requests.memory}`,
            'limits.cpu': fmt`${v.quota.limits.cpu}`,
            'limits.memory': fmt`${v.quota.limits.memory}`,
            pods: v.quota.pods,
          },
        },
      },
    });

    new TemplatedObject(this, 'Limits', {
      type: k8s.KubeLimitRange,
      template: 'limitrange.yaml',
      condition: v.limitRange.enabled,
      manifest: {
        metadata: { name: nameWith('limits'), namespace: release.namespace, labels: commonLabels(v) },
        spec: { limits: [{ type: 'Container', default: quantities(v.limitRange.default), defaultRequest: quantities(v.limitRange.defaultRequest) }] },
      },
    });
  }
}
