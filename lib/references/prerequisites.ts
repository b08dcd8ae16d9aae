/**
 * What an environment's cluster provides that the output does not write: the `prerequisites` section
 * of the values files (base.yaml for every environment, each overlay for its own; maps merge key by
 * key, like every other section). Synth derives what the environment's objects need from the objects
 * themselves (lib/references/needs.ts) and refuses an environment whose needs are neither written in
 * it nor declared here (lib/references/resolve.ts); each environment's README lists them with the
 * command that checks each on a cluster (lib/references/readme.ts).
 *
 * - `controllers`: the operators and CRD bundles the cluster runs, by the platform's name for each
 *   (lib/references/controllers.ts), with the version it runs (at least) and its namespace, and what the
 *   controller itself holds that objects name: ClusterSecretStores, ClusterIssuers, IngressClasses,
 *   BackupStorageLocations, Argo Rollouts traffic router plugins;
 * - `metricsAPIs`: the aggregated metrics APIs an HPA reads (resource: metrics.k8s.io from metrics-server;
 *   custom and external: custom.metrics.k8s.io, external.metrics.k8s.io from an adapter);
 * - `secrets`, `configMaps`, `persistentVolumeClaims`, `serviceAccounts`: objects made outside the
 *   platform, by namespace and name (Secrets and ConfigMaps with the keys they hold);
 * - `priorityClasses`, `storageClasses`: cluster-scoped classes the pods and claims name;
 * - `traceCollectors`: OTLP/HTTP receivers outside the output that `tracing.collector` names, with
 *   where their pods are (namespace and pod labels, or a network), which the NetworkPolicies admit.
 */
import { type Static, type TProperties, Type } from '@sinclair/typebox';
import { keyedMap, labelMap } from '../values/kubernetes-names';
import { int, patterns, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;

/** A release version as projects tag them: 1.15.0 or v1.15.0 (a pre-release or build suffix allowed). */
const VERSION = '^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$';

/** Optional in each file (an overlay may set only what its cluster adds) and required once merged (lib/references/resolve.ts). */
const version = (what: string) => Type.Optional(str(`The ${what} version the cluster runs (at least), e.g. 1.15.0 (required): synth compares it with the minimum the output needs.`, VERSION, { maxLength: 64 }));
const namespace = (what: string) => Type.Optional(str(`Namespace of ${what} (default: its usual one).`, patterns.dnsLabel));
const names = (description: string) => Type.Array(str('A name.', patterns.dnsSubdomain), { uniqueItems: true, description });
const namesByNamespace = (description: string) => keyedMap(Type.String({ pattern: patterns.dnsLabel, maxLength: 63 }), names('Names in that namespace.'), description);

/** What every declared controller has: its version and namespace. */
const controller = <E extends TProperties = Record<never, never>>(what: string, extra?: E) =>
  Type.Object({ version: version(what), namespace: namespace(`the ${what} controller`), ...(extra as E) }, { ...closed, description: `${what}, installed in the cluster.` });

const ControllersSchema = Type.Object(
  {
    argoRollouts: Type.Optional(
      controller('Argo Rollouts', {
        trafficRouterPlugins: Type.Optional(
          Type.Array(str('A plugin name, e.g. argoproj-labs/gatewayAPI.', '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', { maxLength: 253 }), {
            uniqueItems: true,
            description: 'Traffic router plugins configured in the controller (argo-rollouts-config `trafficRouterPlugins`).',
          }),
        ),
      }),
    ),
    externalSecrets: Type.Optional(
      controller('External Secrets Operator', {
        clusterSecretStores: Type.Optional(names('ClusterSecretStores the cluster has.')),
        secretStores: Type.Optional(namesByNamespace('SecretStores the cluster has, by namespace.')),
      }),
    ),
    sealedSecrets: Type.Optional(controller('Sealed Secrets')),
    certManager: Type.Optional(
      controller('cert-manager', {
        clusterIssuers: Type.Optional(names('ClusterIssuers the cluster has (besides those the output writes).')),
        gatewayAPI: Type.Optional(Type.Boolean({ description: 'The controller runs with Gateway API support (`--enable-gateway-api`, Helm `config.enableGatewayAPI`).' })),
      }),
    ),
    gatewayAPI: Type.Optional(Type.Object({ version: version('Gateway API CRD bundle') }, { ...closed, description: 'The Gateway API CRDs (standard channel), installed in the cluster.' })),
    envoyGateway: Type.Optional(controller('Envoy Gateway')),
    ingressNginx: Type.Optional(controller('ingress-nginx', { ingressClasses: Type.Optional(names('IngressClasses the controller serves.')) })),
    prometheusOperator: Type.Optional(controller('Prometheus Operator')),
    velero: Type.Optional(controller('Velero', { backupStorageLocations: Type.Optional(names('BackupStorageLocations in the Velero namespace.')) })),
    argoCD: Type.Optional(controller('Argo CD')),
    flux: Type.Optional(controller('Flux')),
  },
  { ...closed, description: 'Controllers and CRD bundles the cluster runs, with their versions.' },
);

const MetricsApi = (what: string) =>
  Type.Object(
    {
      provider: str('What serves it, e.g. metrics-server or prometheus-adapter (for the README).', patterns.dnsSubdomain),
      namespace: str('Namespace of its pods.', patterns.dnsLabel),
    },
    { ...closed, description: `The ${what} API, served in the cluster.` },
  );

const KeyedObjects = (what: string) =>
  keyedMap(
    Type.String({ pattern: patterns.dnsLabel, maxLength: 63 }),
    keyedMap(
      Type.String({ pattern: patterns.dnsSubdomain, maxLength: 253 }),
      Type.Object({ keys: Type.Array(str('A key.', '^[-._a-zA-Z0-9]+$', { maxLength: 253 }), { uniqueItems: true, description: `Keys the ${what} holds.` }) }, closed),
      `${what}s in that namespace, by name.`,
    ),
    `Existing ${what}s (made outside the platform), by namespace.`,
  );

/** A trace collector outside the output: an OTLP/HTTP receiver. */
const TraceCollector = Type.Object(
  {
    host: str('Host the applications send to: a Service (`<name>.<namespace>.svc`) or a name outside the cluster.', patterns.dnsSubdomain),
    port: int('Port of the OTLP/HTTP receiver at host (usually 4318).', 1, 65535),
    scheme: Type.Optional(Type.Unsafe<'http' | 'https'>({ type: 'string', enum: ['http', 'https'], description: 'http (default) or https.' })),
    targetPort: Type.Optional(int('Port of the collector’s pods, when the Service port differs (what the NetworkPolicies match).', 1, 65535)),
    namespace: Type.Optional(str('Namespace of the collector’s pods (in the cluster).', patterns.dnsLabel)),
    podLabels: Type.Optional(Type.Unsafe<Record<string, string>>({ ...labelMap('Labels of the collector’s pods (with namespace; at least one).'), minProperties: 1 })),
    cidr: Type.Optional(str('Network of the collector outside the cluster (instead of namespace).', patterns.cidr)),
  },
  { ...closed, description: 'An OTLP/HTTP trace collector; exactly one of namespace (in the cluster) or cidr (outside).' },
);

export const PrerequisitesSchema = Type.Object(
  {
    controllers: Type.Optional(ControllersSchema),
    metricsAPIs: Type.Optional(
      Type.Object(
        {
          resource: Type.Optional(MetricsApi('resource metrics (metrics.k8s.io, CPU and memory of HPAs)')),
          custom: Type.Optional(MetricsApi('custom metrics (custom.metrics.k8s.io, Pods and Object metrics of HPAs)')),
          external: Type.Optional(MetricsApi('external metrics (external.metrics.k8s.io, External metrics of HPAs)')),
        },
        { ...closed, description: 'Aggregated metrics APIs the HorizontalPodAutoscalers read.' },
      ),
    ),
    secrets: Type.Optional(KeyedObjects('Secret')),
    configMaps: Type.Optional(KeyedObjects('ConfigMap')),
    persistentVolumeClaims: Type.Optional(namesByNamespace('Existing PersistentVolumeClaims, by namespace.')),
    serviceAccounts: Type.Optional(namesByNamespace('Existing ServiceAccounts (besides each namespace’s default), by namespace.')),
    priorityClasses: Type.Optional(names('PriorityClasses the cluster has, besides its own system-cluster-critical and system-node-critical (priorityClassName of the pods).')),
    storageClasses: Type.Optional(names('StorageClasses the cluster has (storageClassName of the persistent volume claims; none named: the default class).')),
    crds: Type.Optional(names('Other CustomResourceDefinitions the cluster has (<plural>.<group>), for kinds no controller above serves (e.g. from extraObjects).')),
    traceCollectors: Type.Optional(keyedMap(Type.String({ pattern: patterns.dnsLabel, maxLength: 63 }), TraceCollector, 'Trace collectors outside the output, by the name tracing.collector gives.')),
  },
  { ...closed, description: 'What the cluster of this environment provides that the output refers to (README: Prerequisites).' },
);

export type Prerequisites = Static<typeof PrerequisitesSchema>;
export type ControllerKey = keyof NonNullable<Prerequisites['controllers']>;
export type TraceCollector = Static<typeof TraceCollector>;
