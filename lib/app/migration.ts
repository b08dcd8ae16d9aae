/**
 * The database migration Job (values: migration), run before the new version rolls out:
 * - Helm runs it as a `pre-install,pre-upgrade` hook (weight -5, deleted before the next one is
 *   created); Argo CD as a `PreSync` hook (sync wave -5, BeforeHookCreation) from the plain manifests;
 *   Flux recreates it when its template changes (`kustomize.toolkit.fluxcd.io/force`). Both outputs
 *   carry all of these annotations, so they hold the same objects: each tool reads its own.
 * - It has no `ttlSecondsAfterFinished`: Flux applies it as a plain object and would recreate a Job the
 *   TTL controller deleted, running the migration again at the next reconciliation; Helm and Argo CD
 *   replace the finished Job at the next release anyway (before-hook-creation, BeforeHookCreation).
 * - Its pod has labels of its own (`<name>-migration`, component `migration`): the Service never selects
 *   it. It gets the application's image (or migration.image), env and secretEnv as variables and its
 *   envFrom sources (existing ConfigMaps and Secrets; a pre-install hook runs before the chart's
 *   ConfigMap and ServiceAccount exist, so it uses neither),
 *   the restricted security context, the resources from values and a writable /tmp.
 * - Its egress is the application's dependencies, in a NetworkPolicy that is a hook of its own, one
 *   step earlier (weight -10): it exists before the Job on the first install and on every upgrade.
 * - A Secret of `secrets` (made by the chart's ExternalSecret or SealedSecret, after every hook) is read
 *   from the migration's own copy, made by a hook before the Job (lib/secrets/migration-copies.ts).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { TemplatedObject } from '../chart/templated-object';
import { and, release, withDefault } from '../template/expr';
import { nameValueList, quantities } from '../template/functions';
import { each, when } from '../template/manifest';
import { commonLabels, nameLabelWith, nameWith } from './names';
import { dependencyEgress } from './network-policies';
import { migrationSecretName } from '../secrets/migration-copies';
import { appImage, imagePullSecrets, podSecurityContext } from './pod';
import type { AppObjectProps } from './props';

/** Hook annotations for Helm, Argo CD and Flux: run before the release's other objects, in `weight` order, recreated each time. */
function hookAnnotations(weight: number) {
  return {
    'helm.sh/hook': 'pre-install,pre-upgrade',
    'helm.sh/hook-weight': `${weight}`,
    'helm.sh/hook-delete-policy': 'before-hook-creation',
    'argocd.argoproj.io/hook': 'PreSync',
    'argocd.argoproj.io/sync-wave': `${weight}`,
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    'kustomize.toolkit.fluxcd.io/force': 'enabled',
  };
}

export class AppMigration extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const m = v.migration;
    // Not the selector labels (name and instance) together: the Service and the app's policies never select the Job's pod.
    const migrationPods = { 'app.kubernetes.io/name': nameLabelWith('migration'), 'app.kubernetes.io/instance': release.name };
    const labels = { ...commonLabels(v), ...migrationPods, 'app.kubernetes.io/component': 'migration' };

    new TemplatedObject(this, 'NetworkPolicy', {
      type: k8s.KubeNetworkPolicy,
      template: 'networkpolicy-migration.yaml',
      condition: and(m.enabled, v.networkPolicy.enabled, v.networkPolicy.dependencies),
      manifest: {
        metadata: { name: nameWith('migration'), namespace: release.namespace, labels, annotations: hookAnnotations(-10) },
        spec: { podSelector: { matchLabels: migrationPods }, policyTypes: ['Egress'], egress: dependencyEgress(v) },
      },
    });

    new TemplatedObject(this, 'Job', {
      type: k8s.KubeJob,
      template: 'job-migration.yaml',
      condition: m.enabled,
      manifest: {
        metadata: { name: nameWith('migration'), namespace: release.namespace, labels, annotations: hookAnnotations(-5) },
        spec: {
          backoffLimit: m.backoffLimit,
          activeDeadlineSeconds: m.activeDeadlineSeconds,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: podSecurityContext(v),
              imagePullSecrets: imagePullSecrets(v, (name) => migrationSecretName(v.secrets, name)),
              containers: [
                {
                  name: 'migration',
                  image: withDefault(m.image, appImage(v)),
                  imagePullPolicy: v.image.pullPolicy,
                  command: m.command,
                  args: when(m.args, m.args),
                  // The values' envFrom sources (existing ConfigMaps and Secrets, e.g. a database URL), not the chart's ConfigMap;
                  // a Secret the chart makes is read from the migration's own copy, made before the Job (lib/secrets/migration-copies.ts).
                  envFrom: when(v.envFrom, [
                    each(v.envFrom, 'source', (source) =>
                      when(source.secretRef, { secretRef: { name: migrationSecretName(v.secrets, source.secretRef.name) }, prefix: when(source.prefix, source.prefix) }, source),
                    ),
                  ]),
                  env: [
                    each(nameValueList(v.env), 'variable', (variable) => variable),
                    each(v.secretEnv, 'secretEnv', (ref) => ({ name: ref.name, valueFrom: { secretKeyRef: { name: migrationSecretName(v.secrets, ref.secretName), key: ref.key } } })),
                  ],
                  resources: quantities(m.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            },
          },
        },
      },
    });
  }
}
