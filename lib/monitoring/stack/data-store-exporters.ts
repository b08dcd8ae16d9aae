/**
 * The data stores' exporters (both modes), one per data store of `dataStores` (derived by synth
 * from the applications' dependencies with a kind: lib/monitoring/data-stores/):
 * - PostgreSQL: postgres_exporter, connecting to `<host>:<port>/<database>?sslmode=<sslMode>` as the
 *   user and password of `credentialsSecret` (DATA_SOURCE_URI, DATA_SOURCE_USER, DATA_SOURCE_PASS);
 * - Redis: redis_exporter, connecting to `redis://<host>:<port>` (REDIS_ADDR), with REDIS_PASSWORD and
 *   REDIS_USER from `credentialsSecret` when there is one.
 * Each is a Deployment and a Service `<kind>-exporter-<name>` and a NetworkPolicy of the same name:
 * scraped by Prometheus only, and reaching only its data store, on its port, at the dependency's
 * network (cidr) or namespace and pods. The Secret is an existing one in the monitoring namespace.
 * Prometheus scrapes them as the jobs `postgresql` and `redis`, their series labelled `data_store`
 * (lib/monitoring/prometheus-config.ts); blackbox-exporter probes each address (tcp_connect).
 * In operator mode the exporters run the same, and a ServiceMonitor per exporter gives its series the
 * same `job` and `data_store` labels (relabelings), so that the PrometheusRule's alerts read them; the
 * TCP probe and the NetworkPolicies are the standalone stack's (operator mode writes neither).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { type Expr, and, fmt, release } from '../../template/expr';
import { quantities } from '../../template/functions';
import { spread } from '../../template/manifest';
import { ServiceMonitor } from '../../../imports/monitoring.coreos.com';
import { type Refs, when } from '../../template/manifest';
import type { Manifest } from '../../template/typed';
import type { DataStoreKind } from '../data-stores/values-schema';
import { EXPORTER_PREFIX } from '../data-stores/values-schema';
import type { MonitoringValues } from '../values-schema';
import { type Component, type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, metadata, operatorMode, podSecurity, selectorLabels, standalone } from './common';
import { PORTS } from './ports';

const NOBODY = 65534;

type Store = Refs<MonitoringValues['dataStores']['postgresql'][string]> | Refs<MonitoringValues['dataStores']['redis'][string]>;

/** The exporter's port of each kind. */
export const EXPORTER_PORT: Readonly<Record<DataStoreKind, number>> = { postgresql: PORTS.postgresExporter, redis: PORTS.redisExporter };

/** The name of a data store's exporter objects (and its pods' app.kubernetes.io/name). */
export function exporterName(kind: DataStoreKind, store: string): Component {
  return `${EXPORTER_PREFIX[kind]}${store}` as Component;
}

/** Where a data store is: its network, or its namespace (and pods) in the cluster. */
export function dataStorePeer(store: Store) {
  return when(store.cidr, { ipBlock: { cidr: store.cidr } }, { namespaceSelector: { matchLabels: store.namespaceLabels }, podSelector: when(store.podLabels, { matchLabels: store.podLabels }) });
}

function secretRef(name: Expr<string>, key: Expr<string>) {
  return { secretKeyRef: { name, key } };
}

function postgresEnv(store: Refs<MonitoringValues['dataStores']['postgresql'][string]>): Manifest<k8s.EnvVar[]> {
  const credentials = store.credentialsSecret;
  return [
    { name: 'DATA_SOURCE_URI', value: fmt`${store.host}:${store.port}/${store.database}?sslmode=${store.sslMode}` },
    { name: 'DATA_SOURCE_USER', valueFrom: secretRef(credentials.name, credentials.usernameKey) },
    { name: 'DATA_SOURCE_PASS', valueFrom: secretRef(credentials.name, credentials.passwordKey) },
  ];
}

function redisEnv(store: Refs<MonitoringValues['dataStores']['redis'][string]>): Manifest<k8s.EnvVar[]> {
  const credentials = store.credentialsSecret;
  return [
    { name: 'REDIS_ADDR', value: fmt`redis://${store.host}:${store.port}` },
    when(credentials, { name: 'REDIS_PASSWORD', valueFrom: secretRef(credentials.name, credentials.passwordKey) }),
    when(and(credentials, credentials.usernameKey), { name: 'REDIS_USER', valueFrom: secretRef(credentials.name, credentials.usernameKey) }),
  ];
}

export class DataStoreExporters extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    for (const name of props.dataStores.postgresql) {
      const store = v.dataStores.postgresql[name];
      this.exporter(props, 'postgresql', name, store, postgresEnv(store), v.postgresExporter);
    }
    for (const name of props.dataStores.redis) {
      const store = v.dataStores.redis[name];
      this.exporter(props, 'redis', name, store, redisEnv(store), v.redisExporter);
    }
  }

  private exporter(props: MonitoringProps, kind: DataStoreKind, storeName: string, store: Store, env: Manifest<k8s.EnvVar[]>, settings: Refs<MonitoringValues['postgresExporter']>) {
    const v = props.values;
    const name = exporterName(kind, storeName);
    const condition = store.monitored;
    const version = settings.image.tag;
    const port = EXPORTER_PORT[kind];
    const id = `${kind}-${storeName}`;

    k8sObject(
      this,
      `Deployment-${id}`,
      `${name}-deployment.yaml`,
      k8s.KubeDeployment,
      {
        metadata: metadata(name, name, version),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: { labels: labels(name, version) },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(NOBODY),
              containers: [
                {
                  name: kind === 'postgresql' ? 'postgres-exporter' : 'redis-exporter',
                  image: image(settings.image),
                  args: [`--web.listen-address=:${port}`],
                  env,
                  ports: [{ name: 'metrics', containerPort: port, protocol: 'TCP' }],
                  // The exporter answers even while its data store is down (pg_up, redis_up 0): probes check the exporter only.
                  livenessProbe: httpProbe('/', 'metrics'),
                  readinessProbe: httpProbe('/', 'metrics'),
                  resources: quantities(settings.resources),
                  securityContext: RESTRICTED_CONTAINER,
                },
              ],
            },
          },
        },
      },
      { condition },
    );

    k8sObject(
      this,
      `Service-${id}`,
      `${name}-service.yaml`,
      k8s.KubeService,
      {
        metadata: metadata(name, name, version),
        spec: { type: 'ClusterIP', selector: selectorLabels(name), ports: [{ name: 'metrics', port, targetPort: 'metrics', protocol: 'TCP' }] },
      },
      { condition },
    );

    k8sObject(
      this,
      `NetworkPolicy-${id}`,
      `networkpolicy-${name}.yaml`,
      k8s.KubeNetworkPolicy,
      {
        metadata: metadata(name, 'monitoring'),
        spec: {
          podSelector: { matchLabels: selectorLabels(name) },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: { matchLabels: selectorLabels('prometheus') } }], ports: [{ protocol: 'TCP', port }] }],
          egress: [{ to: [dataStorePeer(store)], ports: [{ protocol: 'TCP', port: store.port }] }],
        },
      },
      { condition: and(standalone(v), condition, v.networkPolicy.enabled) },
    );

    k8sObject(
      this,
      `ServiceMonitor-${id}`,
      `servicemonitor-${name}.yaml`,
      ServiceMonitor,
      {
        metadata: { name, namespace: release.namespace, labels: { ...labels(name, version), ...spread(v.operator.selectorLabels) } },
        spec: {
          namespaceSelector: { matchNames: [release.namespace] },
          selector: { matchLabels: selectorLabels(name) },
          endpoints: [
            {
              port: 'metrics',
              interval: v.prometheus.scrapeInterval,
              scheme: 'http',
              // The labels the standalone configuration gives (prometheus-config.ts), which the rules and dashboards read.
              relabelings: [
                { targetLabel: 'job', replacement: kind },
                { targetLabel: 'data_store', replacement: storeName },
              ],
            },
          ],
        },
      },
      { condition: and(operatorMode(v), condition) },
    );
  }
}
