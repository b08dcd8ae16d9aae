/**
 * Every reference of an environment resolves or is declared (issue 19 §2): each need that the objects
 * make (lib/references/needs.ts) is either written in the same environment or declared in its
 * `prerequisites` (lib/references/prerequisites.ts), and every custom kind has its controller declared
 * at a version its features allow (lib/references/controllers.ts). What a delivery hook needs also
 * exists before the hook runs, in Helm's and Argo CD's order (`hookOrderProblems`).
 * The findings are returned unlocated: lib/references/locate.ts finds the values line each comes from.
 */
import semver from 'semver';
import { CONTROLLERS, type VersionFloor, controllerOf, crdName } from './controllers';
import type { EnvironmentReferences, Need, Provided, WrittenObject } from './needs';
import type { ControllerKey, Prerequisites } from './prerequisites';

/** A reference that does not resolve, before it is located. */
export interface ReferenceFinding {
  /** The chart whose values the referenced name may come from. */
  readonly chart?: string;
  /** The referenced name, searched in that chart's values to find the line it comes from. */
  readonly value?: string;
  /** Where it would be declared (under the values file's top level), used when no value holds the name. */
  readonly declare: readonly string[];
  readonly message: string;
}

/** A finding about one referenced object, before the findings of its other readers are merged into it. */
interface NeedFinding extends ReferenceFinding {
  /** What is referenced (one problem per subject, whoever refers to it). */
  readonly subject: string;
  /** The object and field that refer to it. */
  readonly reader: string;
  /** Keys missing or required, merged over the readers. */
  readonly keys?: readonly string[];
}

/** The platform Gateway of the environment (`environment.traffic.gateway`), a declared prerequisite. */
export interface DeclaredGateway {
  readonly name: string;
  readonly namespace: string;
  readonly listeners: readonly string[];
}

/** Namespaces every cluster has (kube-apiserver creates them). */
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** ClusterRoles every cluster has (the API server's default user-facing roles, RBAC docs). */
const DEFAULT_CLUSTER_ROLES = new Set(['cluster-admin', 'admin', 'edit', 'view']);
/** PriorityClasses every cluster has (the scheduling API's bootstrap: pkg/apis/scheduling SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: ReadonlySet<string> = new Set(['system-cluster-critical', 'system-node-critical']);
/** The metrics APIs an HPA reads, by API group, and where each is declared. */
const METRICS_APIS: Readonly<Record<string, 'resource' | 'custom' | 'external'>> = {
  'metrics.k8s.io': 'resource',
  'custom.metrics.k8s.io': 'custom',
  'external.metrics.k8s.io': 'external',
};

/** `Kind namespace/name` as kubectl names an object. */
export function objectName(object: Pick<WrittenObject, 'kind' | 'namespace' | 'name'>): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/** Where a need comes from, for messages: the object, its field and its file. */
function source(need: Need): string {
  return `${objectName(need.by)} at ${need.field} (${need.by.file})`;
}

/** The namespace a declared controller runs in. */
export function controllerNamespace(prerequisites: Prerequisites, key: ControllerKey): string {
  const declared = prerequisites.controllers?.[key] as { namespace?: string } | undefined;
  return declared?.namespace ?? CONTROLLERS[key].namespace;
}

/** The highest floor of a list (semver order). */
export function highestFloor(floors: readonly VersionFloor[]): VersionFloor | undefined {
  return floors.reduce<VersionFloor | undefined>((best, floor) => (best === undefined || semver.gt(floor.version, best.version) ? floor : best), undefined);
}

/** The controllers an environment needs, with the objects that need each and the floors they bring. */
export function neededControllers(references: EnvironmentReferences): Map<ControllerKey, { objects: WrittenObject[]; floors: VersionFloor[] }> {
  const needed = new Map<ControllerKey, { objects: WrittenObject[]; floors: VersionFloor[] }>();
  for (const custom of references.customKinds) {
    const key = controllerOf(custom.group, custom.kind);
    if (key === undefined) continue;
    const entry = needed.get(key) ?? { objects: [], floors: [] };
    entry.objects.push(custom.by);
    for (const floor of custom.floors) if (!entry.floors.some((f) => f.version === floor.version && f.feature === floor.feature)) entry.floors.push(floor);
    needed.set(key, entry);
    for (const floor of custom.floors.filter((f) => f.controller !== key)) {
      const other = needed.get(floor.controller) ?? { objects: [], floors: [] };
      other.floors.push(floor);
      needed.set(floor.controller, other);
    }
  }
  return needed;
}

/** Up to three objects by name and file, and how many more. */
function someObjects(objects: readonly WrittenObject[]): string {
  const shown = objects.slice(0, 3).map((o) => `${objectName(o)} (${o.file})`);
  return objects.length > 3 ? `${shown.join(', ')} and ${objects.length - 3} more` : shown.join(', ');
}

/** Every finding of one environment. */
export function referenceFindings(environment: string, references: EnvironmentReferences, prerequisites: Prerequisites, gateway: DeclaredGateway | undefined): ReferenceFinding[] {
  const findings: ReferenceFinding[] = [];
  findings.push(...controllerFindings(environment, references, prerequisites));
  const resolver = new Resolver(references, prerequisites, gateway);
  const bySubject = new Map<string, { finding: NeedFinding; readers: string[]; keys: Set<string> }>();
  for (const need of references.needs) {
    const finding = resolver.check(need, environment);
    if (!finding) continue;
    const entry = bySubject.get(finding.subject) ?? { finding, readers: [], keys: new Set<string>() };
    if (!entry.readers.includes(finding.reader)) entry.readers.push(finding.reader);
    for (const key of finding.keys ?? []) entry.keys.add(key);
    bySubject.set(finding.subject, entry);
  }
  for (const { finding, readers, keys } of bySubject.values()) {
    const keyList = [...keys].sort().join(', ');
    const readBy = readers.length > 2 ? `${readers.slice(0, 2).join('; ')}; and ${readers.length - 2} more` : readers.join('; ');
    const message = keyList === '' ? finding.message.replace(' with its keys ({keys})', '') : finding.message.replace('{keys}', keyList);
    findings.push({ chart: finding.chart, value: finding.value, declare: finding.declare, message: `${message} (${readBy})` });
  }
  findings.push(...hookOrderFindings(references, resolver));
  findings.push(...isolatedProviderFindings(environment, references, prerequisites));
  return findings;
}

/**
 * Pods the cluster provides must not run in a namespace the output writes: its default-deny
 * NetworkPolicies (lib/app/network-policies.ts, lib/monitoring/stack/network-policies.ts) would cut a
 * metrics adapter off from the API server that calls it (and from Prometheus), and a collector off from
 * the traces, since the output admits only its own pods there. A policy is never wider than the values,
 * so the output does not open its namespaces for them: they run in namespaces of their own.
 */
function isolatedProviderFindings(environment: string, references: EnvironmentReferences, prerequisites: Prerequisites): ReferenceFinding[] {
  const written = (namespace: string) => references.provided.has(`Namespace//${namespace}`);
  const findings: ReferenceFinding[] = [];
  for (const [key, api] of Object.entries(prerequisites.metricsAPIs ?? {})) {
    if (written(api.namespace)) {
      findings.push({
        declare: ['prerequisites', 'metricsAPIs', key, 'namespace'],
        message: `${api.provider} runs in ${api.namespace}, a namespace ${environment}'s output writes with default-deny NetworkPolicies that admit only its own pods: the API server could not call it; run it in a namespace of its own`,
      });
    }
  }
  for (const [name, collector] of Object.entries(prerequisites.traceCollectors ?? {})) {
    if (collector.namespace !== undefined && written(collector.namespace)) {
      findings.push({
        declare: ['prerequisites', 'traceCollectors', name, 'namespace'],
        message: `the collector runs in ${collector.namespace}, a namespace ${environment}'s output writes with default-deny NetworkPolicies that admit only its own pods: no trace would reach it; run it in a namespace of its own`,
      });
    }
  }
  return findings;
}

function controllerFindings(environment: string, references: EnvironmentReferences, prerequisites: Prerequisites): ReferenceFinding[] {
  const findings: ReferenceFinding[] = [];
  // A version is optional in each file (an overlay adds to base.yaml's declaration) and required once merged.
  for (const [key, declared] of Object.entries(prerequisites.controllers ?? {}) as [ControllerKey, { version?: string }][]) {
    if (declared.version === undefined)
      findings.push({ declare: ['prerequisites', 'controllers', key, 'version'], message: `required value is missing: the ${CONTROLLERS[key].title} version ${environment}'s cluster runs` });
  }
  for (const [key, { objects, floors }] of neededControllers(references)) {
    const spec = CONTROLLERS[key];
    const declared = prerequisites.controllers?.[key];
    const floor = highestFloor(floors);
    const atLeast = floor ? ` (at least ${floor.version}: ${floor.feature}; ${floor.source})` : '';
    if (declared === undefined) {
      findings.push({
        declare: ['prerequisites', 'controllers', key],
        message: `${spec.title} is not declared, and ${environment} writes its kinds: ${someObjects(objects)}; declare it with the version the cluster runs${atLeast}`,
      });
      continue;
    }
    const running = declared.version === undefined ? null : semver.coerce(declared.version);
    for (const f of floors) {
      if (running && semver.lt(running, f.version)) {
        findings.push({
          declare: ['prerequisites', 'controllers', key, 'version'],
          message: `${spec.title} ${declared.version} is older than ${f.version}, which ${environment} needs for ${f.feature} (${f.source})`,
        });
        break;
      }
    }
    if (key === 'certManager' && floors.some((f) => f.feature.includes('gatewayHTTPRoute')) && prerequisites.controllers?.certManager?.gatewayAPI !== true) {
      findings.push({
        declare: ['prerequisites', 'controllers', 'certManager', 'gatewayAPI'],
        message: `${environment}'s ClusterIssuer solves HTTP-01 challenges with a gatewayHTTPRoute, which cert-manager serves only when started with --enable-gateway-api (Helm: config.enableGatewayAPI: true); declare gatewayAPI: true once it is`,
      });
    }
  }
  const crds = new Set(prerequisites.crds ?? []);
  const unknown = new Map<string, WrittenObject[]>();
  for (const custom of references.customKinds) {
    if (controllerOf(custom.group, custom.kind) !== undefined) continue;
    const name = crdName(custom.group, custom.kind);
    if (!crds.has(name)) unknown.set(name, [...(unknown.get(name) ?? []), custom.by]);
  }
  for (const [name, objects] of unknown) {
    findings.push({
      declare: ['prerequisites', 'crds'],
      message: `the CustomResourceDefinition ${name} is not declared, and ${environment} writes its kind: ${someObjects(objects)}; add it to prerequisites.crds once the cluster has it and a controller that serves it`,
    });
  }
  return findings;
}

/** Looks up what a need refers to: written in the environment, or declared. */
class Resolver {
  private readonly namespaces: Set<string>;

  constructor(
    private readonly references: EnvironmentReferences,
    private readonly prerequisites: Prerequisites,
    private readonly gateway: DeclaredGateway | undefined,
  ) {
    const p = prerequisites;
    this.namespaces = new Set([
      ...SYSTEM_NAMESPACES,
      ...(Object.keys(p.controllers ?? {}) as ControllerKey[]).filter((key) => key !== 'gatewayAPI').map((key) => controllerNamespace(p, key)),
      ...Object.values(p.metricsAPIs ?? {}).map((api) => api.namespace),
      ...Object.keys(p.secrets ?? {}),
      ...Object.keys(p.configMaps ?? {}),
      ...Object.keys(p.persistentVolumeClaims ?? {}),
      ...Object.keys(p.serviceAccounts ?? {}),
      ...Object.keys(p.controllers?.externalSecrets?.secretStores ?? {}),
      ...Object.values(p.traceCollectors ?? {}).flatMap((c) => (c.namespace ? [c.namespace] : [])),
      // The declared platform Gateway's namespace exists (its TLS policy, a ClientTrafficPolicy, is written there).
      ...(gateway ? [gateway.namespace] : []),
    ]);
  }

  /** What provides the object a need names, or undefined. */
  provider(need: Need): Provided | undefined {
    return this.references.provided.get(`${need.kind}/${need.namespace ?? ''}/${need.name}`);
  }

  /** The finding for a need that does not resolve (or lacks keys), else undefined. */
  check(need: Need, environment: string): NeedFinding | undefined {
    const p = this.prerequisites;
    const written = this.provider(need);
    const ns = need.namespace ?? '';
    const subject = `${need.kind}/${ns}/${need.name}/${need.section ?? ''}`;
    const reader = source(need);
    const unresolved = (what: string, declare: readonly string[], hint: string): NeedFinding => ({
      chart: need.by.chart,
      value: need.name,
      declare,
      subject,
      reader,
      message: `${what} is neither written in ${environment} nor declared${hint}`,
    });
    switch (need.kind) {
      case 'Secret':
      case 'ConfigMap': {
        const declaredMap = need.kind === 'Secret' ? p.secrets : p.configMaps;
        const declared = declaredMap?.[ns]?.[need.name];
        const builtIn = need.kind === 'ConfigMap' && need.name === 'kube-root-ca.crt' ? this.references.builtIns(ns) : undefined;
        const found = written ?? builtIn ?? (declared ? ({ by: 'cluster', keys: new Set(declared.keys) } satisfies Provided) : undefined);
        const section = need.kind === 'Secret' ? 'secrets' : 'configMaps';
        if (!found) {
          const keys = this.requiredKeys(need);
          const madeBy = need.kind === 'Secret' ? ' (an ExternalSecret or SealedSecret under the application’s `secrets`)' : '';
          return {
            ...unresolved(
              `${need.kind} ${need.name} in ${ns}`,
              ['prerequisites', section, ns, need.name],
              `: write it${madeBy}, or declare it in prerequisites.${section}.${ns}.${need.name} with its keys ({keys})`,
            ),
            keys,
          };
        }
        const missing = found.keys === 'any' ? [] : this.requiredKeys(need).filter((key) => !(found.keys as ReadonlySet<string>).has(key));
        if (missing.length > 0) {
          const where = found.by === 'cluster' ? `declared in prerequisites.${section}.${ns}.${need.name}` : `written by ${objectName(found.by)} (${found.by.file})`;
          return {
            chart: need.by.chart,
            value: need.name,
            declare: ['prerequisites', section, ns, need.name, 'keys'],
            subject: `${subject}/keys`,
            reader,
            keys: missing,
            message: `${need.kind} ${need.name} in ${ns} has no key {keys} (${where}, keys: ${[...(found.keys as ReadonlySet<string>)].sort().join(', ') || 'none'})`,
          };
        }
        return undefined;
      }
      case 'ServiceAccount':
        if (written || need.name === 'default' || p.serviceAccounts?.[ns]?.includes(need.name)) return undefined;
        return unresolved(`ServiceAccount ${need.name} in ${ns}`, ['prerequisites', 'serviceAccounts', ns], `: set serviceAccount.create, or declare it in prerequisites.serviceAccounts.${ns}`);
      case 'PersistentVolumeClaim':
        if (written || p.persistentVolumeClaims?.[ns]?.includes(need.name)) return undefined;
        return unresolved(`PersistentVolumeClaim ${need.name} in ${ns}`, ['prerequisites', 'persistentVolumeClaims', ns], `: declare it in prerequisites.persistentVolumeClaims.${ns}`);
      case 'Namespace':
        if (written || this.namespaces.has(need.name)) return undefined;
        return unresolved(`namespace ${need.name}`, ['prerequisites'], ': it is the namespace of no declared controller, collector or object (declare the controller that runs there, or write the Namespace)');
      case 'ClusterIssuer':
        if (written || p.controllers?.certManager?.clusterIssuers?.includes(need.name)) return undefined;
        return unresolved(
          `ClusterIssuer ${need.name}`,
          ['prerequisites', 'controllers', 'certManager', 'clusterIssuers'],
          ': write it (monitoring.certManager.clusterIssuer), or declare it in prerequisites.controllers.certManager.clusterIssuers',
        );
      case 'ClusterSecretStore':
        if (written || p.controllers?.externalSecrets?.clusterSecretStores?.includes(need.name)) return undefined;
        return unresolved(
          `ClusterSecretStore ${need.name}`,
          ['prerequisites', 'controllers', 'externalSecrets', 'clusterSecretStores'],
          ': declare it in prerequisites.controllers.externalSecrets.clusterSecretStores',
        );
      case 'SecretStore':
        if (written || p.controllers?.externalSecrets?.secretStores?.[ns]?.includes(need.name)) return undefined;
        return unresolved(
          `SecretStore ${need.name} in ${ns}`,
          ['prerequisites', 'controllers', 'externalSecrets', 'secretStores', ns],
          `: declare it in prerequisites.controllers.externalSecrets.secretStores.${ns}`,
        );
      case 'IngressClass':
        if (written || p.controllers?.ingressNginx?.ingressClasses?.includes(need.name)) return undefined;
        return unresolved(
          `IngressClass ${need.name}`,
          ['prerequisites', 'controllers', 'ingressNginx', 'ingressClasses'],
          ': declare the controller that serves it in prerequisites.controllers.ingressNginx.ingressClasses',
        );
      case 'BackupStorageLocation': {
        const velero = p.controllers?.velero;
        if (written || (velero?.backupStorageLocations?.includes(need.name) && ns === controllerNamespace(p, 'velero'))) return undefined;
        return unresolved(
          `BackupStorageLocation ${need.name} in ${ns}`,
          ['prerequisites', 'controllers', 'velero', 'backupStorageLocations'],
          `: declare it in prerequisites.controllers.velero.backupStorageLocations (Velero in ${ns})`,
        );
      }
      case 'TrafficRouterPlugin':
        if (p.controllers?.argoRollouts?.trafficRouterPlugins?.includes(need.name)) return undefined;
        return unresolved(
          `the Argo Rollouts traffic router plugin ${need.name}`,
          ['prerequisites', 'controllers', 'argoRollouts', 'trafficRouterPlugins'],
          ': configure it in the controller (argo-rollouts-config trafficRouterPlugins) and declare it in prerequisites.controllers.argoRollouts.trafficRouterPlugins',
        );
      case 'MetricsAPI': {
        const key = METRICS_APIS[need.name];
        if (p.metricsAPIs?.[key]) return undefined;
        return {
          chart: need.by.chart,
          declare: ['prerequisites', 'metricsAPIs', key],
          subject,
          reader,
          message: `the ${need.name} API is not declared, and HorizontalPodAutoscalers read it: declare what serves it (e.g. ${key === 'resource' ? 'metrics-server' : 'prometheus-adapter'}) in prerequisites.metricsAPIs.${key}`,
        };
      }
      case 'Gateway': {
        const g = this.gateway;
        if (written) return undefined;
        if (g && g.name === need.name && g.namespace === ns) {
          if (need.section === undefined || g.listeners.includes(need.section)) return undefined;
          return unresolved(`listener ${need.section} of Gateway ${ns}/${need.name}`, ['environment', 'traffic', 'gateway', 'listeners'], ' in environment.traffic.gateway.listeners');
        }
        return unresolved(`Gateway ${ns}/${need.name}`, ['environment', 'traffic', 'gateway'], ': the platform Gateway is environment.traffic.gateway');
      }
      case 'PriorityClass':
        if (written || SYSTEM_PRIORITY_CLASSES.has(need.name) || p.priorityClasses?.includes(need.name)) return undefined;
        return unresolved(`PriorityClass ${need.name}`, ['prerequisites', 'priorityClasses'], ': the API server refuses pods of a class that does not exist; declare it in prerequisites.priorityClasses');
      case 'StorageClass':
        if (written || p.storageClasses?.includes(need.name)) return undefined;
        return unresolved(`StorageClass ${need.name}`, ['prerequisites', 'storageClasses'], ': a claim of a class that does not exist stays Pending; declare it in prerequisites.storageClasses');
      case 'ClusterRole':
        if (written || DEFAULT_CLUSTER_ROLES.has(need.name)) return undefined;
        return unresolved(`ClusterRole ${need.name}`, [], '');
      default:
        if (written) return undefined;
        return unresolved(`${need.kind} ${need.name}${need.namespace ? ` in ${need.namespace}` : ''}`, [], ' (the output should write it)');
    }
  }

  requiredKeys(need: Need): string[] {
    return requiredKeys(this.references, need);
  }
}

/**
 * The keys a Secret or ConfigMap must hold for `need`: those it names, and for a whole Secret volume
 * the files under its mount paths that the text of the pod's mounted ConfigMaps names
 * (e.g. Alertmanager's `slack_api_url_file: /etc/alertmanager/secrets/slack-api-url`).
 */
export function requiredKeys(references: EnvironmentReferences, need: Need): string[] {
  const keys = new Set(need.keys ?? []);
  for (const path of need.mounted?.paths ?? []) {
    const prefix = `${path.replace(/\/$/, '')}/`;
    for (const configMap of need.mounted?.configMaps ?? []) {
      for (const file of references.provided.get(`ConfigMap/${need.namespace ?? ''}/${configMap}`)?.paths ?? []) {
        if (file.startsWith(prefix) && !file.slice(prefix.length).includes('/')) keys.add(file.slice(prefix.length));
      }
    }
  }
  return [...keys].sort();
}

/** Pod-running kinds a hook can be: what waits for its references when it starts. */
const POD_KINDS = new Set(['Job', 'Pod', 'CronJob']);

const HELM_STAGES = ['a pre-install/pre-upgrade hook', 'an object of the release', 'a post-install/post-upgrade hook'];
const ARGO_PHASES = ['PreSync', 'Sync', 'PostSync'];

/**
 * What a delivery hook reads must exist before the hook runs (issue 19 §3), per engine, from the objects'
 * own annotations (needs.ts `HookTiming`):
 * - Helm runs the pre-install/pre-upgrade hooks in weight order, waiting for each Job or Pod to complete
 *   and for nothing else, before it creates the release's other objects (Helm docs, Chart Hooks: "The
 *   hook lifecycle", "Hook weights"); a hook Job that reads a Secret made by a later object never starts.
 * - Argo CD runs the PreSync phase before the Sync phase, each wave by wave, waiting for the hooks and
 *   objects of a wave to be healthy (Argo CD docs, Sync Phases and Waves); an ExternalSecret or
 *   SealedSecret of the Sync phase makes its Secret after every PreSync hook (argoproj/argo-cd#9891).
 * - Flux applies every object of a Kustomization together and ignores hook annotations: nothing waits.
 * Only references to objects of the same release are checked; existing objects (prerequisites) exist
 * before either engine starts.
 */
function hookOrderFindings(references: EnvironmentReferences, resolver: Resolver): ReferenceFinding[] {
  const findings: ReferenceFinding[] = [];
  for (const need of references.needs) {
    if (!need.by.timing.hook || !POD_KINDS.has(need.by.kind) || need.kind === 'Namespace') continue;
    const provider = resolver.provider(need);
    if (!provider || provider.by === 'cluster' || provider.by.chart !== need.by.chart) continue;
    const maker = provider.by;
    const [hookStage, hookWeight] = need.by.timing.helm;
    const [makerStage, makerWeight] = maker.timing.helm;
    const helmLate = makerStage > hookStage || (makerStage === hookStage && makerStage !== 1 && makerWeight >= hookWeight);
    const [hookPhase, hookWave] = need.by.timing.argocd;
    const [makerPhase, makerWave] = maker.timing.argocd;
    const argoLate = makerPhase > hookPhase || (makerPhase === hookPhase && makerWave > hookWave);
    const late = [
      helmLate ? `Helm creates it as ${HELM_STAGES[makerStage]}${makerStage !== 1 ? ` of weight ${makerWeight}` : ''}, after this ${HELM_STAGES[hookStage].replace(/^an? /, '')} (weight ${hookWeight})` : '',
      argoLate ? `Argo CD applies it in ${ARGO_PHASES[makerPhase]} wave ${makerWave}, after this hook’s ${ARGO_PHASES[hookPhase]} wave ${hookWave}` : '',
    ].filter(Boolean);
    if (late.length === 0) continue;
    findings.push({
      chart: need.by.chart,
      value: need.name,
      declare: [],
      message: `${objectName(need.by)} is a delivery hook that reads ${need.kind} ${need.name}, which ${objectName(maker)} makes; ${late.join('; ')}: the hook waits for it forever (Helm docs: Chart Hooks; argoproj/argo-cd#9891) (${source(need)})`,
    });
  }
  return findings;
}
