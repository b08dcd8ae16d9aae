/**
 * What an environment's objects provide and what they need, read from the objects synth writes (one
 * walk, as they are emitted: lib/synth/release-pipeline.ts `observe`, and the GitOps objects), never
 * from a second, hand-kept list. lib/references/resolve.ts then checks every need against what the
 * environment writes and what its values declare as prerequisites.
 *
 * Needs, by the field that makes them (Kubernetes API reference, `core/v1` PodSpec and the kinds below):
 * - pods (Pod, and the pod template of Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and
 *   Argo Rollout): `serviceAccountName`, `imagePullSecrets`, volumes of kind `secret`, `configMap`,
 *   `persistentVolumeClaim` and `projected`, `priorityClassName`, and each container's `env[].valueFrom.secretKeyRef` /
 *   `configMapKeyRef` and `envFrom` (an `optional: true` reference needs nothing); the keys a Secret
 *   volume must hold are those named by `items`, and the files under its mount path that the text of the
 *   pod's mounted ConfigMaps names (Alertmanager's `*_file` settings);
 * - Ingress: `ingressClassName`, `tls[].secretName`, backend Services, the Secrets of the ingress-nginx
 *   annotations `auth-secret` and `auth-tls-secret`; HTTPRoute: `parentRefs` (Gateways) and `backendRefs`
 *   (Services); Envoy Gateway policies: `targetRefs`, and a SecurityPolicy's `basicAuth.users` and
 *   `oidc.clientSecret` Secrets;
 * - cert-manager Certificate: `issuerRef` (Issuer or ClusterIssuer); Issuer/ClusterIssuer: the Gateway of
 *   an HTTP-01 `gatewayHTTPRoute` solver and the IngressClass of an `ingress` solver;
 * - ExternalSecret: `secretStoreRef` (SecretStore or ClusterSecretStore);
 * - HorizontalPodAutoscaler: the metrics API of each metric type (Resource and ContainerResource:
 *   metrics.k8s.io; Pods and Object: custom.metrics.k8s.io; External: external.metrics.k8s.io);
 * - RoleBinding/ClusterRoleBinding: `roleRef` and ServiceAccount subjects;
 * - PersistentVolumeClaim, and a StatefulSet's `volumeClaimTemplates`: `storageClassName` (a claim of a
 *   StorageClass that does not exist stays Pending);
 * - Rollout: its Services, analysis templates and traffic router plugins; Velero Schedule: its
 *   BackupStorageLocation; Argo CD Application: its AppProject; Flux Kustomization: its source and `dependsOn`;
 * - every namespaced object: its Namespace; every object of a group the API server does not serve
 *   itself: its CRD and controller, at the versions its features need (controllers.ts).
 * Provided: every object written, the Secrets an ExternalSecret, a SealedSecret or a Certificate makes
 * (with their keys), each namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap.
 */
import { isClusterScoped } from '../validation/kubernetes-object';
import { needsCustomResourceDefinition } from '../gitops/inventory';
import { type VersionFloor, versionFloors } from './controllers';

/** An object of the output: which chart wrote it, where, and when each delivery engine applies it. */
export interface WrittenObject {
  readonly chart: string;
  /** Its file, relative to the output folder (e.g. manifests/production/api/rollout.yaml). */
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly timing: HookTiming;
}

/**
 * When Helm and Argo CD apply an object: Helm's hook stage (0 pre-install/pre-upgrade hooks, 1 the
 * release's objects, 2 post-install/post-upgrade hooks) and hook weight; Argo CD's phase (0 PreSync,
 * 1 Sync, 2 PostSync) and sync wave. Argo CD reads Helm's hook annotations when it has none of its own
 * (Argo CD docs, Helm: "Helm hooks"). Flux applies every object of a Kustomization together.
 */
interface HookTiming {
  readonly helm: readonly [stage: number, weight: number];
  readonly argocd: readonly [phase: number, wave: number];
  /** Whether it is a hook of either engine. */
  readonly hook: boolean;
}

export type NeedKind =
  | 'Secret'
  | 'ConfigMap'
  | 'ServiceAccount'
  | 'Service'
  | 'PersistentVolumeClaim'
  | 'Issuer'
  | 'ClusterIssuer'
  | 'SecretStore'
  | 'ClusterSecretStore'
  | 'Namespace'
  | 'Gateway'
  | 'IngressClass'
  | 'Ingress'
  | 'HTTPRoute'
  | 'Role'
  | 'ClusterRole'
  | 'AnalysisTemplate'
  | 'ClusterAnalysisTemplate'
  | 'BackupStorageLocation'
  | 'TrafficRouterPlugin'
  | 'MetricsAPI'
  | 'AppProject'
  | 'GitRepository'
  | 'Kustomization'
  | 'PriorityClass'
  | 'StorageClass';

/** One reference of one object. */
export interface Need {
  readonly kind: NeedKind;
  /** Namespace of the referenced object (namespaced kinds). */
  readonly namespace?: string;
  /** Its name; for a MetricsAPI the API group (metrics.k8s.io, ...); for a Gateway listener, see `section`. */
  readonly name: string;
  /** Keys the object must hold (Secrets, ConfigMaps). */
  readonly keys?: readonly string[];
  /** A Gateway listener (`sectionName`). */
  readonly section?: string;
  /** For a whole Secret volume: where the pod mounts it, and the ConfigMaps the pod mounts (their text may name files under it). */
  readonly mounted?: { readonly paths: readonly string[]; readonly configMaps: readonly string[] };
  readonly by: WrittenObject;
  /** The field of `by` that holds the reference, e.g. spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef. */
  readonly field: string;
}

/** An object that exists once the environment is applied, and the keys it holds (`any`: not known from the output). */
export interface Provided {
  readonly by: WrittenObject | 'cluster';
  readonly keys: ReadonlySet<string> | 'any';
  /** The absolute file paths a ConfigMap's text names (its data values), e.g. /etc/alertmanager/secrets/slack-api-url. */
  readonly paths?: readonly string[];
}

/** A custom kind written, with the controller features it uses. */
export interface CustomKind {
  readonly group: string;
  readonly kind: string;
  readonly by: WrittenObject;
  readonly floors: readonly VersionFloor[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const items = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);

/** A path of two or more segments after a space, quote, `=` or `:` (or at a line's start): the files configuration text names. */
const FILE_PATH = /(?:^|[\s"'=:])(\/[-._a-zA-Z0-9]+(?:\/[-._a-zA-Z0-9]+)+)/gm;

/** The absolute file paths in a ConfigMap's values, each once (kept instead of the text: dashboards are large). */
function filePaths(values: readonly unknown[]): string[] {
  const paths = new Set<string>();
  for (const value of values) if (typeof value === 'string' && value.includes('/')) for (const match of value.matchAll(FILE_PATH)) paths.add(match[1]);
  return [...paths];
}

/** The pod spec of a kind that runs pods, and the field path leading to it. */
function podSpecOf(kind: string, spec: unknown): { spec: Json; path: string } | undefined {
  const found = (value: unknown, path: string) => (isObject(value) ? { spec: value, path } : undefined);
  switch (kind) {
    case 'Pod':
      return found(spec, 'spec');
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
    case 'Rollout':
      return found(at(spec, 'template', 'spec'), 'spec.template.spec');
    case 'CronJob':
      return found(at(spec, 'jobTemplate', 'spec', 'template', 'spec'), 'spec.jobTemplate.spec.template.spec');
    default:
      return undefined;
  }
}

function hookTiming(annotations: Json): HookTiming {
  const number = (value: unknown) => (typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : 0);
  const helmHooks = typeof annotations['helm.sh/hook'] === 'string' ? annotations['helm.sh/hook'].split(',').map((h) => h.trim()) : [];
  const helmStage = helmHooks.some((h) => h.startsWith('pre-')) ? 0 : helmHooks.some((h) => h.startsWith('post-')) ? 2 : 1;
  const helmWeight = number(annotations['helm.sh/hook-weight']);
  const argoHooks = typeof annotations['argocd.argoproj.io/hook'] === 'string' ? annotations['argocd.argoproj.io/hook'].split(',').map((h) => h.trim()) : [];
  // Argo CD maps Helm's hooks (pre-* to PreSync, post-* to PostSync, the weight to the wave) only without its own.
  const argoPhase = argoHooks.length > 0 ? (argoHooks.includes('PreSync') ? 0 : argoHooks.includes('PostSync') ? 2 : 1) : helmStage;
  const argoWave = argoHooks.length > 0 || annotations['argocd.argoproj.io/sync-wave'] !== undefined ? number(annotations['argocd.argoproj.io/sync-wave']) : helmWeight;
  return { helm: [helmStage, helmWeight], argocd: [argoPhase, argoWave], hook: helmHooks.length > 0 || argoHooks.length > 0 };
}

/** Everything one environment writes and needs, as the objects are observed. */
export class EnvironmentReferences {
  /** Provided objects by `Kind/namespace/name` (cluster-scoped: `Kind//name`). */
  readonly provided = new Map<string, Provided>();
  readonly needs: Need[] = [];
  readonly customKinds: CustomKind[] = [];
  readonly objects: WrittenObject[] = [];
  /** Namespaces that hold pods' ServiceAccounts and ConfigMaps by default. */
  private readonly namespaces = new Set<string>();

  /** Records one written object. */
  observe(chart: string, object: Json, file: string): void {
    const { apiVersion, kind } = object;
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const name = text(metadata.name);
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || name === undefined) return;
    const clusterScoped = isClusterScoped(kind);
    const namespace = clusterScoped ? undefined : (text(metadata.namespace) ?? 'default');
    const by: WrittenObject = { chart, file, apiVersion, kind, namespace, name, timing: hookTiming(isObject(metadata.annotations) ? metadata.annotations : {}) };
    this.objects.push(by);
    const spec = object.spec;
    const need = (needKind: NeedKind, needName: string | undefined, field: string, extra: Partial<Need> = {}) => {
      if (needName !== undefined) this.needs.push({ kind: needKind, name: needName, field, by, ...extra });
    };
    const own = (needKind: NeedKind, needName: string | undefined, field: string, extra: Partial<Need> = {}) => need(needKind, needName, field, { namespace, ...extra });
    const provide = (providedKind: string, providedName: string | undefined, providedNamespace: string | undefined, keys: ReadonlySet<string> | 'any', extra: Partial<Provided> = {}) => {
      if (providedName !== undefined) this.provided.set(`${providedKind}/${providedNamespace ?? ''}/${providedName}`, { by, keys, ...extra });
    };

    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (needsCustomResourceDefinition(group)) this.customKinds.push({ group, kind, by, floors: versionFloors({ apiVersion, kind, spec }) });
    if (namespace !== undefined) own('Namespace', namespace, 'metadata.namespace', { namespace: undefined });
    if (namespace !== undefined) this.namespaces.add(namespace);

    // What the object itself is, and what it makes.
    switch (kind) {
      case 'Secret':
        provide('Secret', name, namespace, new Set([...Object.keys(isObject(object.data) ? object.data : {}), ...Object.keys(isObject(object.stringData) ? object.stringData : {})]));
        break;
      case 'ConfigMap': {
        const data = isObject(object.data) ? object.data : {};
        provide('ConfigMap', name, namespace, new Set([...Object.keys(data), ...Object.keys(isObject(object.binaryData) ? object.binaryData : {})]), {
          paths: filePaths(Object.values(data)),
        });
        break;
      }
      case 'Namespace':
        provide('Namespace', name, undefined, 'any');
        this.namespaces.add(name);
        break;
      case 'ExternalSecret': {
        const dataFrom = items(at(spec, 'dataFrom'));
        const keys = dataFrom.length > 0 ? 'any' : new Set(items(at(spec, 'data')).flatMap((entry) => (typeof entry.secretKey === 'string' ? [entry.secretKey] : [])));
        provide('Secret', text(at(spec, 'target', 'name')) ?? name, namespace, keys);
        break;
      }
      case 'SealedSecret':
        provide('Secret', name, namespace, new Set(Object.keys(isObject(at(spec, 'encryptedData')) ? (at(spec, 'encryptedData') as Json) : {})));
        break;
      case 'Certificate':
        // cert-manager writes tls.crt, tls.key and ca.crt (cert-manager docs: Certificate resources).
        provide('Secret', text(at(spec, 'secretName')), namespace, new Set(['tls.crt', 'tls.key', 'ca.crt']));
        break;
      default:
        break;
    }
    if (kind !== 'Secret' && kind !== 'ConfigMap' && kind !== 'Namespace') provide(kind, name, namespace, 'any');

    // What it refers to.
    const pod = podSpecOf(kind, spec);
    if (pod) this.podNeeds(pod.spec, pod.path, own);
    switch (kind) {
      case 'Ingress': {
        own('IngressClass', text(at(spec, 'ingressClassName')), 'spec.ingressClassName', { namespace: undefined });
        for (const [i, tls] of items(at(spec, 'tls')).entries()) own('Secret', text(tls.secretName), `spec.tls[${i}].secretName`, { keys: ['tls.crt', 'tls.key'] });
        for (const [i, rule] of items(at(spec, 'rules')).entries()) {
          for (const [j, path] of items(at(rule, 'http', 'paths')).entries()) own('Service', text(at(path, 'backend', 'service', 'name')), `spec.rules[${i}].http.paths[${j}].backend.service.name`);
        }
        this.annotationSecrets(isObject(metadata.annotations) ? metadata.annotations : {}, namespace, need);
        break;
      }
      case 'HTTPRoute':
      case 'GRPCRoute':
        this.parentRefs(at(spec, 'parentRefs'), 'spec.parentRefs', namespace, need);
        for (const [i, rule] of items(at(spec, 'rules')).entries()) {
          for (const [j, ref] of items(rule.backendRefs).entries()) {
            if ((ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '') need('Service', text(ref.name), `spec.rules[${i}].backendRefs[${j}]`, { namespace: text(ref.namespace) ?? namespace });
          }
        }
        break;
      case 'BackendTrafficPolicy':
      case 'SecurityPolicy':
      case 'ClientTrafficPolicy':
        [...items(at(spec, 'targetRefs')), ...(isObject(at(spec, 'targetRef')) ? [at(spec, 'targetRef') as Json] : [])].forEach((ref, i) => {
          if (ref.kind === 'HTTPRoute') own('HTTPRoute', text(ref.name), `spec.targetRefs[${i}]`);
          else if (ref.kind === 'Gateway') own('Gateway', text(ref.name), `spec.targetRefs[${i}]`);
        });
        if (kind === 'SecurityPolicy') this.securityPolicySecrets(spec, namespace, need);
        break;
      case 'Certificate': {
        const issuerKind = text(at(spec, 'issuerRef', 'kind')) ?? 'Issuer';
        if (issuerKind === 'ClusterIssuer') need('ClusterIssuer', text(at(spec, 'issuerRef', 'name')), 'spec.issuerRef');
        else if (issuerKind === 'Issuer') own('Issuer', text(at(spec, 'issuerRef', 'name')), 'spec.issuerRef');
        break;
      }
      case 'Issuer':
      case 'ClusterIssuer':
        items(at(spec, 'acme', 'solvers')).forEach((solver, i) => {
          this.parentRefs(at(solver, 'http01', 'gatewayHTTPRoute', 'parentRefs'), `spec.acme.solvers[${i}].http01.gatewayHTTPRoute.parentRefs`, namespace ?? '', need);
          need('IngressClass', text(at(solver, 'http01', 'ingress', 'ingressClassName')) ?? text(at(solver, 'http01', 'ingress', 'class')), `spec.acme.solvers[${i}].http01.ingress`);
        });
        break;
      case 'ExternalSecret': {
        const storeKind = text(at(spec, 'secretStoreRef', 'kind')) ?? 'SecretStore';
        if (storeKind === 'ClusterSecretStore') need('ClusterSecretStore', text(at(spec, 'secretStoreRef', 'name')), 'spec.secretStoreRef');
        else own('SecretStore', text(at(spec, 'secretStoreRef', 'name')), 'spec.secretStoreRef');
        break;
      }
      case 'HorizontalPodAutoscaler':
        items(at(spec, 'metrics')).forEach((metric, i) => {
          const api = metric.type === 'Resource' || metric.type === 'ContainerResource' ? 'metrics.k8s.io' : metric.type === 'External' ? 'external.metrics.k8s.io' : 'custom.metrics.k8s.io';
          need('MetricsAPI', api, `spec.metrics[${i}] (type ${String(metric.type)})`);
        });
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding': {
        const roleKind = text(at(object, 'roleRef', 'kind'));
        if (roleKind === 'ClusterRole') need('ClusterRole', text(at(object, 'roleRef', 'name')), 'roleRef');
        else if (roleKind === 'Role') own('Role', text(at(object, 'roleRef', 'name')), 'roleRef');
        items(object.subjects).forEach((subject, i) => {
          if (subject.kind === 'ServiceAccount') need('ServiceAccount', text(subject.name), `subjects[${i}]`, { namespace: text(subject.namespace) ?? namespace });
        });
        break;
      }
      case 'Rollout':
        this.rolloutNeeds(spec, own, need);
        break;
      case 'PersistentVolumeClaim':
        need('StorageClass', text(at(spec, 'storageClassName')), 'spec.storageClassName');
        break;
      case 'StatefulSet':
        for (const [i, claim] of items(at(spec, 'volumeClaimTemplates')).entries()) need('StorageClass', text(at(claim, 'spec', 'storageClassName')), `spec.volumeClaimTemplates[${i}].spec.storageClassName`);
        break;
      case 'Schedule':
        own('BackupStorageLocation', text(at(spec, 'template', 'storageLocation')), 'spec.template.storageLocation');
        break;
      case 'Application':
        own('AppProject', text(at(spec, 'project')), 'spec.project');
        break;
      case 'Kustomization':
        if (at(spec, 'sourceRef', 'kind') === 'GitRepository') need('GitRepository', text(at(spec, 'sourceRef', 'name')), 'spec.sourceRef', { namespace: text(at(spec, 'sourceRef', 'namespace')) ?? namespace });
        for (const [i, dep] of items(at(spec, 'dependsOn')).entries()) need('Kustomization', text(dep.name), `spec.dependsOn[${i}]`, { namespace: text(dep.namespace) ?? namespace });
        break;
      default:
        break;
    }
  }

  /** What exists in every namespace the output uses: its `default` ServiceAccount and `kube-root-ca.crt` ConfigMap (kube-controller-manager). */
  builtIns(namespace: string): Provided | undefined {
    return this.namespaces.has(namespace) ? { by: 'cluster', keys: 'any' } : undefined;
  }

  /**
   * The Secrets an Envoy Gateway SecurityPolicy reads (gateway.envoyproxy.io/v1alpha1 API reference:
   * `BasicAuth.users`, the key `.htpasswd`; `OIDC.clientSecret`, the key `client-secret`), in the
   * policy's namespace unless the reference names another.
   */
  private securityPolicySecrets(spec: unknown, namespace: string | undefined, need: (kind: NeedKind, name: string | undefined, field: string, extra?: Partial<Need>) => void): void {
    for (const [field, keys] of [
      [['basicAuth', 'users'], ['.htpasswd']],
      [['oidc', 'clientSecret'], ['client-secret']],
    ] as const) {
      const ref = at(spec, ...field);
      if (isObject(ref) && (ref.kind ?? 'Secret') === 'Secret') need('Secret', text(ref.name), `spec.${field.join('.')}`, { namespace: text(ref.namespace) ?? namespace, keys });
    }
  }

  /**
   * The Secrets ingress-nginx annotations name, as `<name>` or `<namespace>/<name>` (ingress-nginx docs,
   * Annotations): `auth-secret` (basic and digest authentication; the key `auth` of an `auth-file`, the
   * default `auth-secret-type`, any key of an `auth-map`) and `auth-tls-secret` (client certificates,
   * the key `ca.crt`).
   */
  private annotationSecrets(annotations: Json, namespace: string | undefined, need: (kind: NeedKind, name: string | undefined, field: string, extra?: Partial<Need>) => void): void {
    const prefix = 'nginx.ingress.kubernetes.io/';
    const authFile = (annotations[`${prefix}auth-secret-type`] ?? 'auth-file') === 'auth-file';
    for (const [annotation, keys] of [
      ['auth-secret', authFile ? ['auth'] : []],
      ['auth-tls-secret', ['ca.crt']],
    ] as const) {
      const value = text(annotations[`${prefix}${annotation}`]);
      if (value === undefined) continue;
      const [refNamespace, name] = value.includes('/') ? value.split('/', 2) : [namespace, value];
      need('Secret', name, `metadata.annotations["${prefix}${annotation}"]`, { namespace: refNamespace, keys });
    }
  }

  private parentRefs(refs: unknown, field: string, namespace: string | undefined, need: (kind: NeedKind, name: string | undefined, field: string, extra?: Partial<Need>) => void): void {
    items(refs).forEach((ref, i) => {
      if ((ref.kind ?? 'Gateway') === 'Gateway') need('Gateway', text(ref.name), `${field}[${i}]`, { namespace: text(ref.namespace) ?? namespace, section: text(ref.sectionName) });
    });
  }

  private podNeeds(spec: Json, path: string, own: (kind: NeedKind, name: string | undefined, field: string, extra?: Partial<Need>) => void): void {
    const account = text(spec.serviceAccountName) ?? text(spec.serviceAccount);
    if (account !== undefined && account !== 'default') own('ServiceAccount', account, `${path}.serviceAccountName`);
    for (const [i, ref] of items(spec.imagePullSecrets).entries()) own('Secret', text(ref.name), `${path}.imagePullSecrets[${i}]`);
    // The Priority admission plugin refuses a pod whose class does not exist (plugin/pkg/admission/priority).
    own('PriorityClass', text(spec.priorityClassName), `${path}.priorityClassName`, { namespace: undefined });
    const containers = [...items(spec.initContainers).map((c, i) => ({ c, field: `${path}.initContainers[${i}]` })), ...items(spec.containers).map((c, i) => ({ c, field: `${path}.containers[${i}]` }))];
    const mountedConfigMaps = items(spec.volumes).flatMap((volume) => (text(at(volume, 'configMap', 'name')) ? [text(at(volume, 'configMap', 'name')) as string] : []));
    const keysOf = (list: unknown) => items(list).flatMap((item) => (typeof item.key === 'string' ? [item.key] : []));
    items(spec.volumes).forEach((volume, i) => {
      const field = `${path}.volumes[${i}]`;
      const secret = at(volume, 'secret');
      if (isObject(secret) && secret.optional !== true) {
        const keys = keysOf(secret.items);
        const paths = containers.flatMap(({ c }) =>
          items(c.volumeMounts)
            .filter((m) => m.name === volume.name && m.subPath === undefined && typeof m.mountPath === 'string')
            .map((m) => m.mountPath as string),
        );
        own('Secret', text(secret.secretName), `${field}.secret`, keys.length > 0 ? { keys } : { mounted: { paths, configMaps: mountedConfigMaps } });
      }
      const configMap = at(volume, 'configMap');
      if (isObject(configMap) && configMap.optional !== true) own('ConfigMap', text(configMap.name), `${field}.configMap`, { keys: keysOf(configMap.items) });
      if (isObject(volume.persistentVolumeClaim)) own('PersistentVolumeClaim', text(volume.persistentVolumeClaim.claimName), `${field}.persistentVolumeClaim`);
      items(at(volume, 'projected', 'sources')).forEach((source, j) => {
        for (const [sourceKind, needKind] of [
          ['secret', 'Secret'],
          ['configMap', 'ConfigMap'],
        ] as const) {
          const ref = source[sourceKind];
          if (isObject(ref) && ref.optional !== true) own(needKind, text(ref.name), `${field}.projected.sources[${j}].${sourceKind}`, { keys: keysOf(ref.items) });
        }
      });
    });
    for (const { c, field } of containers) {
      items(c.env).forEach((variable, j) => {
        for (const [refKind, needKind] of [
          ['secretKeyRef', 'Secret'],
          ['configMapKeyRef', 'ConfigMap'],
        ] as const) {
          const ref = at(variable, 'valueFrom', refKind);
          if (isObject(ref) && ref.optional !== true) own(needKind, text(ref.name), `${field}.env[${j}].valueFrom.${refKind}`, { keys: typeof ref.key === 'string' ? [ref.key] : [] });
        }
      });
      items(c.envFrom).forEach((source, j) => {
        for (const [refKind, needKind] of [
          ['secretRef', 'Secret'],
          ['configMapRef', 'ConfigMap'],
        ] as const) {
          const ref = source[refKind];
          if (isObject(ref) && ref.optional !== true) own(needKind, text(ref.name), `${field}.envFrom[${j}].${refKind}`);
        }
      });
    }
  }

  private rolloutNeeds(
    spec: unknown,
    own: (kind: NeedKind, name: string | undefined, field: string, extra?: Partial<Need>) => void,
    need: (kind: NeedKind, name: string | undefined, field: string, extra?: Partial<Need>) => void,
  ): void {
    const canary = at(spec, 'strategy', 'canary');
    const blueGreen = at(spec, 'strategy', 'blueGreen');
    for (const [strategy, field] of [
      [canary, 'canary'],
      [blueGreen, 'blueGreen'],
    ] as const) {
      if (!isObject(strategy)) continue;
      for (const service of ['stableService', 'canaryService', 'activeService', 'previewService']) own('Service', text(strategy[service]), `spec.strategy.${field}.${service}`);
      const templates = (analysis: unknown, where: string) => {
        for (const [i, template] of items(at(analysis, 'templates')).entries()) {
          if (template.clusterScope === true) need('ClusterAnalysisTemplate', text(template.templateName), `${where}.templates[${i}]`);
          else own('AnalysisTemplate', text(template.templateName), `${where}.templates[${i}]`);
        }
      };
      templates(strategy.analysis, `spec.strategy.${field}.analysis`);
      templates(strategy.prePromotionAnalysis, `spec.strategy.${field}.prePromotionAnalysis`);
      templates(strategy.postPromotionAnalysis, `spec.strategy.${field}.postPromotionAnalysis`);
      for (const [i, step] of items(strategy.steps).entries()) templates(step.analysis, `spec.strategy.${field}.steps[${i}].analysis`);
      const routing = at(strategy, 'trafficRouting');
      for (const plugin of Object.keys(isObject(at(routing, 'plugins')) ? (at(routing, 'plugins') as Json) : {})) need('TrafficRouterPlugin', plugin, `spec.strategy.${field}.trafficRouting.plugins`);
      own('Ingress', text(at(routing, 'nginx', 'stableIngress')), `spec.strategy.${field}.trafficRouting.nginx.stableIngress`);
    }
  }
}
