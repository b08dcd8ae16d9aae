/** Each immutable-field rule fires on the change Kubernetes refuses and stays silent on allowed ones. */
import { describe, expect, it } from 'vitest';
import { checkUpgrade, formatViolation, objectKey } from '../../lib/upgrade/check';
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

  it('compares only the objects present on both sides', () => {
    const previous = [doc('dev', deployment(selector)), doc('dev', deployment(selector, 'gone'), 'manifests/dev/app/gone.yaml')];
    const current = [doc('dev', deployment(otherSelector)), doc('dev', deployment(otherSelector, 'new'), 'manifests/dev/app/new.yaml')];
    const { violations, compared } = checkUpgrade(previous, current);
    expect(compared).toBe(1);
    expect(violations.map(formatViolation)).toEqual([
      'manifests/dev/app/deployment.yaml: Deployment shop/app: spec.selector is immutable: ' +
        '{"matchLabels":{"app.kubernetes.io/name":"app","app.kubernetes.io/instance":"app"}} -> {"matchLabels":{"app.kubernetes.io/name":"app","app.kubernetes.io/version":"2"}}',
    ]);
  });

  it('compares objects within one environment only (each is its own cluster)', () => {
    const previous = [doc('dev', deployment(selector)), doc('production', deployment(otherSelector))];
    const current = [doc('dev', deployment(selector)), doc('production', deployment(otherSelector))];
    expect(checkUpgrade(previous, current)).toEqual({ violations: [], compared: 2 });
    expect(checkUpgrade([doc('dev', deployment(selector))], [doc('production', deployment(otherSelector))])).toEqual({ violations: [], compared: 0 });
  });

  it('lets hooks that Helm and Argo CD recreate on each release change their immutable fields (the migration Job), and no other Job', () => {
    const hook = (image: string, argo = 'BeforeHookCreation') => ({
      ...job({ template: podTemplate(image) }),
      metadata: { name: 'app-migration', namespace: 'shop', annotations: { 'helm.sh/hook-delete-policy': 'before-hook-creation', 'argocd.argoproj.io/hook-delete-policy': argo } },
    });
    expect(checkUpgrade([doc('dev', hook('app:1'))], [doc('dev', hook('app:2'))]).violations).toEqual([]);
    // Recreated by Helm only: kubectl or Argo CD would update it in place, and be refused.
    expect(checkUpgrade([doc('dev', hook('app:1', 'HookSucceeded'))], [doc('dev', hook('app:2', 'HookSucceeded'))]).violations.map((v) => v.field)).toEqual(['spec.template']);
    expect(checkUpgrade([doc('dev', job({ template: podTemplate('app:1') }))], [doc('dev', job({ template: podTemplate('app:2') }))]).violations.map((v) => v.field)).toEqual(['spec.template']);
  });

  it('names cluster-scoped objects without a namespace and unset values as such', () => {
    const binding = roleBinding('ClusterRoleBinding', 'view', null);
    const previous = [doc('dev', binding, 'crb.yaml')];
    const current = [doc('dev', { ...binding, roleRef: undefined }, 'crb.yaml')];
    expect(checkUpgrade(previous, current).violations.map(formatViolation)).toEqual([
      'crb.yaml: ClusterRoleBinding app: roleRef is immutable: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"} -> (unset)',
    ]);
  });
});
