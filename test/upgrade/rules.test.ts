/**
 * Each immutable-field rule fires on the change Kubernetes (or a CRD's transition rule) refuses and stays
 * silent on allowed ones: built-in kinds, the Rollout selector (Argo Rollouts 1.9), and hooks recreated
 * by their delivery (Argo CD, Flux) but not by kubectl apply.
 */
import { describe, expect, it } from 'vitest';
import { checkUpgrade, formatViolation, objectKey } from '../../lib/upgrade/check';
import { type Delivery, deliveries, refusedChanges } from '../../lib/upgrade/delivery';
import { type KubeObject, immutableFieldChanges } from '../../lib/upgrade/rules';

/** An object named app, in namespace shop unless `namespace` is null (cluster-scoped). */
function object(apiVersion: string, kind: string, fields: Record<string, unknown>, namespace: string | null = 'shop'): KubeObject {
  return { apiVersion, kind, metadata: { name: 'app', ...(namespace ? { namespace } : {}) }, ...fields };
}

const selector = { matchLabels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app' } };
const otherSelector = { matchLabels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/version': '2' } };
const podTemplate = (image: string) => ({ metadata: { labels: selector.matchLabels }, spec: { containers: [{ name: 'app', image }] } });
const claimTemplate = (storage: string) => ({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });

interface RuleCase {
  readonly name: string;
  readonly previous: KubeObject;
  readonly current: KubeObject;
  /** Fields reported, in order; empty when Kubernetes accepts the change. */
  readonly fields: readonly string[];
}

const workload = (kind: string, spec: Record<string, unknown>) => object('apps/v1', kind, { spec });
const service = (spec: Record<string, unknown>) => object('v1', 'Service', { spec: { ports: [{ port: 80 }], ...spec } });
const claim = (spec: Record<string, unknown>) =>
  object('v1', 'PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } }, ...spec } });
const job = (spec: Record<string, unknown>) => object('batch/v1', 'Job', { spec: { template: podTemplate('app:1'), ...spec } });
const roleBinding = (kind: string, role: string, namespace: string | null) =>
  object('rbac.authorization.k8s.io/v1', kind, { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [] }, namespace);
const configMap = (fields: Record<string, unknown>) => object('v1', 'ConfigMap', fields);
const secret = (fields: Record<string, unknown>) => object('v1', 'Secret', fields);

const cases: RuleCase[] = [
  ...['Deployment', 'ReplicaSet', 'DaemonSet'].flatMap((kind) => [
    { name: `${kind} selector change`, previous: workload(kind, { selector }), current: workload(kind, { selector: otherSelector }), fields: ['spec.selector'] },
    {
      name: `${kind} template and replicas change`,
      previous: workload(kind, { selector, replicas: 1, template: podTemplate('app:1') }),
      current: workload(kind, { selector, replicas: 3, template: podTemplate('app:2') }),
      fields: [],
    },
  ]),
  { name: 'StatefulSet selector change', previous: workload('StatefulSet', { selector }), current: workload('StatefulSet', { selector: otherSelector }), fields: ['spec.selector'] },
  { name: 'StatefulSet serviceName change', previous: workload('StatefulSet', { serviceName: 'db' }), current: workload('StatefulSet', { serviceName: 'db-headless' }), fields: ['spec.serviceName'] },
  {
    name: 'StatefulSet volumeClaimTemplates change',
    previous: workload('StatefulSet', { volumeClaimTemplates: [claimTemplate('10Gi')] }),
    current: workload('StatefulSet', { volumeClaimTemplates: [claimTemplate('20Gi')] }),
    fields: ['spec.volumeClaimTemplates'],
  },
  {
    name: 'StatefulSet volumeClaimTemplates added',
    previous: workload('StatefulSet', {}),
    current: workload('StatefulSet', { volumeClaimTemplates: [claimTemplate('10Gi')] }),
    fields: ['spec.volumeClaimTemplates'],
  },
  { name: 'StatefulSet podManagementPolicy change', previous: workload('StatefulSet', {}), current: workload('StatefulSet', { podManagementPolicy: 'Parallel' }), fields: ['spec.podManagementPolicy'] },
  { name: 'StatefulSet podManagementPolicy set to its default', previous: workload('StatefulSet', {}), current: workload('StatefulSet', { podManagementPolicy: 'OrderedReady' }), fields: [] },
  {
    name: 'StatefulSet template, replicas and updateStrategy change',
    previous: workload('StatefulSet', { selector, serviceName: 'db', replicas: 1, template: podTemplate('db:1'), volumeClaimTemplates: [claimTemplate('10Gi')] }),
    current: workload('StatefulSet', { selector, serviceName: 'db', replicas: 3, template: podTemplate('db:2'), updateStrategy: { type: 'OnDelete' }, volumeClaimTemplates: [claimTemplate('10Gi')] }),
    fields: [],
  },
  { name: 'Service clusterIP change', previous: service({ clusterIP: '10.0.0.10' }), current: service({ clusterIP: '10.0.0.11' }), fields: ['spec.clusterIP'] },
  { name: 'Service clusterIP set where it was allocated', previous: service({}), current: service({ clusterIP: 'None' }), fields: ['spec.clusterIP'] },
  { name: 'Service clusterIP dropped (the allocated one stays)', previous: service({ clusterIP: '10.0.0.10' }), current: service({}), fields: [] },
  { name: 'Service clusterIPs change', previous: service({ clusterIPs: ['10.0.0.10'] }), current: service({ clusterIPs: ['10.0.0.11'] }), fields: ['spec.clusterIPs'] },
  { name: 'Service clusterIPs set where they were allocated', previous: service({}), current: service({ clusterIPs: ['10.0.0.10'] }), fields: ['spec.clusterIPs'] },
  { name: 'Service second IP family added', previous: service({ clusterIP: '10.0.0.10' }), current: service({ clusterIPs: ['10.0.0.10', 'fd00::10'] }), fields: [] },
  { name: 'Service second IP family removed', previous: service({ clusterIPs: ['10.0.0.10', 'fd00::10'] }), current: service({ clusterIPs: ['10.0.0.10'] }), fields: [] },
  { name: 'Service ports and type change', previous: service({ type: 'ClusterIP' }), current: service({ type: 'LoadBalancer', ports: [{ port: 443 }] }), fields: [] },
  { name: 'Service to ExternalName with a clusterIP', previous: service({}), current: service({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.0.0.10' }), fields: ['spec.type'] },
  { name: 'Service from ExternalName with a clusterIP', previous: service({ type: 'ExternalName', externalName: 'db.example.com' }), current: service({ clusterIP: '10.0.0.10' }), fields: ['spec.type'] },
  { name: 'Service from ExternalName without a clusterIP', previous: service({ type: 'ExternalName', externalName: 'db.example.com' }), current: service({}), fields: [] },
  { name: 'Service to ExternalName without a clusterIP', previous: service({}), current: service({ type: 'ExternalName', externalName: 'db.example.com' }), fields: [] },
  { name: 'Job template change', previous: job({}), current: job({ template: podTemplate('app:2') }), fields: ['spec.template'] },
  { name: 'Job selector change', previous: job({ selector }), current: job({ selector: otherSelector }), fields: ['spec.selector'] },
  { name: 'Job completionMode change', previous: job({}), current: job({ completionMode: 'Indexed' }), fields: ['spec.completionMode'] },
  { name: 'Job parallelism and suspend change', previous: job({ parallelism: 1 }), current: job({ parallelism: 4, suspend: true }), fields: [] },
  {
    name: 'CronJob schedule and jobTemplate change',
    previous: object('batch/v1', 'CronJob', { spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: podTemplate('app:1') } } } }),
    current: object('batch/v1', 'CronJob', { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate('app:2') } } } }),
    fields: [],
  },
  { name: 'PersistentVolumeClaim accessModes change', previous: claim({}), current: claim({ accessModes: ['ReadWriteMany'] }), fields: ['spec.accessModes'] },
  { name: 'PersistentVolumeClaim storageClassName change', previous: claim({}), current: claim({ storageClassName: 'slow' }), fields: ['spec.storageClassName'] },
  { name: 'PersistentVolumeClaim volumeName change', previous: claim({ volumeName: 'pv-1' }), current: claim({ volumeName: 'pv-2' }), fields: ['spec.volumeName'] },
  { name: 'PersistentVolumeClaim storage shrink', previous: claim({}), current: claim({ resources: { requests: { storage: '9000Mi' } } }), fields: ['spec.resources.requests.storage'] },
  { name: 'PersistentVolumeClaim storage growth', previous: claim({}), current: claim({ resources: { requests: { storage: '20Gi' } } }), fields: [] },
  { name: 'PersistentVolumeClaim same size, other unit', previous: claim({}), current: claim({ resources: { requests: { storage: '10240Mi' } } }), fields: [] },
  { name: 'RoleBinding roleRef change', previous: roleBinding('RoleBinding', 'view', 'shop'), current: roleBinding('RoleBinding', 'edit', 'shop'), fields: ['roleRef'] },
  { name: 'ClusterRoleBinding roleRef change', previous: roleBinding('ClusterRoleBinding', 'view', null), current: roleBinding('ClusterRoleBinding', 'edit', null), fields: ['roleRef'] },
  {
    name: 'RoleBinding subjects change',
    previous: roleBinding('RoleBinding', 'view', 'shop'),
    current: { ...roleBinding('RoleBinding', 'view', 'shop'), subjects: [{ kind: 'User', name: 'ann' }] },
    fields: [],
  },
  { name: 'immutable ConfigMap data change', previous: configMap({ immutable: true, data: { a: '1' } }), current: configMap({ immutable: true, data: { a: '2' } }), fields: ['data'] },
  { name: 'immutable ConfigMap made mutable', previous: configMap({ immutable: true, data: { a: '1' } }), current: configMap({ data: { a: '1' } }), fields: ['immutable'] },
  { name: 'mutable ConfigMap data change', previous: configMap({ data: { a: '1' } }), current: configMap({ data: { a: '2' } }), fields: [] },
  { name: 'ConfigMap made immutable', previous: configMap({ data: { a: '1' } }), current: configMap({ immutable: true, data: { a: '2' } }), fields: [] },
  { name: 'immutable Secret data change', previous: secret({ immutable: true, data: { a: 'MQ==' } }), current: secret({ immutable: true, data: { a: 'Mg==' } }), fields: ['data'] },
  { name: 'mutable Secret data change', previous: secret({ data: { a: 'MQ==' } }), current: secret({ data: { a: 'Mg==' } }), fields: [] },
  { name: 'Secret type change', previous: secret({ data: {} }), current: secret({ type: 'kubernetes.io/tls', data: {} }), fields: ['type'] },
  {
    name: 'StatefulSet minReadySeconds, persistentVolumeClaimRetentionPolicy and ordinals change',
    previous: workload('StatefulSet', { serviceName: 'db' }),
    current: workload('StatefulSet', { serviceName: 'db', minReadySeconds: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' }, ordinals: { start: 1 } }),
    fields: [],
  },
  {
    name: 'StatefulSet revisionHistoryLimit change (refused by 1.27)',
    previous: workload('StatefulSet', {}),
    current: workload('StatefulSet', { revisionHistoryLimit: 3 }),
    fields: ['spec.revisionHistoryLimit'],
  },
  {
    name: 'StatefulSet serviceName and volumeClaimTemplates change together, one finding each',
    previous: workload('StatefulSet', { serviceName: 'db', volumeClaimTemplates: [claimTemplate('10Gi')] }),
    current: workload('StatefulSet', { serviceName: 'db2', volumeClaimTemplates: [claimTemplate('20Gi')] }),
    fields: ['spec.serviceName', 'spec.volumeClaimTemplates'],
  },
  { name: 'Service headless mark dropped (the API server keeps None)', previous: service({ clusterIP: 'None' }), current: service({}), fields: ['spec.clusterIP'] },
  { name: 'Service headless kept', previous: service({ clusterIP: 'None' }), current: service({ clusterIP: 'None', ports: [{ port: 81 }] }), fields: [] },
  { name: 'Service primary IP family change', previous: service({ ipFamilies: ['IPv4'] }), current: service({ ipFamilies: ['IPv6', 'IPv4'] }), fields: ['spec.ipFamilies'] },
  { name: 'Service second IP family in ipFamilies', previous: service({ ipFamilies: ['IPv4'] }), current: service({ ipFamilies: ['IPv4', 'IPv6'] }), fields: [] },
  {
    name: 'Service loadBalancerClass change',
    previous: service({ type: 'LoadBalancer', loadBalancerClass: 'a.example.com/lb' }),
    current: service({ type: 'LoadBalancer', loadBalancerClass: 'b.example.com/lb' }),
    fields: ['spec.loadBalancerClass'],
  },
  { name: 'Service loadBalancerClass dropped with the type', previous: service({ type: 'LoadBalancer', loadBalancerClass: 'a.example.com/lb' }), current: service({ type: 'ClusterIP' }), fields: [] },
  { name: 'Job completions change', previous: job({ completions: 1 }), current: job({ completions: 3 }), fields: ['spec.completions'] },
  {
    name: 'elastic Indexed Job scaled (completions = parallelism)',
    previous: job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }),
    current: job({ completionMode: 'Indexed', completions: 4, parallelism: 4 }),
    fields: [],
  },
  {
    name: 'Job podFailurePolicy change',
    previous: job({}),
    current: job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }),
    fields: ['spec.podFailurePolicy'],
  },
  { name: 'Job backoffLimit and activeDeadlineSeconds change', previous: job({ backoffLimit: 1 }), current: job({ backoffLimit: 3, activeDeadlineSeconds: 600 }), fields: [] },
  { name: 'PersistentVolumeClaim volumeMode change', previous: claim({}), current: claim({ volumeMode: 'Block' }), fields: ['spec.volumeMode'] },
  {
    name: 'PersistentVolumeClaim dataSource added',
    previous: claim({}),
    current: claim({ dataSource: { kind: 'VolumeSnapshot', name: 's', apiGroup: 'snapshot.storage.k8s.io' } }),
    fields: ['spec.dataSource'],
  },
  { name: 'PersistentVolumeClaim limits change', previous: claim({}), current: claim({ resources: { requests: { storage: '10Gi' }, limits: { storage: '20Gi' } } }), fields: ['spec.resources.limits'] },
  { name: 'PersistentVolumeClaim bound to a volume (volumeName set)', previous: claim({}), current: claim({ volumeName: 'pv-1' }), fields: [] },
  { name: 'PersistentVolumeClaim volumeAttributesClassName change', previous: claim({}), current: claim({ volumeAttributesClassName: 'gold' }), fields: [] },
  {
    name: 'Rollout selector change (Argo Rollouts 1.9 CRD rule)',
    previous: object('argoproj.io/v1alpha1', 'Rollout', { spec: { selector, template: podTemplate('app:1') } }),
    current: object('argoproj.io/v1alpha1', 'Rollout', { spec: { selector: otherSelector, template: podTemplate('app:1') } }),
    fields: ['spec.selector'],
  },
  {
    name: 'Rollout template, replicas and strategy change',
    previous: object('argoproj.io/v1alpha1', 'Rollout', { spec: { selector, replicas: 1, template: podTemplate('app:1'), strategy: { canary: {} } } }),
    current: object('argoproj.io/v1alpha1', 'Rollout', { spec: { selector, replicas: 3, template: podTemplate('app:2'), strategy: { blueGreen: { activeService: 'app' } } } }),
    fields: [],
  },
  {
    name: 'GatewayClass controllerName change (Gateway API CRD rule)',
    previous: object('gateway.networking.k8s.io/v1', 'GatewayClass', { spec: { controllerName: 'example.com/a' } }, null),
    current: object('gateway.networking.k8s.io/v1', 'GatewayClass', { spec: { controllerName: 'example.com/b' } }, null),
    fields: ['spec.controllerName'],
  },
  { name: 'unruled kind', previous: object('v1', 'ServiceAccount', { automountServiceAccountToken: true }), current: object('v1', 'ServiceAccount', { automountServiceAccountToken: false }), fields: [] },
];

describe('immutableFieldChanges', () => {
  it.each(cases)('$name', ({ previous, current, fields }) => {
    expect(immutableFieldChanges(previous, current).map((change) => change.field)).toEqual(fields);
    expect(immutableFieldChanges(previous, previous)).toEqual([]);
  });

  it('reports both values of a refused change', () => {
    const [change] = immutableFieldChanges(claim({}), claim({ resources: { requests: { storage: '5Gi' } } }));
    expect(change).toEqual({ field: 'spec.resources.requests.storage', reason: 'cannot shrink', previous: '10Gi', current: '5Gi' });
  });

  it("gives a CRD's own message", () => {
    const rollout = (s: unknown) => object('argoproj.io/v1alpha1', 'Rollout', { spec: { selector: s } });
    expect(immutableFieldChanges(rollout(selector), rollout(otherSelector))[0].reason).toBe('is immutable (its CRD: ".spec.selector is immutable")');
  });

  it('applies the rules of the API group, not only the kind', () => {
    const legacy = (s: unknown) => object('extensions/v1beta1', 'Deployment', { spec: { selector: s } });
    expect(immutableFieldChanges(legacy(selector), legacy(otherSelector))).toEqual([]);
  });
});

describe('checkUpgrade', () => {
  const deployment = (s: unknown, namespace = 'shop') => object('apps/v1', 'Deployment', { spec: { selector: s } }, namespace);

  it('matches objects by group, kind, namespace and name, whatever the version', () => {
    expect(objectKey(deployment(selector))).toBe('apps/Deployment/shop/app');
    expect(objectKey({ ...deployment(selector), apiVersion: 'apps/v1beta2' })).toBe(objectKey(deployment(selector)));
    expect(objectKey(roleBinding('ClusterRoleBinding', 'view', null))).toBe('rbac.authorization.k8s.io/ClusterRoleBinding//app');
  });

  const doc = (environment: string, object: KubeObject, file = `manifests/${environment}/app/deployment.yaml`) => ({ file, environment, object });
  const argocd = (): Delivery => 'argocd';

  it('compares only the objects present on both sides', () => {
    const previous = [doc('dev', deployment(selector)), doc('dev', deployment(selector, 'gone'), 'manifests/dev/app/gone.yaml')];
    const current = [doc('dev', deployment(otherSelector)), doc('dev', deployment(otherSelector, 'new'), 'manifests/dev/app/new.yaml')];
    const { violations, compared } = checkUpgrade(previous, current, argocd);
    expect(compared).toBe(1);
    expect(violations.map(formatViolation)).toEqual([
      'manifests/dev/app/deployment.yaml: Deployment shop/app: spec.selector is immutable: ' +
        '{"matchLabels":{"app.kubernetes.io/name":"app","app.kubernetes.io/instance":"app"}} -> {"matchLabels":{"app.kubernetes.io/name":"app","app.kubernetes.io/version":"2"}}',
    ]);
  });

  it('compares objects within one environment only (each is its own cluster)', () => {
    const previous = [doc('dev', deployment(selector)), doc('production', deployment(otherSelector))];
    const current = [doc('dev', deployment(selector)), doc('production', deployment(otherSelector))];
    expect(checkUpgrade(previous, current, argocd)).toEqual({ violations: [], compared: 2 });
    expect(checkUpgrade([doc('dev', deployment(selector))], [doc('production', deployment(otherSelector))], argocd)).toEqual({ violations: [], compared: 0 });
  });

  const hook = (image: string, argo = 'BeforeHookCreation', flux = true) => ({
    ...job({ template: podTemplate(image) }),
    metadata: {
      name: 'app-migration',
      namespace: 'shop',
      annotations: {
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-delete-policy': 'before-hook-creation',
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': argo,
        ...(flux ? { 'kustomize.toolkit.fluxcd.io/force': 'enabled' } : {}),
      },
    },
  });
  const fields = (previous: KubeObject, current: KubeObject, delivery: Delivery) => checkUpgrade([doc('dev', previous)], [doc('dev', current)], () => delivery).violations.map((v) => v.field);

  it('lets hooks that Argo CD recreates (BeforeHookCreation) change their immutable fields (the migration Job), and no other Job', () => {
    expect(fields(hook('app:1'), hook('app:2'), 'argocd')).toEqual([]);
    // Argo CD's own policy wins over Helm's: a hook it deletes only on success is updated in place at the next sync.
    expect(fields(hook('app:1', 'HookSucceeded'), hook('app:2', 'HookSucceeded'), 'argocd')).toEqual(['spec.template']);
    expect(fields(job({ template: podTemplate('app:1') }), job({ template: podTemplate('app:2') }), 'argocd')).toEqual(['spec.template']);
  });

  it('lets Flux recreate a Job marked kustomize.toolkit.fluxcd.io/force, and no Job without it', () => {
    expect(fields(hook('app:1'), hook('app:2'), 'flux')).toEqual([]);
    expect(fields(hook('app:1', 'BeforeHookCreation', false), hook('app:2', 'BeforeHookCreation', false), 'flux')).toEqual(['spec.template']);
  });

  it('refuses the hook under kubectl apply, saying how to get past it', () => {
    const [change] = refusedChanges(hook('app:1'), hook('app:2'), 'kubectl');
    expect(change.field).toBe('spec.template');
    expect(change.reason).toBe('is immutable (kubectl apply updates this hook in place: kubectl delete job app-migration -n shop before applying (Helm, Argo CD and Flux recreate it))');
  });

  it('reads the delivery of each environment from its GitOps objects', () => {
    const gitops = (environment: string, apiVersion: string, kind: string) => ({ file: `environments/${environment}/gitops/x.yaml`, environment, object: { apiVersion, kind, metadata: { name: 'x' } } });
    const deliveryOf = deliveries([
      gitops('dev', 'argoproj.io/v1alpha1', 'AppProject'),
      gitops('dev', 'argoproj.io/v1alpha1', 'Application'),
      gitops('staging', 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization'),
    ]);
    expect(['dev', 'staging', 'production'].map(deliveryOf)).toEqual(['argocd', 'flux', 'kubectl']);
  });

  it('names cluster-scoped objects without a namespace and unset values as such', () => {
    const binding = roleBinding('ClusterRoleBinding', 'view', null);
    const previous = [doc('dev', binding, 'crb.yaml')];
    const current = [doc('dev', { ...binding, roleRef: undefined }, 'crb.yaml')];
    expect(checkUpgrade(previous, current, argocd).violations.map(formatViolation)).toEqual([
      'crb.yaml: ClusterRoleBinding app: roleRef is immutable: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"} -> (unset)',
    ]);
  });
});
