/**
 * The values of the monitoring chart: validates the `monitoring:` sections of values/*.yaml at synth
 * time, is the chart's values.schema.json, documents values.yaml and the README, and types the
 * constructs in lib/monitoring/stack. Closed objects: an unknown key is an error.
 *
 * `applications`, `dataStores`, `environment` and `traffic` are never written under `monitoring:` in
 * values/: synth derives them from the application values and the environment settings
 * (lib/monitoring/stack/release-values.ts), so they are written once.
 */
import { MAX_APPLICATION_NAME } from '../values/platform-names';
import { type Static, type TObject, Type } from '@sinclair/typebox';
import { dependencyKeys, keyedMap, labelMap } from '../values/kubernetes-names';
import { notLatestTag, patterns, quantity, str } from '../values/schema-primitives';
import { TrafficSchema } from '../values/traffic';
import { BasicAuthSchema } from '../traffic/basic-auth';
import { AlertThresholdsSchema, builtInAlertNames } from './alert-rules';
import { logAlertNames } from './rules/logs';
import { AlertmanagerValuesSchema } from './alertmanager-config';
import { VeleroValuesSchema } from '../backup/velero-values-schema';
import { SYSTEM_NAMESPACES } from '../values/system-namespaces';
import { CertManagerValuesSchema } from '../certificates/values-schema';
import { DataStoresSchema } from './data-stores/values-schema';
import { ExtraScrapeConfigsSchema, PrometheusExtraEgressSchema } from './stack/extra-scrape-configs';
import { ExtraRuleGroupSchema, ExtraRuleSchema } from './rules/extra-rules';

const closed = { additionalProperties: false } as const;

const int = (description: string, minimum: number, maximum: number) => Type.Integer({ description, minimum, maximum });
const bool = (description: string) => Type.Boolean({ description });
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });
const object = <T extends Parameters<typeof Type.Object>[0]>(description: string, properties: T) => Type.Object(properties, { ...closed, description });

const Image = (what: string) =>
  object(`Container image of ${what}.`, {
    repository: str('Image repository, without tag or digest.', patterns.repository),
    tag: Type.String({ description: 'Image tag, pinned; "latest" is refused.', pattern: patterns.tag, not: notLatestTag }),
  });

const ResourceSet = (what: string) =>
  object(`Resources ${what}.`, {
    cpu: quantity('CPU, e.g. 250m.'),
    memory: quantity('Memory, e.g. 256Mi.'),
  });

const Resources = (what: string) => object(`Container resources of ${what}.`, { requests: ResourceSet('requested'), limits: ResourceSet('limit') });

const Storage = (what: string) =>
  object(`Persistent volume of ${what} (one PersistentVolumeClaim per pod).`, {
    size: quantity('Requested size, e.g. 20Gi.'),
    storageClassName: str('StorageClass; empty means the cluster default.', '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$'),
  });

/** A volume kept across pod restarts where the environment asks for one, an emptyDir otherwise. */
const Persistence = (what: string, kept: string) =>
  object(`Persistent volume of ${what} (${kept}); off: an emptyDir, lost with the pod.`, {
    enabled: bool(`Keep ${what}'s data on a PersistentVolumeClaim.`),
    size: str('Requested size, e.g. 1Gi.', patterns.quantity),
    storageClassName: str('StorageClass; empty means the cluster default.', '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$'),
  });

/** A Grafana duration (number and unit: m, h, d, w). */
const grafanaDuration = (description: string) => str(description, '^[1-9][0-9]{0,5}(m|h|d|w)$');

/** A component: its image and resources, plus what else it needs. */
const Component = <T extends Parameters<typeof Type.Object>[0]>(what: string, description: string, extra: T) => object(description, { image: Image(what), resources: Resources(what), ...extra });

const url = (description: string) => str(description, patterns.url);

/** One application as scraped and probed: derived by synth from the application values. */
const Application = object('An application to scrape and probe.', {
  monitored: bool('Whether this release scrapes and probes the application (its metrics.enabled in that environment).'),
  namespace: str('Namespace the application runs in.', patterns.dnsLabel),
  selector: labelMap('Selector labels of its Service and pods (app.kubernetes.io/name and instance).'),
  port: Type.String({
    description: 'Name (not number) of the Service and container port serving the metrics: the Prometheus configuration selects the container port by name.',
    pattern: patterns.portName,
    maxLength: 15,
  }),
  metricsPath: str('HTTP path of the metrics endpoint.', patterns.httpPath),
  scrapeInterval: str('How often it is scraped (its metrics.scrapeInterval).', patterns.duration),
  rules: Type.Array(ExtraRuleSchema, { description: 'Its own alerting and recording rules (its metrics.rules), evaluated as the group application.<name>.' }),
  tracesToStack: bool('Whether it sends its traces to the stack’s collector (its tracing.collector: monitoring): the collector’s NetworkPolicy admits its pods.'),
  publicUrls: Type.Array(url('A public URL.'), { description: 'Public URLs probed through the Ingress.' }),
  healthUrls: Type.Array(url('A health URL.'), { description: 'Health endpoints probed inside the cluster.' }),
});

const withAlertmanagerDeployment = <T extends TObject>(schema: T) =>
  Type.Composite(
    [
      schema,
      Type.Object({
        replicas: int('Alertmanager pods, clustered (gossip on port 9094); 2 or more for high availability.', 1, 5),
        secretName: str("Existing Secret with the receivers' credentials, mounted at secretsDir (never created by the chart).", patterns.dnsSubdomain),
        image: Image('Alertmanager'),
        resources: Resources('Alertmanager'),
        persistence: Persistence('Alertmanager', 'silences and the notification log, each pod its own claim'),
      }),
    ],
    { ...closed, description: 'Alertmanager: routing and receivers (configuration), and its StatefulSet.' },
  );

export const MonitoringValuesSchema = Type.Object(
  {
    environment: str('Environment of this release (set by synth from the values file name).', patterns.dnsLabel),
    mode: oneOf(['standalone', 'operator'], 'standalone: the whole stack in this namespace; operator: ServiceMonitors, a PrometheusRule and dashboard ConfigMaps for a Prometheus Operator.'),
    nodeNamespace: str(
      'Namespace of the node agents (node-exporter, Alloy), labelled Pod Security "privileged" (standalone mode; created with the plain manifests); never a namespace of the cluster itself or of an application.',
      patterns.dnsLabel,
      {
        not: { enum: [...SYSTEM_NAMESPACES], description: `is a namespace of the cluster itself (${SYSTEM_NAMESPACES.join(', ')}): the chart would own it, deny its traffic and label it privileged` },
      },
    ),
    applications: keyedMap(Type.String({ pattern: patterns.dnsLabel, maxLength: MAX_APPLICATION_NAME }), Application, 'Applications scraped and probed, by name (derived by synth from the application values).'),
    argoRollouts: object(
      'The Argo Rollouts controller, when applications release with canary or blue-green (lib/delivery/): it queries Prometheus for their analysis, and Prometheus scrapes its metrics (rollout alerts).',
      {
        enabled: bool('The cluster runs the controller; required when an application’s rollout.strategy is canary or blueGreen (synth checks it).'),
        namespace: str('Namespace of the controller (pods labelled app.kubernetes.io/name: argo-rollouts).', patterns.dnsLabel),
        metricsPort: int('Port of the controller’s metrics (Service argo-rollouts-metrics).', 1, 65535),
      },
    ),
    runbookBaseUrl: str('Base URL of the runbooks, without trailing slash; each alert links to <base>/<alert name>.', patterns.urlWithoutTrailingSlash),
    alerts: AlertThresholdsSchema,
    rules: object('The rules beside the built-in alert thresholds, as kube-prometheus-stack’s users know them (defaultRules.disabled).', {
      disabled: Type.Object(Object.fromEntries([...builtInAlertNames, ...logAlertNames].map((name) => [name, Type.Optional(bool(`Switch ${name} off (README "Alerts").`))])), {
        ...closed,
        description: 'Built-in alerts switched off, by name (true: not evaluated); an unknown name is refused.',
      }),
      groups: Type.Array(ExtraRuleGroupSchema, {
        description: 'Rule groups of the platform beside the built-in ones (additionalPrometheusRulesMap): Prometheus rules, alerts with a priority (P0, P1, P2); checked by promtool at synth time.',
      }),
    }),
    alertmanager: withAlertmanagerDeployment(AlertmanagerValuesSchema),
    prometheus: Component('Prometheus', 'Prometheus (standalone mode).', {
      scrapeInterval: str('How often targets are scraped.', patterns.duration),
      evaluationInterval: str('How often rules are evaluated.', patterns.duration),
      retention: object('How long and how much data the TSDB keeps (the first limit reached applies).', {
        time: str('--storage.tsdb.retention.time, e.g. 30d.', patterns.duration),
        size: str('--storage.tsdb.retention.size, e.g. 20GB (B, KB, MB, GB, TB).', '^[0-9]+(B|KB|MB|GB|TB|PB)$'),
      }),
      storage: Storage('Prometheus'),
      extraScrapeConfigs: ExtraScrapeConfigsSchema,
    }),
    grafana: Component('Grafana', 'Grafana (standalone mode), served under the ingress path.', {
      adminSecret: object('Existing Secret holding the admin credentials (never created by the chart).', {
        name: str('Secret name.', patterns.dnsSubdomain),
        userKey: str('Key of the admin user name.', '^[-._a-zA-Z0-9]+$'),
        passwordKey: str('Key of the admin password.', '^[-._a-zA-Z0-9]+$'),
      }),
      persistence: Persistence('Grafana', 'its database: users, preferences, annotations; dashboards and data sources are provisioned'),
      session: object('How long a login lasts (Grafana [auth]).', {
        inactiveLifetime: grafanaDuration('A session unused this long ends (login_maximum_inactive_lifetime_duration; the documents: 10m).'),
        maximumLifetime: grafanaDuration('A session ends this long after login, used or not (login_maximum_lifetime_duration).'),
      }),
      auditLog: bool('Log every request with its user (router logging, to the pod log that Loki keeps): Grafana OSS has no audit log of its own (an Enterprise feature).'),
    }),
    ingress: object(
      'The routes into the stack (standalone mode), on the provider of traffic.provider (HTTPRoutes or Ingresses): the Grafana path (public), /prometheus and /alertmanager (admins only), the health endpoint.',
      {
        enabled: bool('Expose Grafana, Prometheus and Alertmanager.'),
        className: str('IngressClass name (traffic.provider ingress).', patterns.dnsSubdomain),
        host: str('Host name.', patterns.dnsSubdomain),
        path: str('Sub path Grafana is served under, without trailing slash (Prometheus and Alertmanager are under /prometheus and /alertmanager).', patterns.subPath),
        healthPath: str('Public health endpoint of the stack: answered by Grafana’s /api/health (its database and version), e.g. for an external uptime check.', patterns.subPath),
        tls: object('TLS with a certificate issued by cert-manager (traffic.provider ingress; the Gateway’s listener holds its own).', {
          enabled: bool('Terminate TLS (and redirect HTTP to HTTPS).'),
          clusterIssuer: str('cert-manager ClusterIssuer.', patterns.dnsSubdomain),
          secretName: str('Secret cert-manager writes the certificate to.', patterns.dnsSubdomain),
        }),
        hstsMaxAgeSeconds: int('Strict-Transport-Security max-age of every route, in seconds (two years: 63072000), with includeSubDomains.', 0, 63072000),
        hstsPreload: bool('Add preload to Strict-Transport-Security (for the browsers’ HSTS preload list: a max-age of at least one year).'),
        websocketTimeoutSeconds: int('Request timeout of the Grafana route, long enough for Grafana Live’s WebSockets (nginx: proxy read and send timeouts).', 1, 86400),
        grafana: object('The public Grafana route.', {
          requestsPerSecond: int('Requests per second allowed per client IP.', 1, 100000),
        }),
        admin: object('The admin routes, /prometheus and /alertmanager.', {
          requestsPerSecond: int('Requests per second allowed per client IP.', 1, 100000),
          allowedCidrs: Type.Array(str('A source network allowed on the admin routes.', patterns.cidr), {
            minItems: 1,
            description: 'The only source networks served (at least one: an empty list would let the ingress controller serve everyone).',
          }),
          basicAuth: Type.Optional(BasicAuthSchema),
        }),
      },
    ),
    traffic: TrafficSchema,
    tracing: object(
      'Traces (standalone mode): an OpenTelemetry Collector receiving OTLP from the applications (their tracing.collector: monitoring) and storing the traces in Tempo, which Grafana queries (lib/monitoring/stack/tracing.ts).',
      {
        enabled: bool('Run the collector and Tempo; false: no trace endpoint in the stack (applications then name another collector, or trace nothing).'),
        collector: Component('the OpenTelemetry Collector', 'The OpenTelemetry Collector (core distribution): OTLP over gRPC (4317) and HTTP (4318) in, Tempo out.', {}),
        tempo: Component('Tempo', 'Tempo single binary, traces on its volume.', {
          retention: str('How long traces are kept (compactor block_retention), e.g. 72h.', '^[0-9]+h$'),
          storage: Storage('Tempo'),
        }),
      },
    ),
    loki: Component('Loki', 'Loki single binary with filesystem storage (standalone mode).', {
      retention: str('How long logs are kept, e.g. 168h (hours).', '^[0-9]+h$'),
      limits: object('Ingestion limits (limits_config), per tenant: the stack has one.', {
        ingestionRateMB: int('ingestion_rate_mb: megabytes per second Loki accepts (the documents: 100).', 1, 10000),
        ingestionBurstSizeMB: int('ingestion_burst_size_mb: megabytes a burst may bring above the rate.', 1, 10000),
      }),
      storage: Storage('Loki'),
    }),
    alloy: Component('Grafana Alloy', 'Grafana Alloy on every node, shipping pod logs to Loki (standalone mode).', {}),
    nodeExporter: Component('node-exporter', 'node-exporter on every node (standalone mode).', {}),
    kubeStateMetrics: Component('kube-state-metrics', 'kube-state-metrics (standalone mode).', {}),
    blackboxExporter: Component('blackbox-exporter', 'blackbox-exporter probing the applications’ URLs and the data stores’ addresses (standalone mode).', {}),
    edge: object(
      'The entry of the environment’s traffic provider, scraped for the edge alerts and dashboard (lib/monitoring/rules/edge.ts): Envoy Gateway’s proxy pods (traffic.gateway.proxies) or the ingress-nginx controller (in networkPolicy.ingressControllerNamespace).',
      {
        envoyMetricsPort: int('Port of the Envoy proxies’ Prometheus endpoint (/stats/prometheus; Envoy Gateway: 19001).', 1, 65535),
        ingressNginx: object('The ingress-nginx controller (traffic.provider ingress).', {
          // At least one: Prometheus' NetworkPolicy and scrape job select the controller by them (an empty selector matches every pod of its namespace).
          podLabels: Type.Unsafe<Record<string, string>>({
            ...labelMap('Labels of the controller pods (at least one), e.g. app.kubernetes.io/name: ingress-nginx and app.kubernetes.io/component: controller.'),
            minProperties: 1,
          }),
          metricsPort: int('Port of the controller’s metrics (/metrics; ingress-nginx: 10254).', 1, 65535),
        }),
      },
    ),
    // Issue 21: the data stores the applications depend on, and their exporters (lib/monitoring/data-stores/).
    dataStores: DataStoresSchema,
    postgresExporter: Component('postgres_exporter', 'postgres_exporter, one per PostgreSQL data store (dataStores.postgresql).', {}),
    redisExporter: Component('redis_exporter', 'redis_exporter, one per Redis data store (dataStores.redis).', {}),
    operator: object('Prometheus Operator integration (operator mode).', {
      selectorLabels: labelMap('Labels the operator selects ServiceMonitors and PrometheusRules by, e.g. release: kube-prometheus-stack.'),
      dashboardLabels: labelMap('Labels of the dashboard ConfigMaps, which the Grafana sidecar selects them by, e.g. grafana_dashboard: "1".'),
    }),
    networkPolicy: object('NetworkPolicies of the monitoring namespaces (standalone mode).', {
      enabled: bool('Deny by default, then allow only the flows the stack needs.'),
      ingressControllerNamespace: str('Namespace of the ingress controller allowed to reach Grafana, Prometheus and Alertmanager (traffic.provider ingress).', patterns.dnsLabel),
      dnsNamespace: str('Namespace of the cluster DNS (kube-dns).', patterns.dnsLabel),
      nodeCidr: str('Network of the nodes: kubelet (10250) and node-exporter (9100) scrapes.', patterns.cidr),
      apiServer: object('The Kubernetes API server, for service discovery and kube-state-metrics.', {
        cidr: str('Network of the API server endpoints.', patterns.cidr),
        port: int('Port of the API server endpoints.', 1, 65535),
      }),
      alertmanagerEgressCidrs: Type.Array(str('A network outside the cluster.', patterns.cidr), {
        description:
          "Networks of Alertmanager's receivers (the SMTP smarthost, Slack, PagerDuty, the webhook and watchdog URLs): a NetworkPolicy cannot name a host. Reached on the ports of the receivers enabled; empty: none.",
      }),
      prometheusExtraEgress: PrometheusExtraEgressSchema,
      blackboxEgressCidrs: Type.Array(str('A network outside the cluster.', patterns.cidr), {
        description: "Networks the applications' public URLs resolve to (the load balancer), probed by blackbox-exporter on ports 80 and 443; empty: none.",
      }),
    }),
    // Issue 14: the cluster's ACME issuer and the Velero backups of the stack's volumes.
    certManager: CertManagerValuesSchema,
    velero: VeleroValuesSchema,
    ...dependencyKeys(),
  },
  { ...closed, $id: 'https://platform.example/schemas/monitoring-values.json', title: 'Monitoring chart values' },
);

export type MonitoringValues = Static<typeof MonitoringValuesSchema>;
export type MonitoringApplication = MonitoringValues['applications'][string];
