/**
 * The application values model: the single source of truth.
 * The same schema validates values/*.yaml at synth time (ajv), is written as each application chart's
 * values.schema.json (Helm validates install, upgrade, template and lint against it), documents every
 * value in the chart README and values.yaml, and types the TypeScript (`AppValues`).
 * Patterns are written in the common subset of ECMAScript and Go (RE2) regular expressions.
 */
import { LONGEST_FULLNAME_SUFFIX, LONGEST_NAME_LABEL_SUFFIX, MAX_FULLNAME, MAX_NAME } from './name-budget';
import { type Static, Type } from '@sinclair/typebox';
import { backupsSchema } from '../backup/values-schema';
import { secretsSchema } from '../secrets/values-schema';
import { dataStoreDependencyFields } from '../monitoring/data-stores/values-schema';
import { ExtraRuleSchema } from '../monitoring/rules/extra-rules';
import { PrerequisitesSchema } from '../references/prerequisites';
import { TracingSchema } from '../references/tracing-values';
import { GitOpsSettingsSchema } from '../gitops/settings';
import { clusterScopedKinds } from '../validation/kubernetes-object';
import { EnvironmentSettingsSchema } from './environment-settings';
import { applicationNameSchema } from './platform-names';
import { TrafficSchema } from './traffic';
import { BasicAuthSchema } from '../traffic/basic-auth';
import { CorsSchema } from '../traffic/cors';
import { annotationMap, dependencyKeys, keyedMap, labelMap } from './kubernetes-names';
import { int, intOrPercent, notLatestImage, notLatestTag, patterns, portNumberOrName, quantity, str } from './schema-primitives';

const closed = { additionalProperties: false } as const;

const bool = (description: string) => Type.Boolean({ description });
const labels = labelMap;
/** Labels of a selector that must select something specific: an empty selector matches everything. */
const nonEmptyLabels = (description: string) => Type.Unsafe<Record<string, string>>({ ...labelMap(description), minProperties: 1 });
const annotations = annotationMap;
/** Kubernetes objects passed through as given (affinity, tolerations); strict schema validation of the output checks them. */
const kubernetesObject = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });
/** A closed set of strings, as a JSON Schema enum (one clear message instead of one per alternative). */
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });

const ResourceSet = (what: string) => Type.Object({ cpu: quantity(`CPU ${what}, e.g. 250m.`), memory: quantity(`Memory ${what}, e.g. 256Mi.`) }, closed);

const Probe = (what: string) =>
  Type.Object(
    {
      type: oneOf(['http', 'tcp', 'grpc', 'exec'], `How the ${what} probe checks the container: an HTTP GET of path, a TCP connection or a gRPC health check on the http port, or a command.`),
      path: str(`HTTP path of the ${what} probe (type http; also the URL monitoring probes for readiness).`, patterns.httpPath),
      command: Type.Optional(Type.Array(Type.String({ pattern: patterns.safeText }), { minItems: 1, description: `Command of the ${what} probe (type exec only).` })),
      initialDelaySeconds: int('Seconds before the first probe.', 0, 3600),
      periodSeconds: int('Seconds between probes.', 1, 3600),
      timeoutSeconds: int('Seconds before a probe times out.', 1, 600),
      failureThreshold: int('Failed probes before the probe counts as failed.', 1, 1000),
    },
    { ...closed, description: `The ${what} probe.` },
  );

const ScalingRules = (direction: string) =>
  Type.Object(
    {
      stabilizationWindowSeconds: int(`Window over which scale-${direction} recommendations are considered.`, 0, 3600),
      percentPerMinute: int(`At most this percentage of pods added or removed per minute when scaling ${direction}.`, 1, 1000),
      podsPerMinute: int(`At most this many pods added or removed per minute when scaling ${direction}.`, 1, 1000),
    },
    closed,
  );

const IngressPath = Type.Object(
  {
    path: str('URL path routed to the application (what an HTTPRoute and an Ingress accept: no //, /./, /../, %2F, # or trailing /. and /..).', patterns.routePath),
    pathType: oneOf(['Prefix', 'Exact', 'ImplementationSpecific'], 'How the path matches.'),
  },
  closed,
);

const objectName = (description: string) => Type.Object({ name: str(description, patterns.dnsSubdomain) }, closed);

/** One source of environment variables: exactly one of configMapRef and secretRef (a cross-field rule). */
const EnvFromSource = Type.Object(
  {
    configMapRef: Type.Optional(objectName('An existing ConfigMap.')),
    secretRef: Type.Optional(objectName('An existing Secret.')),
    prefix: Type.Optional(str('Prefix of every variable name from this source.', patterns.envName)),
  },
  { ...closed, description: 'A ConfigMap or Secret whose keys become environment variables.' },
);

/** An extra volume: its name and one Kubernetes volume source (checked by strict schema validation of the output). */
const ExtraVolume = Type.Object(
  {
    name: str('Volume name (not tmp, the chart’s own).', patterns.dnsLabel),
    emptyDir: Type.Optional(Type.Object({ sizeLimit: Type.Optional(quantity('Most the volume may hold, e.g. 256Mi.')), medium: Type.Optional(oneOf(['', 'Memory'], 'Backing medium.')) }, closed)),
    configMap: Type.Optional(Type.Object({ name: str('An existing ConfigMap.', patterns.dnsSubdomain), optional: Type.Optional(bool('The pod starts without it.')) }, closed)),
    secret: Type.Optional(Type.Object({ secretName: str('An existing Secret.', patterns.dnsSubdomain), optional: Type.Optional(bool('The pod starts without it.')) }, closed)),
    persistentVolumeClaim: Type.Optional(Type.Object({ claimName: str('An existing PersistentVolumeClaim.', patterns.dnsSubdomain), readOnly: Type.Optional(bool('Mount read-only.')) }, closed)),
    projected: Type.Optional(kubernetesObject('A projected volume source (sources: secrets, configMaps, serviceAccountToken, downwardAPI).')),
  },
  { ...closed, description: 'A volume of the pods (exactly one source: a cross-field rule).' },
);

const VolumeMount = Type.Object(
  {
    name: str('Name of an extra volume.', patterns.dnsLabel),
    mountPath: str('Absolute path in the container.', '^/[A-Za-z0-9._/-]*$'),
    readOnly: Type.Optional(bool('Mount read-only.')),
    subPath: Type.Optional(str('Path within the volume.', '^[A-Za-z0-9._-][A-Za-z0-9._/-]*$')),
  },
  { ...closed, description: 'Where the container mounts an extra volume.' },
);

/** An image with a tag or digest, never "latest" (a mutable tag would make rollouts unrepeatable). */
const pinnedImage = (description: string) => str(description, '^[!-9;-?A-~]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$', { not: notLatestImage });

const ContainerResources = Type.Object({ requests: ResourceSet('requested'), limits: ResourceSet('limit') }, { ...closed, description: 'Requests and limits (required, as for every container).' });

/** What every container of the pod given in values has: the fields of init containers and sidecars. */
const containerFields = () => ({
  name: str('Container name (unique in the pod, not the application container’s).', patterns.dnsLabel),
  image: pinnedImage('Image with a tag or digest ("latest" is refused).'),
  command: Type.Optional(Type.Array(Type.String({ pattern: patterns.safeText }), { description: 'Entrypoint.' })),
  args: Type.Optional(Type.Array(Type.String({ pattern: patterns.safeText }), { description: 'Arguments.' })),
  env: Type.Optional(Type.Array(Type.Object({ name: str('Variable name.', patterns.envName), value: Type.String({ pattern: patterns.safeText }) }, closed), { description: 'Plain environment variables.' })),
  resources: ContainerResources,
  volumeMounts: Type.Optional(Type.Array(VolumeMount, { description: 'Mounts of tmp or of extra volumes.' })),
});

/** An init container: runs to completion before the application starts, with the restricted security context. */
const InitContainer = Type.Object(containerFields(), {
  ...closed,
  description: 'A container run before the application starts (Pod Security restricted, read-only root filesystem, /tmp writable).',
});

/** A port name as Kubernetes takes it (IANA service name): at most 15 characters, a letter among them. */
const portName = (description: string) => str(description, patterns.portName, { maxLength: 15 });

const protocol = (description: string) => oneOf(['TCP', 'UDP', 'SCTP'], description);

const ContainerPort = Type.Object(
  {
    name: portName('Port name (unique in the pod; not http, the application’s).'),
    containerPort: int('Port the container listens on.', 1, 65535),
    protocol: Type.Optional(protocol('Protocol (default TCP).')),
  },
  { ...closed, description: 'A port a sidecar listens on.' },
);

/** A probe of a sidecar: like the application's, on a port of the sidecar; timings default to Kubernetes'. */
const SidecarProbe = (what: string) =>
  Type.Object(
    {
      type: oneOf(['http', 'tcp', 'grpc', 'exec'], `How the ${what} probe checks the sidecar: an HTTP GET of path on port, a TCP connection or a gRPC health check on port, or a command.`),
      port: Type.Optional(int('Port of the sidecar the probe connects to (types http, tcp and grpc).', 1, 65535)),
      path: Type.Optional(str('HTTP path (type http).', patterns.httpPath)),
      command: Type.Optional(Type.Array(Type.String({ pattern: patterns.safeText }), { minItems: 1, description: 'Command (type exec).' })),
      initialDelaySeconds: Type.Optional(int('Seconds before the first probe (default 0).', 0, 3600)),
      periodSeconds: Type.Optional(int('Seconds between probes (default 10).', 1, 3600)),
      timeoutSeconds: Type.Optional(int('Seconds before a probe times out (default 1).', 1, 600)),
      failureThreshold: Type.Optional(int('Failed probes before the probe counts as failed (default 3).', 1, 1000)),
    },
    { ...closed, description: `The ${what} probe of the sidecar.` },
  );

/** A sidecar: a long-running container beside the application, held to the same rules as it. */
const Sidecar = Type.Object(
  {
    ...containerFields(),
    ports: Type.Optional(Type.Array(ContainerPort, { description: 'Ports the sidecar listens on (reachable from outside the pod only through service.extraPorts).' })),
    probes: Type.Object(
      { liveness: SidecarProbe('liveness'), readiness: SidecarProbe('readiness'), startup: Type.Optional(SidecarProbe('startup')) },
      { ...closed, description: 'Probes (liveness and readiness required: a long-running container is checked like the application).' },
    ),
  },
  { ...closed, description: 'A container running beside the application for the life of the pod (Pod Security restricted, read-only root filesystem, /tmp writable, resources and probes required).' },
);

/** A lifecycle hook of the application container: a command, or an HTTP GET (exactly one: a cross-field rule). */
const LifecycleHandler = (what: string) =>
  Type.Object(
    {
      exec: Type.Optional(Type.Object({ command: Type.Array(Type.String({ pattern: patterns.safeText }), { minItems: 1, description: 'Command run in the container.' }) }, closed)),
      httpGet: Type.Optional(
        Type.Object(
          {
            path: str('HTTP path.', patterns.httpPath),
            port: portNumberOrName('Port: a number of the container, or http.', '^http$'),
            scheme: Type.Optional(oneOf(['HTTP', 'HTTPS'], 'Scheme (default HTTP).')),
          },
          closed,
        ),
      ),
    },
    { ...closed, description: what },
  );

/**
 * Any other namespaced Kubernetes object, rendered as given in the release namespace with the chart's
 * labels (lib/app/extra-objects.ts); its fields are checked by strict schema validation of the output.
 */
const ExtraObject = Type.Object(
  {
    apiVersion: str('API group and version, e.g. v1 or policy/v1.', '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?v[0-9]+((alpha|beta)[0-9]+)?$'),
    kind: str('Kind, e.g. ConfigMap; namespaced kinds only (the object goes to the release namespace).', '^[A-Z][A-Za-z0-9]*$', {
      not: { enum: clusterScopedKinds(), description: 'is a cluster-scoped kind: extra objects go to the release namespace' },
    }),
    metadata: Type.Object(
      {
        name: str('Name (unique among the release’s objects of its kind).', patterns.dnsSubdomain, { maxLength: 253 }),
        labels: Type.Optional(labels('Labels, beside the chart’s (instance, part-of, managed-by, helm.sh/chart), which it sets itself.')),
        annotations: Type.Optional(annotations('Annotations.')),
      },
      { ...closed, description: 'Name, labels and annotations (the chart sets the namespace).' },
    ),
  },
  { additionalProperties: true, description: 'A Kubernetes object (the other fields as the kind has them: spec, data, rules, ...).' },
);

/** A source of traffic admitted by a NetworkPolicy: a network outside the cluster, or namespaces (and pods) inside it. */
const Peer = Type.Object(
  {
    cidr: Type.Optional(str('Source network in CIDR notation (outside the cluster: nodes, load balancers, other networks).', patterns.cidr)),
    namespaceLabels: Type.Optional(nonEmptyLabels('Labels selecting the source namespace(s) (at least one: no labels would select every namespace).')),
    podLabels: Type.Optional(nonEmptyLabels('Labels selecting the source pods within those namespaces (at least one: no labels would select every pod).')),
  },
  { ...closed, description: 'A source admitted on the port (exactly one of cidr or namespaceLabels: a cross-field rule).' },
);

/** A port of the Service beside http, to a port of the application container or of a sidecar. */
const ServicePort = Type.Object(
  {
    name: portName('Port name (unique in the Service; not http).'),
    port: int('Port the Service exposes.', 1, 65535),
    targetPort: portNumberOrName('Where the traffic goes: a port number of the application container (declared on it under this port’s name), or the name of a sidecar port (sidecars[].ports[].name).'),
    protocol: Type.Optional(protocol('Protocol (default TCP).')),
    allowFrom: Type.Optional(Type.Array(Peer, { description: 'Sources the NetworkPolicies admit on this port (besides the applications that name it as a dependency); none: only those.' })),
  },
  { ...closed, description: 'An extra port of the Service.' },
);

/** A port of an extra NetworkPolicy rule: a number or a name of the pods' ports, and its protocol. */
const RulePort = Type.Object(
  { port: portNumberOrName('A port of the pods: a number, or one of their port names.'), protocol: Type.Optional(protocol('Protocol (default TCP).')) },
  { ...closed, description: 'A port the rule admits.' },
);

/** An extra rule of the NetworkPolicies, written as Kubernetes writes one, peers and ports required (never wider than written). */
const ExtraIngressRule = Type.Object(
  {
    from: Type.Array(Peer, { minItems: 1, description: 'The sources: networks (cidr) or namespaces and pods (at least one: none would admit every source).' }),
    ports: Type.Array(RulePort, { minItems: 1, description: 'The ports of the application’s pods they may reach (at least one: none would admit every port).' }),
  },
  { ...closed, description: 'An ingress rule of the application’s pods.' },
);

const ExtraEgressRule = Type.Object(
  {
    to: Type.Array(Peer, { minItems: 1, description: 'The destinations: networks (cidr) or namespaces and pods (at least one: none would admit every destination).' }),
    ports: Type.Array(RulePort, { minItems: 1, description: 'The ports they may be reached on (at least one: none would admit every port).' }),
  },
  { ...closed, description: 'An egress rule of the application’s pods.' },
);

/**
 * An environment variable from the Downward API: a field of the pod (fieldPath, as Kubernetes'
 * fieldRef takes it) or a resource of the container (resource, with a divisor); exactly one (a rule).
 */
const DownwardEnvVar = Type.Object(
  {
    fieldPath: Type.Optional(
      oneOf(
        ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'],
        'A field of the pod (fieldRef).',
      ),
    ),
    resource: Type.Optional(
      oneOf(['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'], 'A resource of the application container (resourceFieldRef).'),
    ),
    divisor: Type.Optional(quantity('Unit the resource is given in (resourceFieldRef divisor), e.g. 1m or 1Mi; default 1.')),
  },
  { ...closed, description: 'Exactly one of fieldPath or resource.' },
);

const Dependency = Type.Object(
  {
    name: Type.Optional(str('Name of the dependency (for readers; the application name when `app` is given).', patterns.dnsLabel)),
    app: Type.Optional(
      str(
        'Another application of the platform, by name: synth resolves it in each environment to its namespace, pod labels and port (written here as namespaceLabels, podLabels and port), and opens its side (networkPolicy.dependents). Without them (Helm alone, this chart’s values.yaml), the chart finds it where `namespace` and `release` say, else in its own release (a dependency of the same umbrella chart), else in the release named after it in this namespace.',
        patterns.dnsLabel,
      ),
    ),
    port: Type.Optional(portNumberOrName('TCP port the application connects to: a number, or for `app` the name of a port it exposes (default http).')),
    protocol: Type.Optional(protocol('Protocol of the port (default TCP; for `app`, written by synth from the port it names).')),
    host: Type.Optional(
      str('Name or address the application connects to, which waitForDependencies waits for (for `app`, written by synth: the callee’s Service, <name>.<namespace>.svc).', patterns.dnsSubdomain, {
        maxLength: 253,
      }),
    ),
    servicePort: Type.Optional(int('Port at host when it differs from port, e.g. a Service port in front of the pods’ port (for `app`, written by synth).', 1, 65535)),
    namespace: Type.Optional(str('For `app` with Helm alone: the namespace of the release that runs it (default: this release’s namespace).', patterns.dnsLabel)),
    release: Type.Optional(
      str('For `app` with Helm alone: the Helm release that runs it, its app.kubernetes.io/instance (default: this release in an umbrella chart, else the application’s name).', patterns.dnsLabel, {
        maxLength: 53,
      }),
    ),
    cidr: Type.Optional(str('Destination network in CIDR notation, for services outside the cluster.', patterns.cidr)),
    namespaceLabels: Type.Optional(nonEmptyLabels('Labels selecting the destination namespace(s), for in-cluster services (at least one: no labels would select every namespace).')),
    podLabels: Type.Optional(nonEmptyLabels('Labels selecting the destination pods within those namespaces (at least one: no labels would select every pod).')),
    // Issue 21: a PostgreSQL or Redis the monitoring stack watches (lib/monitoring/data-stores/).
    ...dataStoreDependencyFields,
  },
  { ...closed, description: 'One network destination the application may open connections to.' },
);

/**
 * An application of the platform that connects to this one: derived by synth from its `dependencies`,
 * with where it runs in each environment (namespace, podLabels); without them (this chart's
 * values.yaml, Helm alone) the chart finds it as a dependency's callee finds its callee.
 */
const Dependent = Type.Object(
  {
    app: str('The application that connects.', patterns.dnsLabel),
    namespace: Type.Optional(str('Its namespace (default: this release’s namespace).', patterns.dnsLabel)),
    release: Type.Optional(str('The Helm release that runs it (default: this release in an umbrella chart, else the application’s name).', patterns.dnsLabel, { maxLength: 53 })),
    podLabels: Type.Optional(
      Type.Object(
        { 'app.kubernetes.io/name': str('Its name label.', patterns.labelValue), 'app.kubernetes.io/instance': str('Its instance label (its release).', patterns.labelValue) },
        {
          ...closed,
          description:
            'Its pod selector labels: those of an application of the platform (default: app.kubernetes.io/name the app and app.kubernetes.io/instance its release; never empty: that would admit every pod of the namespace).',
        },
      ),
    ),
    port: int('The port of this application’s pods it connects to (http or an extra port’s target).', 1, 65535),
    protocol: protocol('Protocol of that port.'),
  },
  { ...closed, description: 'An application allowed to connect to one port of this one.' },
);

/**
 * Progressive delivery (Argo Rollouts, lib/delivery/): how a new version replaces the running one.
 * `rolling` is the plain Deployment; `canary` and `blueGreen` make an Argo Rollout with the same pods.
 */
const CanaryPhase = Type.Object(
  {
    weight: int('Share of traffic (percent) the new version gets in this phase.', 1, 99),
    minutes: int('How long the phase lasts, in minutes (measured once a minute; 1440 = 24 h).', 5, 10080),
    maxErrorRatio: Type.Number({ description: 'Roll back when the new version’s 5xx ratio stays above this (0 to 1) for 5 minutes.', minimum: 0, maximum: 1 }),
    maxP95Seconds: Type.Number({ description: 'Roll back when the new version’s p95 latency stays above this many seconds for 5 minutes.', exclusiveMinimum: 0, maximum: 600 }),
  },
  { ...closed, description: 'One canary phase: a traffic share, its duration and its rollback triggers.' },
);

const RolloutSettings = Type.Object(
  {
    strategy: oneOf(['rolling', 'blueGreen', 'canary'], 'How a new version is released: rolling (a Deployment), blueGreen or canary (an Argo Rollout with the same pods).'),
    analysis: Type.Object(
      {
        prometheusAddress: str(
          'Prometheus the analysis queries (in-cluster URL, from the Argo Rollouts controller, with its route prefix: Argo Rollouts appends /api/v1/query). With the standalone monitoring stack, synth refuses any other than its Prometheus (http://prometheus.<monitoring namespace>.svc:9090/prometheus).',
          patterns.urlWithoutTrailingSlash,
        ),
        minRequests: int('Requests the new version must serve during a phase for its analysis to conclude; fewer leaves the analysis inconclusive and the rollout paused for a person.', 0, 1000000000),
      },
      { ...closed, description: 'Analysis of the new version against Prometheus.' },
    ),
    canary: Type.Object(
      {
        trafficRouting: oneOf(
          ['replicas', 'nginx', 'gatewayAPI'],
          'How traffic is split: by replica count, by the NGINX ingress controller (canary Ingress made by Argo Rollouts from the application’s Ingress; traffic.provider ingress), or by the weights of the application’s HTTPRoutes (Argo Rollouts’ Gateway API plugin; traffic.provider gatewayAPI).',
        ),
        phases: Type.Array(CanaryPhase, { minItems: 1, maxItems: 10, description: 'Phases in order, with increasing weights; after the last one the new version gets 100%.' }),
      },
      { ...closed, description: 'Canary: phases with rising traffic, each analysed for its whole duration.' },
    ),
    blueGreen: Type.Object(
      {
        autoPromotionEnabled: bool('Switch traffic to the new version as soon as the pre-promotion analysis passes; false waits for `kubectl argo rollouts promote`.'),
        scaleDownDelaySeconds: int('Seconds the old version keeps running after the switch (a quick way back).', 0, 86400),
        smokeTest: Type.Object(
          {
            image: str('Image of the smoke-test Job (tag or digest required; "latest" is refused).', '^[!-9;-?A-~]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$', { not: notLatestImage }),
            paths: Type.Array(str('Path requested from the preview Service.', patterns.httpPath), {
              description: 'Paths the smoke test GETs from the preview Service (each must answer 2xx), after the http health endpoints.',
            }),
            timeoutSeconds: int('Seconds each request may take.', 1, 300),
          },
          { ...closed, description: 'Smoke test run as a Job against the preview Service before the switch.' },
        ),
        postPromotion: Type.Object(
          {
            minutes: int('Minutes the new version is watched after the switch.', 5, 1440),
            maxErrorRatio: Type.Number({ description: 'Roll back when the 5xx ratio stays above this (0 to 1) for 5 minutes.', minimum: 0, maximum: 1 }),
            maxP95Seconds: Type.Number({ description: 'Roll back when p95 latency stays above this many seconds for 5 minutes.', exclusiveMinimum: 0, maximum: 600 }),
          },
          { ...closed, description: 'Analysis after the switch.' },
        ),
      },
      { ...closed, description: 'Blue-green: the new version beside the old one behind a preview Service, tested, then switched.' },
    ),
  },
  { ...closed, description: 'Progressive delivery with Argo Rollouts.' },
);

/**
 * The `global` values the application charts read. In a chart, `global` stays open (a parent chart
 * shares its own globals with all its dependencies); the platform files' top-level `global` holds
 * only these (PlatformFileSchema), so a mistyped key is refused where it is written.
 */
const GLOBAL_VALUES = {
  imageRegistry: Type.Optional(
    str('Registry every application’s image is pulled from (in place of each image.registry), e.g. a mirror; values/: the top-level `global`.', patterns.registry, { maxLength: 253 }),
  ),
  imagePullSecrets: Type.Optional(
    Type.Array(str('Name of an existing image pull Secret.', patterns.dnsSubdomain), {
      description: 'Image pull Secrets of every application (values/: the top-level `global`), before each one’s image.pullSecrets.',
    }),
  ),
};

export const AppValuesSchema = Type.Object(
  {
    nameOverride: str(
      `Replaces the chart name in resource names and the app.kubernetes.io/name label. At most ${MAX_NAME} characters: helper pods are labelled <name>-${LONGEST_NAME_LABEL_SUFFIX}, and a label value holds 63.`,
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$',
      { maxLength: MAX_NAME },
    ),
    fullnameOverride: str(
      `Replaces the full resource name (by default the release name). At most ${MAX_FULLNAME} characters: objects are named up to <fullname>-${LONGEST_FULLNAME_SUFFIX}, and a name holds 63.`,
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$',
      { maxLength: MAX_FULLNAME },
    ),
    environment: str('Environment this release runs in (dev, staging, production, ...).', patterns.dnsLabel),
    component: str('Role of the application in the platform (app.kubernetes.io/component).', patterns.dnsLabel),
    partOf: str('Platform the application belongs to (app.kubernetes.io/part-of).', patterns.dnsLabel),
    image: Type.Object(
      {
        registry: str(
          'Registry the repository is pulled from, before it (registry/repository), e.g. a mirror; empty: the repository as written. global.imageRegistry, when set, takes its place (Bitnami’s convention).',
          patterns.registry,
          { maxLength: 253 },
        ),
        repository: str('Image repository, without tag or digest.', patterns.repository),
        tag: Type.String({
          description: 'Image tag; "latest" is refused. Also the app.kubernetes.io/version label.',
          pattern: patterns.tag,
          not: notLatestTag,
        }),
        digest: str('Image digest (sha256:...); when set, the image is pulled by digest.', `^(${patterns.digest.slice(1, -1)})?$`),
        pullPolicy: oneOf(['IfNotPresent', 'Always', 'Never'], 'When the kubelet pulls the image.'),
        pullSecrets: Type.Array(str('Name of an existing image pull Secret.', patterns.dnsSubdomain), {
          description: 'Existing Secrets used to pull the image.',
        }),
      },
      { ...closed, description: 'Container image.' },
    ),
    replicaCount: int('Number of pods when autoscaling is disabled.', 0, 1000),
    containerPort: int('Port the application listens on (named http).', 1024, 65535),
    service: Type.Object(
      {
        type: oneOf(['ClusterIP', 'NodePort', 'LoadBalancer'], 'Service type.'),
        port: int('Port the Service exposes.', 1, 65535),
        annotations: annotations('Extra annotations on the Service (e.g. for a cloud load balancer).'),
        allowFrom: Type.Array(Peer, {
          description:
            'Sources the NetworkPolicies admit on the http port besides the ingress controller, monitoring and the applications that depend on this one: for type NodePort or LoadBalancer, the networks the nodes or the load balancer forward from (required then).',
        }),
        extraPorts: Type.Array(ServicePort, { description: 'Ports of the Service beside http (names and ports unique; each admits only its allowFrom and the applications that name it).' }),
      },
      { ...closed, description: 'The Service in front of the pods.' },
    ),
    probes: Type.Object({ liveness: Probe('liveness'), readiness: Probe('readiness'), startup: Probe('startup') }, { ...closed, description: 'Health probes.' }),
    metrics: Type.Object(
      {
        enabled: bool('Whether the application exposes Prometheus metrics to scrape.'),
        path: str('HTTP path of the metrics endpoint (on the http port).', patterns.httpPath),
        scrapeInterval: str('How often the monitoring stack scrapes the application (its own scrape_interval; the stack’s default is monitoring.prometheus.scrapeInterval), e.g. 5s.', patterns.duration),
        // Issue 21: the application's own alert and recording rules (lib/monitoring/rules/extra-rules.ts).
        rules: Type.Optional(
          Type.Array(ExtraRuleSchema, {
            description: 'The application’s own alerting and recording rules, evaluated by the monitoring stack as the group application.<name> (alerts: priority required; checked by promtool at synth time).',
          }),
        ),
        declared: Type.Array(str('A metric name.', '^[a-zA-Z_:][a-zA-Z0-9_:]*$'), {
          description: 'Metric names the application exposes, checked against alert rules and dashboards.',
        }),
      },
      { ...closed, description: 'Prometheus metrics.' },
    ),
    resources: Type.Object({ requests: ResourceSet('requested'), limits: ResourceSet('limit') }, { ...closed, description: 'Container resources; requests must not exceed limits.' }),
    logLevel: oneOf(['debug', 'info', 'warn', 'error'], 'Log level (LOG_LEVEL).'),
    // Issue 19: tracing to a declared collector (lib/references/tracing-values.ts).
    tracing: TracingSchema,
    command: Type.Array(Type.String({ pattern: patterns.safeText }), { description: 'Entrypoint of the application container, in place of the image’s (empty: the image’s ENTRYPOINT).' }),
    args: Type.Array(Type.String({ pattern: patterns.safeText }), { description: 'Arguments of the application container, in place of the image’s (empty: the image’s CMD).' }),
    env: keyedMap(Type.String({ pattern: patterns.envName }), Type.String({ pattern: patterns.safeText }), 'Plain environment variables, stored in the ConfigMap (never secrets).'),
    downwardEnv: keyedMap(
      Type.String({ pattern: patterns.envName }),
      DownwardEnvVar,
      'Environment variables from the pod and container (Kubernetes Downward API): a field of the pod (fieldRef: POD_NAME from metadata.name, POD_IP from status.podIP, NODE_NAME from spec.nodeName) or a resource of the container (resourceFieldRef: limits.cpu, requests.memory).',
    ),
    secretEnv: Type.Array(
      Type.Object(
        {
          name: str('Environment variable name.', patterns.envName),
          secretName: str('Secret holding the value: an existing one, or one that `secrets` declares (ExternalSecret, SealedSecret).', patterns.dnsSubdomain),
          key: str('Key within the Secret.', '^[-._a-zA-Z0-9]+$'),
        },
        closed,
      ),
      { description: 'Environment variables read from existing Secrets (the values never enter git).' },
    ),
    serviceAccount: Type.Object(
      {
        create: bool('Create a ServiceAccount for the application.'),
        name: str('ServiceAccount name; empty means the full name.', '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$'),
        automountToken: bool('Mount the API token into pods (only for applications that call the Kubernetes API).'),
        annotations: annotations('Annotations on the ServiceAccount (e.g. cloud workload identity).'),
      },
      { ...closed, description: 'Identity of the pods.' },
    ),
    podAnnotations: annotations('Extra annotations on the pods.'),
    priorityClassName: str('PriorityClass of the pods; empty means the cluster default.', '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$', { maxLength: 253 }),
    envFrom: Type.Array(EnvFromSource, { description: 'Whole ConfigMaps or Secrets (existing ones) given to the container as environment variables, after the chart’s own ConfigMap.' }),
    extraVolumes: Type.Array(ExtraVolume, {
      description: 'Volumes beside the chart’s /tmp: emptyDir (writable caches beside the read-only root filesystem), configMap, secret, persistentVolumeClaim or projected.',
    }),
    extraVolumeMounts: Type.Array(VolumeMount, { description: 'Where the container mounts the extra volumes.' }),
    initContainers: Type.Array(InitContainer, { description: 'Containers run to completion, in order, before the application starts (e.g. to wait for a dependency or prepare a volume).' }),
    sidecars: Type.Array(Sidecar, { description: 'Containers running beside the application for the life of the pod (a proxy, a log shipper, an exporter).' }),
    waitForDependencies: Type.Object(
      {
        enabled: bool('Start with an init container that waits until every dependency accepts TCP connections (host:port; a dependency by app waits for its Service).'),
        image: pinnedImage('Image with sh, sleep and nc -z (busybox).'),
        resources: ContainerResources,
      },
      { ...closed, description: 'A ready-made init container, wait-for-dependencies, that waits for networkPolicy.dependencies (Pod Security restricted; its egress is the dependencies’ NetworkPolicy).' },
    ),
    migration: Type.Object(
      {
        enabled: bool('Run a database migration Job before each install and upgrade (Helm pre-install/pre-upgrade hook; Argo CD PreSync hook in the plain manifests).'),
        image: Type.Optional(pinnedImage('Image of the migration (default: the application’s image).')),
        command: Type.Optional(Type.Array(Type.String({ pattern: patterns.safeText }), { minItems: 1, description: 'Command of the migration (required when enabled).' })),
        args: Type.Optional(Type.Array(Type.String({ pattern: patterns.safeText }), { description: 'Arguments.' })),
        resources: ContainerResources,
        backoffLimit: int('Retries before the Job fails (and with it the install or upgrade).', 0, 10),
        activeDeadlineSeconds: int('Seconds the migration may run in all, retries included.', 1, 86400),
      },
      {
        ...closed,
        description:
          'A Job run before the new version rolls out, with the application’s env and secretEnv (not its ConfigMap or ServiceAccount, which a pre-install hook runs before), its own labels (never selected by the Service) and egress to the dependencies.',
      },
    ),
    extraObjects: Type.Array(ExtraObject, {
      description: 'Any other namespaced objects, in both outputs (like Bitnami’s extraDeploy): in the release namespace, with the chart’s labels; none may share kind and name with the chart’s own.',
    }),
    podLabels: labels('Extra labels on the pods (never used in selectors).'),
    commonLabels: labels('Labels on every object of the chart and on its pods, beside the chart’s own (which they may not set: selectors never change).'),
    commonAnnotations: annotations('Annotations on every object of the chart (not its pods: podAnnotations).'),
    nodeSelector: labels('Node labels the pods must run on.'),
    tolerations: Type.Array(kubernetesObject('A Kubernetes toleration.'), { description: 'Tolerations of the pods.' }),
    affinity: kubernetesObject('Kubernetes affinity of the pods.'),
    topologySpread: Type.Object(
      {
        enabled: bool('Spread pods across zones and nodes.'),
        maxSkew: int('Largest allowed difference in pod count between zones (and between nodes).', 1, 100),
        zoneWhenUnsatisfiable: oneOf(['DoNotSchedule', 'ScheduleAnyway'], 'What the scheduler does when the zone spread cannot be met.'),
        nodeWhenUnsatisfiable: oneOf(['DoNotSchedule', 'ScheduleAnyway'], 'What the scheduler does when the node spread cannot be met.'),
      },
      { ...closed, description: 'topologySpreadConstraints across topology.kubernetes.io/zone and kubernetes.io/hostname.' },
    ),
    podSecurityContext: Type.Object(
      {
        runAsUser: int('User ID the containers run as (never 0).', 1, 2147483647),
        runAsGroup: int('Group ID the containers run as.', 1, 2147483647),
        fsGroup: int('Group owning mounted volumes.', 1, 2147483647),
      },
      { ...closed, description: 'Pod security context; the Pod Security "restricted" settings are always applied.' },
    ),
    terminationGracePeriodSeconds: int('Seconds a pod has to shut down after SIGTERM.', 1, 3600),
    preStopSleepSeconds: int('Seconds the pod keeps serving after removal from endpoints, before SIGTERM (a preStop sleep; 0: none). lifecycle.preStop replaces it.', 0, 300),
    lifecycle: Type.Object(
      {
        postStart: Type.Optional(LifecycleHandler('Run right after the container starts (the container is not Ready until it ends).')),
        preStop: Type.Optional(LifecycleHandler('Run before the container gets SIGTERM, in place of the preStopSleepSeconds sleep (set that to 0): keep serving while endpoints drop the pod, then drain.')),
      },
      { ...closed, description: 'Lifecycle hooks of the application container.' },
    ),
    autoscaling: Type.Object(
      {
        enabled: bool('Create a HorizontalPodAutoscaler; the Deployment then leaves replicas unset.'),
        minReplicas: int('Fewest pods.', 1, 1000),
        maxReplicas: int('Most pods.', 1, 1000),
        targetCPUUtilizationPercentage: int('Average CPU utilization (of requests) to aim for.', 1, 100),
        targetMemoryUtilizationPercentage: int('Average memory utilization (of requests) to aim for.', 1, 100),
        requestsPerSecond: Type.Object(
          {
            enabled: bool('Also scale on a per-pod custom metric (needs a custom metrics adapter).'),
            metricName: str('Pods metric name served by the custom metrics API.', '^[a-zA-Z_:][a-zA-Z0-9_:]*$'),
            averageValue: quantity('Target average value per pod, e.g. 100.'),
          },
          closed,
        ),
        behavior: Type.Object({ scaleUp: ScalingRules('up'), scaleDown: ScalingRules('down') }, closed),
      },
      { ...closed, description: 'Horizontal pod autoscaling (autoscaling/v2).' },
    ),
    pdb: Type.Object(
      {
        enabled: bool('Create a PodDisruptionBudget.'),
        minAvailable: Type.Optional(intOrPercent('Pods that must stay available (set this or maxUnavailable).')),
        maxUnavailable: Type.Optional(intOrPercent('Pods that may be unavailable (set this or minAvailable).')),
      },
      { ...closed, description: 'PodDisruptionBudget (policy/v1).' },
    ),
    ingress: Type.Object(
      {
        enabled: bool('Expose the application: Ingresses or HTTPRoutes, by traffic.provider.'),
        className: str('IngressClass name (traffic.provider ingress).', patterns.dnsSubdomain),
        hosts: Type.Array(
          Type.Object(
            {
              host: str('Host name.', patterns.dnsSubdomain, { maxLength: 253 }),
              paths: Type.Array(IngressPath, { minItems: 1, description: 'Paths routed to the application.' }),
            },
            closed,
          ),
          { description: 'Hosts and paths.' },
        ),
        tls: Type.Object(
          {
            enabled: bool('Serve HTTPS and redirect HTTP to it: a cert-manager certificate on the Ingress, or the Gateway’s https listener (its own certificate) for HTTPRoutes.'),
            clusterIssuer: str('cert-manager ClusterIssuer (e.g. letsencrypt-staging, letsencrypt-production).', patterns.dnsSubdomain),
            secretName: str('Secret cert-manager writes the certificate to.', patterns.dnsSubdomain),
            hosts: Type.Array(str('Host covered by the certificate.', patterns.dnsSubdomain), {
              description: 'Hosts covered by the certificate; each must be one of the ingress hosts.',
            }),
          },
          closed,
        ),
        rateLimit: Type.Object(
          {
            requestsPerSecond: int('Requests per second allowed per client IP.', 1, 100000),
            burstMultiplier: int('Burst allowed above the rate, as a multiple of it.', 1, 100),
            connections: int('Concurrent connections allowed per client IP.', 1, 100000),
          },
          { ...closed, description: 'Rate limiting per client IP (Gateway API: requestsPerSecond only, as an Envoy Gateway BackendTrafficPolicy).' },
        ),
        hstsMaxAgeSeconds: int('Strict-Transport-Security max-age, in seconds (two years: 63072000), with includeSubDomains.', 0, 63072000),
        hstsPreload: bool('Add preload to Strict-Transport-Security (for the browsers’ HSTS preload list: a max-age of at least one year; leaving the list takes months).'),
        websocketTimeoutSeconds: int('Proxy read and send timeouts (Gateway API: the request timeout), long enough for websockets.', 1, 86400),
        adminPaths: Type.Object(
          {
            paths: Type.Array(str('Path reserved for administrators (what an HTTPRoute and an Ingress accept).', patterns.routePath), {
              description: 'Paths served only to the allowed source ranges (a separate Ingress, or an HTTPRoute with an Envoy Gateway SecurityPolicy).',
            }),
            allowedCidrs: Type.Array(str('Source network allowed on the admin paths.', patterns.cidr)),
            requestsPerSecond: int('Requests per second allowed per client IP on the admin paths (their own limit, not the application’s).', 1, 100000),
            basicAuth: Type.Optional(BasicAuthSchema),
          },
          { ...closed, description: 'Paths for administrators: their own route or Ingress, allowed networks and rate limit.' },
        ),
        cors: CorsSchema,
        annotations: annotations('Extra annotations on the Ingress (traffic.provider ingress).'),
      },
      { ...closed, description: 'The public entry, by traffic.provider: Ingresses (NGINX ingress controller, cert-manager) or HTTPRoutes on the platform Gateway (README: Traffic entry).' },
    ),
    networkPolicy: Type.Object(
      {
        enabled: bool('Create NetworkPolicies: deny by default, then allow DNS, the ingress controller or the Gateway’s proxies, monitoring and dependencies.'),
        ingressControllerNamespace: str('Namespace of the ingress controller allowed to reach the http port (traffic.provider ingress).', patterns.dnsLabel),
        monitoringNamespace: str('Namespace whose Prometheus may scrape the metrics.', patterns.dnsLabel),
        dnsNamespace: str('Namespace of the cluster DNS (kube-dns).', patterns.dnsLabel),
        dependencies: Type.Array(Dependency, { description: 'The only destinations the application may connect to.' }),
        extraIngress: Type.Array(ExtraIngressRule, {
          description: 'More sources admitted to the application’s pods, exactly as written (NetworkPolicy <fullname>-extra-ingress): each rule its sources and ports.',
        }),
        extraEgress: Type.Array(ExtraEgressRule, {
          description: 'More destinations the application’s pods may connect to, exactly as written (NetworkPolicy <fullname>-extra-egress): each rule its destinations and ports.',
        }),
        dependents: Type.Optional(
          Type.Array(Dependent, {
            description: 'Applications of the platform that connect to this one, allowed in on the http port: derived by synth from their `dependencies` (not written in values/).',
          }),
        ),
      },
      { ...closed, description: 'Network isolation.' },
    ),
    createNamespace: bool(
      'Write the Namespace object (with its Pod Security labels) into the plain manifests; Helm never creates the release namespace. Off where another chart or the platform creates the namespace.',
    ),
    quota: Type.Object(
      {
        enabled: bool('Create the ResourceQuota of the namespace (off for all charts of a namespace but one, e.g. in an umbrella chart).'),
        requests: ResourceSet('requested in total in the namespace'),
        limits: ResourceSet('limit in total in the namespace'),
        pods: int('Most pods in the namespace.', 1, 10000),
      },
      { ...closed, description: 'ResourceQuota of the namespace.' },
    ),
    limitRange: Type.Object(
      {
        enabled: bool('Create the LimitRange of the namespace (off for all charts of a namespace but one, e.g. in an umbrella chart).'),
        defaultRequest: ResourceSet('request for containers that set none'),
        default: ResourceSet('limit for containers that set none'),
      },
      { ...closed, description: 'LimitRange defaults of the namespace.' },
    ),
    rollout: RolloutSettings,
    helmTest: Type.Object(
      {
        image: pinnedImage('Image of the `helm test` pod that calls the Service (tag or digest required; "latest" is refused).'),
      },
      { ...closed, description: '`helm test` hook.' },
    ),
    // Issue 14: backups (lib/backup/values-schema.ts) and secret sources (lib/secrets/values-schema.ts).
    backups: backupsSchema,
    secrets: secretsSchema,
    traffic: TrafficSchema,
    ...dependencyKeys(GLOBAL_VALUES),
  },
  { ...closed, $id: 'https://platform.example/schemas/app-values.json', title: 'Application chart values' },
);

export type AppValues = Static<typeof AppValuesSchema>;

/** Chart.yaml metadata of every chart (what a chart repository and Artifact Hub show): values/base.yaml only. */
const ChartLinksSchema = Type.Object(
  {
    home: str('Home page of the charts (Chart.yaml home).', patterns.url),
    sources: Type.Array(str('A source repository.', patterns.url), { minItems: 1, description: 'Where the charts come from (Chart.yaml sources).' }),
    icon: str('Icon of the charts, an SVG or PNG by URL (Chart.yaml icon).', patterns.url),
  },
  { ...closed, description: 'Chart.yaml home, sources and icon of every chart; only in base.yaml (the same in every environment).' },
);

export type ChartLinks = Static<typeof ChartLinksSchema>;

/** The platform values files (values/base.yaml and one overlay per environment). */
export const PlatformFileSchema = Type.Object(
  {
    defaults: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Values applied to every application.' })),
    applications: Type.Optional(keyedMap(applicationNameSchema(), Type.Record(Type.String(), Type.Unknown()), 'Applications by name; each is merged over the defaults.')),
    monitoring: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Monitoring stack values.' })),
    environment: Type.Optional(EnvironmentSettingsSchema),
    gitops: Type.Optional(GitOpsSettingsSchema),
    global: Type.Optional(Type.Object(GLOBAL_VALUES, { ...closed, description: 'Values given to every application chart as its `global` (Helm’s shared values): imagePullSecrets.' })),
    charts: Type.Optional(ChartLinksSchema),
    prerequisites: Type.Optional(PrerequisitesSchema),
  },
  closed,
);
