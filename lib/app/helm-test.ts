/**
 * `helm test`: a Pod that calls the Service's readiness path, with the NetworkPolicy that lets it
 * through the default deny. Both exist only in the Helm chart (hooks are not part of a release's
 * objects), never in the plain manifests.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { fmt, release } from '../template/expr';
import { callerPolicySpecs } from './caller-policy';
import { commonLabels, nameLabelWith, nameWith, names } from './names';
import type { AppObjectProps } from './props';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';

const HOOK = {
  'helm.sh/hook': 'test',
  'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
};

export class AppHelmTest extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const testPodLabels = { 'app.kubernetes.io/name': nameLabelWith('test'), 'app.kubernetes.io/instance': release.name };

    new TemplatedObject(this, 'Pod', {
      type: k8s.KubePod,
      template: 'tests/test-connection.yaml',
      helmOnly: true,
      manifest: {
        metadata: {
          name: nameWith('test-connection'),
          namespace: release.namespace,
          labels: { ...commonLabels(v), ...testPodLabels, 'app.kubernetes.io/component': 'test' },
          annotations: HOOK,
        },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'wget',
              image: v.helmTest.image,
              command: ['wget', '-q', '-O', '-', '-T', '5', fmt`http://${names.fullname}:${v.service.port}${v.probes.readiness.path}`],
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
              securityContext: RESTRICTED_CONTAINER,
            },
          ],
        },
      },
    });

    // One policy per side: the app's pods may be called by the test pod, the test pod may call them.
    const specs = callerPolicySpecs(v, testPodLabels['app.kubernetes.io/name']);
    for (const [id, suffix, spec] of [
      ['NetworkPolicy', 'test-connection', specs.application],
      ['NetworkPolicyEgress', 'test-connection-egress', specs.caller],
    ] as const) {
      new TemplatedObject(this, id, {
        type: k8s.KubeNetworkPolicy,
        template: `tests/networkpolicy-${suffix}.yaml`,
        helmOnly: true,
        condition: v.networkPolicy.enabled,
        manifest: { metadata: { name: nameWith(suffix), namespace: release.namespace, labels: commonLabels(v), annotations: HOOK }, spec },
      });
    }
  }
}
