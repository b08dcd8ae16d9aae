/**
 * Grafana (standalone mode): Prometheus and Loki data sources and the dashboards provisioned from
 * ConfigMaps, admin credentials from an existing Secret, no sign-up, no org creation, no anonymous
 * access, served under the ingress path (e.g. https://ops.example.com/monitoring/; its routes:
 * routes.ts).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { type Expr, and, fmt, ifElse, release, sha256OfJson } from '../../template/expr';
import { when } from '../../template/manifest';
import { listOf, quantities } from '../../template/functions';
import { interpolatedText } from '../../template/text';
import { cachedText } from './cached-text';
import { concatenatedText, listItems, optionalText } from './composed-text';
import { writeYaml } from '../../template/yaml-writer';
import { type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, metadata, claimSpec, podSecurity, publicUrl, selectorLabels, standalone } from './common';
import type { DashboardConfigMap } from './dashboards';
import { PORTS, prometheusInClusterUrl } from './ports';

const DASHBOARDS_DIR = '/var/lib/grafana/dashboards';

/** Provisioning of the dashboards: every file in the mounted directory, read-only in the UI. */
const DASHBOARD_PROVIDERS = writeYaml({
  apiVersion: 1,
  providers: [
    {
      name: 'platform',
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 60,
      options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
    },
  ],
});

export interface GrafanaProps extends MonitoringProps {
  readonly dashboards: readonly DashboardConfigMap[];
}

export class Grafana extends Construct {
  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const v = props.values;
    const g = v.grafana;
    const ing = v.ingress;
    const condition = standalone(v);
    const version = g.image.tag;

    const datasourcesInput = { namespace: release.namespace };
    const mainDatasources = cachedText(
      datasourcesInput,
      interpolatedText({
        name: 'Grafana data sources',
        format: 'yaml',
        input: datasourcesInput,
        build: ({ namespace }) => ({
          apiVersion: 1,
          datasources: [
            {
              name: 'Prometheus',
              type: 'prometheus',
              uid: 'prometheus',
              access: 'proxy',
              url: prometheusInClusterUrl(namespace),
              isDefault: true,
              editable: false,
            },
            { name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: `http://loki.${namespace}.svc:${PORTS.loki}`, editable: false },
          ],
        }),
        shape: props.defaults,
      }),
    );
    // Tempo, where the stack keeps traces (tracing.ts): appended to the list when it runs.
    const tempo = interpolatedText({
      name: 'Grafana data source Tempo',
      format: 'yaml',
      input: datasourcesInput,
      build: ({ namespace }) => ({
        datasources: [
          {
            name: 'Tempo',
            type: 'tempo',
            uid: 'tempo',
            access: 'proxy',
            url: `http://tempo.${namespace}.svc:${PORTS.tempo}`,
            editable: false,
            // From a span to the logs of its service's pods at that time.
            jsonData: { tracesToLogsV2: { datasourceUid: 'loki', spanStartTimeShift: '-5m', spanEndTimeShift: '5m', filterByTraceID: true } },
          },
        ],
      }),
      shape: props.defaults,
    });
    const datasources = concatenatedText(mainDatasources, optionalText(v.tracing.enabled, listItems('datasources', tempo)));
    k8sObject(
      this,
      'Provisioning',
      'grafana-provisioning.yaml',
      k8s.KubeConfigMap,
      {
        metadata: metadata('grafana-provisioning', 'grafana', version),
        data: { 'datasources.yaml': datasources, 'dashboards.yaml': DASHBOARD_PROVIDERS },
      },
      { condition },
    );

    const rootUrl = publicUrl(v, ing.path);
    const env = (name: string, value: string | Expr) => ({ name, value });
    const secretEnv = (name: string, key: Expr) => ({ name, valueFrom: { secretKeyRef: { name: g.adminSecret.name, key } } });

    k8sObject(
      this,
      'Deployment',
      'grafana-deployment.yaml',
      k8s.KubeDeployment,
      {
        metadata: metadata('grafana', 'grafana', version),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          // One pod with a local SQLite database: replace it rather than run two side by side.
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selectorLabels('grafana') },
          template: {
            metadata: {
              labels: labels('grafana', version),
              annotations: { 'checksum/config': sha256OfJson(listOf([...datasources.checksumInputs(), ...props.dashboards.map((d) => d.checksum)])) },
            },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(472),
              containers: [
                {
                  name: 'grafana',
                  image: image(g.image),
                  ports: [{ name: 'http', containerPort: PORTS.grafana, protocol: 'TCP' }],
                  env: [
                    secretEnv('GF_SECURITY_ADMIN_USER', g.adminSecret.userKey),
                    secretEnv('GF_SECURITY_ADMIN_PASSWORD', g.adminSecret.passwordKey),
                    env('GF_USERS_ALLOW_SIGN_UP', 'false'),
                    env('GF_USERS_ALLOW_ORG_CREATE', 'false'),
                    env('GF_AUTH_ANONYMOUS_ENABLED', 'false'),
                    env('GF_SERVER_ROOT_URL', rootUrl),
                    env('GF_SERVER_SERVE_FROM_SUB_PATH', 'true'),
                    env('GF_SECURITY_COOKIE_SECURE', ifElse(ing.tls.enabled, 'true', 'false')),
                    env('GF_SECURITY_DISABLE_GRAVATAR', 'true'),
                    env('GF_ANALYTICS_REPORTING_ENABLED', 'false'),
                    env('GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'),
                    env('GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', 'false'),
                    env('GF_LOG_MODE', 'console'),
                    env('GF_PATHS_DATA', '/var/lib/grafana'),
                    env('GF_PATHS_PROVISIONING', '/etc/grafana/provisioning'),
                    // Sessions (the documents: 10 minutes unused), and every request logged with its user.
                    env('GF_AUTH_LOGIN_MAXIMUM_INACTIVE_LIFETIME_DURATION', g.session.inactiveLifetime),
                    env('GF_AUTH_LOGIN_MAXIMUM_LIFETIME_DURATION', g.session.maximumLifetime),
                    env('GF_SERVER_ROUTER_LOGGING', ifElse(g.auditLog, 'true', 'false')),
                  ],
                  // Served from the sub path: every URL, the health endpoint included, starts with it.
                  startupProbe: httpProbe(fmt`${ing.path}/api/health`, 'http', 5, 30),
                  livenessProbe: httpProbe(fmt`${ing.path}/api/health`, 'http'),
                  readinessProbe: httpProbe(fmt`${ing.path}/api/health`, 'http', 5),
                  resources: quantities(g.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [
                    { name: 'data', mountPath: '/var/lib/grafana' },
                    { name: 'tmp', mountPath: '/tmp' },
                    { name: 'provisioning', mountPath: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml', readOnly: true },
                    { name: 'provisioning', mountPath: '/etc/grafana/provisioning/dashboards/dashboards.yaml', subPath: 'dashboards.yaml', readOnly: true },
                    { name: 'dashboards', mountPath: DASHBOARDS_DIR, readOnly: true },
                  ],
                },
              ],
              volumes: [
                // Dashboards and data sources are provisioned; users, preferences and annotations are
                // kept on a claim where the environment asks (persistence), else start empty.
                when(g.persistence.enabled, { name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } }, { name: 'data', emptyDir: { sizeLimit: '1Gi' } }),
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
                { name: 'provisioning', configMap: { name: 'grafana-provisioning' } },
                { name: 'dashboards', projected: { sources: props.dashboards.map((d) => ({ configMap: { name: d.name } })) } },
              ],
            },
          },
        },
      },
      { condition },
    );

    k8sObject(
      this,
      'PersistentVolumeClaim',
      'grafana-pvc.yaml',
      k8s.KubePersistentVolumeClaim,
      // Kept by `helm uninstall` (its data outlives the release, as a StatefulSet's claims do).
      { metadata: { ...metadata('grafana-data', 'grafana', version), annotations: { 'helm.sh/resource-policy': 'keep' } }, spec: claimSpec(g.persistence) },
      { condition: and(condition, g.persistence.enabled) },
    );

    k8sObject(
      this,
      'Service',
      'grafana-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata('grafana', 'grafana', version),
        spec: { type: 'ClusterIP', selector: selectorLabels('grafana'), ports: [{ name: 'http', port: PORTS.grafana, targetPort: 'http', protocol: 'TCP' }] },
      },
      { condition },
    );
  }
}
