/**
 * The "Prerequisites" section of each environment's README (lib/gitops/environment-files.ts): what the
 * cluster must provide before the environment's manifests are applied, as derived from its objects
 * (lib/references/needs.ts) and declared in its values (lib/references/prerequisites.ts), each with the
 * command that checks it on a cluster and, for a controller, the minimum version with its source.
 */
import { CONTROLLERS, controllerOf, crdName } from './controllers';
import type { EnvironmentReferences, Need } from './needs';
import type { Prerequisites, TraceCollector } from './prerequisites';
import { type DeclaredGateway, controllerNamespace, highestFloor, neededControllers, objectName, requiredKeys, SYSTEM_PRIORITY_CLASSES } from './resolve';

/** Kinds of need a README lists when the output does not write the object. */
const LISTED = new Set<Need['kind']>([
  'Secret',
  'ConfigMap',
  'ServiceAccount',
  'PersistentVolumeClaim',
  'ClusterIssuer',
  'ClusterSecretStore',
  'SecretStore',
  'IngressClass',
  'BackupStorageLocation',
  'TrafficRouterPlugin',
  'MetricsAPI',
  'Gateway',
  'PriorityClass',
  'StorageClass',
]);

/** The metrics APIs' APIService objects (the aggregation layer registers each group's v1beta1). */
const API_SERVICE: Readonly<Record<string, string>> = {
  'metrics.k8s.io': 'v1beta1.metrics.k8s.io',
  'custom.metrics.k8s.io': 'v1beta1.custom.metrics.k8s.io',
  'external.metrics.k8s.io': 'v1beta1.external.metrics.k8s.io',
};

/** One prerequisite: what it is, who needs it, and the shell lines that check it. */
interface Item {
  readonly title: string;
  readonly neededBy: readonly string[];
  readonly note?: string;
  readonly check: readonly string[];
}

const keysCommand = (kind: 'secret' | 'configmap', namespace: string, name: string) => `kubectl -n ${namespace} get ${kind} ${name} -o go-template='{{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}'`;

/** The section, in Markdown. */
export function prerequisitesSection(
  environment: string,
  references: EnvironmentReferences,
  prerequisites: Prerequisites,
  gateway: DeclaredGateway | undefined,
  tracing: readonly { readonly name: string; readonly collector: TraceCollector; readonly applications: readonly string[] }[],
): string {
  const items: Item[] = [];
  for (const [key, { objects, floors }] of [...neededControllers(references)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const spec = CONTROLLERS[key];
    const declared = prerequisites.controllers?.[key];
    const namespace = controllerNamespace(prerequisites, key);
    const kinds = [...new Set(objects.map((o) => `${o.kind} (${o.apiVersion})`))].sort();
    const crds = [...new Set(references.customKinds.filter((c) => controllerOf(c.group, c.kind) === key).map((c) => crdName(c.group, c.kind)))].sort();
    const floor = highestFloor(floors);
    const extra: string[] = [];
    if (key === 'argoRollouts' && declared && 'trafficRouterPlugins' in declared) {
      const plugins = references.needs.filter((n) => n.kind === 'TrafficRouterPlugin').map((n) => n.name);
      if (plugins.length > 0) extra.push(`kubectl -n ${namespace} get configmap argo-rollouts-config -o jsonpath='{.data.trafficRouterPlugins}'   # names ${[...new Set(plugins)].join(', ')}`);
    }
    if (key === 'certManager' && floors.some((f) => f.feature.includes('gatewayHTTPRoute'))) {
      extra.push(
        `kubectl -n ${namespace} get deployment -l app.kubernetes.io/name=cert-manager,app.kubernetes.io/component=controller -o jsonpath='{.items[*].spec.template.spec.containers[*].args}'   # --enable-gateway-api (or enableGatewayAPI in its config)`,
      );
    }
    items.push({
      title: `${spec.title}${declared ? ` ${declared.version}` : ' (not declared)'}${namespace ? `, in ${namespace}` : ''}`,
      neededBy: kinds,
      note: floor ? `minimum ${floor.version}: ${floor.feature} (${floor.source})` : 'any release that serves these kinds',
      check: [...(crds.length > 0 ? [`kubectl get crd ${crds.join(' ')}`] : []), `${spec.versionCommand(namespace)}${floor ? `   # at least ${floor.version}` : ''}`, ...extra],
    });
  }
  const others = [...new Set(references.customKinds.filter((c) => controllerOf(c.group, c.kind) === undefined).map((c) => crdName(c.group, c.kind)))].sort();
  if (others.length > 0) items.push({ title: 'Other CustomResourceDefinitions', neededBy: others, check: [`kubectl get crd ${others.join(' ')}`] });

  const seen = new Map<string, { need: Need; by: Set<string> }>();
  for (const need of references.needs) {
    if (!LISTED.has(need.kind) || references.provided.has(`${need.kind}/${need.namespace ?? ''}/${need.name}`)) continue;
    if (need.kind === 'ServiceAccount' && need.name === 'default') continue;
    if (need.kind === 'PriorityClass' && SYSTEM_PRIORITY_CLASSES.has(need.name)) continue;
    const id = `${need.kind}/${need.namespace ?? ''}/${need.name}/${need.section ?? ''}`;
    const entry = seen.get(id) ?? { need, by: new Set<string>() };
    entry.by.add(objectName(need.by));
    seen.set(id, entry);
  }
  // The keys the objects read (not those declared: a declared key nothing reads is not a prerequisite).
  const keyed = new Map<string, Set<string>>();
  for (const need of references.needs) {
    if (need.kind !== 'Secret' && need.kind !== 'ConfigMap') continue;
    const id = `${need.kind}/${need.namespace}/${need.name}`;
    keyed.set(id, new Set([...(keyed.get(id) ?? []), ...requiredKeys(references, need)]));
  }
  for (const { need, by } of [...seen.values()].sort((a, b) => (a.need.kind + a.need.name < b.need.kind + b.need.name ? -1 : 1))) {
    const ns = need.namespace ?? '';
    const neededBy = [...by].sort();
    switch (need.kind) {
      case 'Secret':
      case 'ConfigMap': {
        const keys = [...(keyed.get(`${need.kind}/${ns}/${need.name}`) ?? [])].sort();
        if (items.some((item) => item.title.startsWith(`${need.kind} ${ns}/${need.name} `))) continue;
        items.push({
          title: `${need.kind} ${ns}/${need.name} (keys ${keys.join(', ') || 'any'})`,
          neededBy,
          check: [`${keysCommand(need.kind === 'Secret' ? 'secret' : 'configmap', ns, need.name)}   # lists ${keys.join(', ') || 'its keys'}`],
        });
        break;
      }
      case 'MetricsAPI':
        items.push({
          title: `the ${need.name} API${metricsProvider(prerequisites, need.name)}`,
          neededBy,
          check: [`kubectl get apiservice ${API_SERVICE[need.name]} -o jsonpath='{.status.conditions[?(@.type=="Available")].status}'   # True`],
        });
        break;
      case 'Gateway':
        items.push({
          title: `Gateway ${ns}/${need.name}${need.section ? `, listener ${need.section}` : ''}`,
          neededBy,
          note: gateway ? 'environment.traffic.gateway' : undefined,
          check: [`kubectl -n ${ns} get gateway ${need.name} -o jsonpath='{.spec.listeners[*].name}'${need.section ? `   # lists ${need.section}` : ''}`],
        });
        break;
      case 'TrafficRouterPlugin':
        break; // checked with Argo Rollouts
      default: {
        const resource = need.kind.toLowerCase();
        items.push({ title: `${need.kind} ${ns ? `${ns}/` : ''}${need.name}`, neededBy, check: [`kubectl ${ns ? `-n ${ns} ` : ''}get ${resource} ${need.name}`] });
      }
    }
  }
  for (const { name, collector, applications } of tracing) {
    const where = collector.namespace ? `pods ${labels(collector.podLabels)} in ${collector.namespace}` : `network ${collector.cidr}`;
    items.push({
      title: `Trace collector ${name}: ${collector.scheme ?? 'http'}://${collector.host}:${collector.port} (OTLP/HTTP), ${where}`,
      neededBy: applications.map((app) => `tracing of ${app}`),
      check: collector.namespace
        ? [`kubectl -n ${collector.namespace} get pods -l ${labels(collector.podLabels)} -o wide`, ...(serviceOf(collector) ? [`kubectl -n ${collector.namespace} get service ${serviceOf(collector)}`] : [])]
        : [`nc -z -w 5 ${collector.host} ${collector.port}   # from a node of the cluster`],
    });
  }
  if (items.length === 0) return ['## Prerequisites', '', `None: ${environment} writes everything it refers to.`, ''].join('\n');
  return [
    '## Prerequisites',
    '',
    'What the cluster must provide before these manifests are applied: the objects refer to them and nothing in this',
    `output writes them. Derived from the objects by synth (lib/references/) and declared in \`prerequisites\` of the values;`,
    `synth refuses an environment whose objects refer to anything neither written nor declared. Check each on the cluster:`,
    '',
    ...items.flatMap((item) => [`- **${item.title}**, for ${item.neededBy.join(', ')}${item.note ? `; ${item.note}` : ''}`, '', '  ```sh', ...item.check.map((line) => `  ${line}`), '  ```', '']),
  ].join('\n');
}

function metricsProvider(prerequisites: Prerequisites, group: string): string {
  const key = group === 'metrics.k8s.io' ? 'resource' : group === 'external.metrics.k8s.io' ? 'external' : 'custom';
  const api = prerequisites.metricsAPIs?.[key];
  return api ? `, served by ${api.provider} in ${api.namespace}` : '';
}

function labels(podLabels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(podLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The Service of an in-cluster collector host (`<service>.<namespace>.svc[.cluster.local]`). */
function serviceOf(collector: TraceCollector): string | undefined {
  const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(collector.host);
  return match && match[2] === collector.namespace ? match[1] : undefined;
}
