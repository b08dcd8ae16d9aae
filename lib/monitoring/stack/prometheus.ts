/**
 * Prometheus (standalone mode): one pod with its TSDB on a persistent volume, the scrape
 * configuration and the alert rules from ConfigMaps (interpolated text: thresholds and intervals stay
 * values), and the narrowest RBAC that lets it discover and scrape:
 * - a Role in its own namespace, in each application's namespace and in the namespace of the traffic
 *   entry (the Envoy proxies' or the ingress controller's): pods, services, endpoints and
 *   endpointslices, get/list/watch;
 * - a ClusterRole only for what no namespace holds: nodes and nodes/metrics (kubelet and cAdvisor)
 *   and the /metrics URL.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { type Expr, and, fmt, ifElse, release, sha256OfJson } from '../../template/expr';
import { usesIngress } from '../../traffic/gateway-api';
import { listOf, quantities } from '../../template/functions';
import { when } from '../../template/manifest';
import type { GeneratedText } from '../../template/text';
import { type MonitoringProps, RESTRICTED_CONTAINER, clusterName, httpProbe, image, k8sObject, labels, metadata, persistentVolumeClaim, podSecurity, publicUrl, selectorLabels, standalone } from './common';
import { PORTS, SUB_PATHS } from './ports';

export const RULES_DIR = '/etc/prometheus/rules';

export interface PrometheusProps extends MonitoringProps {
  readonly config: GeneratedText;
  readonly rules: GeneratedText;
  /** The rules written in values (lib/monitoring/rules/extra-rules.ts). */
  readonly extraRules: Expr<string>;
}

export class Prometheus extends Construct {
  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const v = props.values;
    const p = v.prometheus;
    const condition = standalone(v);
    const version = p.image.tag;
    const name = 'prometheus';
    const rbacName = clusterName(name);
    const subjects = [{ kind: 'ServiceAccount', name, namespace: release.namespace }];

    k8sObject(this, 'ServiceAccount', 'prometheus-serviceaccount.yaml', k8s.KubeServiceAccount, { metadata: metadata(name, name, version), automountServiceAccountToken: true }, { condition });

    k8sObject(
      this,
      'ClusterRole',
      'prometheus-clusterrole.yaml',
      k8s.KubeClusterRole,
      {
        metadata: { name: rbacName, labels: labels(name, version) },
        rules: [
          { apiGroups: [''], resources: ['nodes', 'nodes/metrics'], verbs: ['get', 'list', 'watch'] },
          { nonResourceURLs: ['/metrics'], verbs: ['get'] },
        ],
      },
      { condition },
    );
    k8sObject(
      this,
      'ClusterRoleBinding',
      'prometheus-clusterrolebinding.yaml',
      k8s.KubeClusterRoleBinding,
      {
        metadata: { name: rbacName, labels: labels(name, version) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rbacName },
        subjects,
      },
      { condition },
    );

    // An application's Role exists only in releases that monitor it (environments may differ).
    const discovery = (id: string, file: string, namespace: Expr<string>, only: Expr = condition) => {
      const meta = { name: rbacName, namespace, labels: labels(name, version) };
      k8sObject(
        this,
        `Role${id}`,
        `prometheus-role-${file}.yaml`,
        k8s.KubeRole,
        {
          metadata: meta,
          rules: [
            { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
            { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
          ],
        },
        { condition: only },
      );
      k8sObject(
        this,
        `RoleBinding${id}`,
        `prometheus-rolebinding-${file}.yaml`,
        k8s.KubeRoleBinding,
        { metadata: meta, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: rbacName }, subjects },
        { condition: only },
      );
    };
    discovery('', 'monitoring', release.namespace);
    // The pods of the traffic entry (its metrics: lib/monitoring/rules/edge.ts), in the provider's namespace.
    discovery('-edge', 'edge', ifElse(usesIngress(v.traffic), v.networkPolicy.ingressControllerNamespace, v.traffic.gateway.proxies.namespace));
    for (const app of props.applications) discovery(`App-${app}`, `app-${app}`, v.applications[app].namespace, and(condition, v.applications[app].monitored));

    k8sObject(this, 'Config', 'prometheus-config.yaml', k8s.KubeConfigMap, { metadata: metadata('prometheus-config', name, version), data: { 'prometheus.yml': props.config } }, { condition });
    // The built-in rules, and those written in values (the platform's groups and the applications' own).
    k8sObject(
      this,
      'Rules',
      'prometheus-rules.yaml',
      k8s.KubeConfigMap,
      { metadata: metadata('prometheus-rules', name, version), data: { 'alerts.yaml': props.rules, 'extra.yaml': props.extraRules } },
      { condition },
    );

    k8sObject(
      this,
      'StatefulSet',
      'prometheus-statefulset.yaml',
      k8s.KubeStatefulSet,
      {
        metadata: metadata(name, name, version),
        spec: {
          replicas: 1,
          serviceName: name,
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: {
              labels: labels(name, version),
              annotations: { 'checksum/config': sha256OfJson(listOf([...props.config.checksumInputs(), ...props.rules.checksumInputs(), v.rules.groups, v.applications, v.environment])) },
            },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: true,
              securityContext: podSecurity(65534),
              terminationGracePeriodSeconds: 120,
              containers: [
                {
                  name,
                  image: image(p.image),
                  args: [
                    '--config.file=/etc/prometheus/prometheus.yml',
                    '--storage.tsdb.path=/prometheus',
                    fmtFlag('--storage.tsdb.retention.time', p.retention.time),
                    fmtFlag('--storage.tsdb.retention.size', p.retention.size),
                    `--web.listen-address=:${PORTS.prometheus}`,
                    // Served under /prometheus (the route prefix follows the external URL's path).
                    fmtFlag('--web.external-url', publicUrl(v, SUB_PATHS.prometheus)),
                    // TSDB snapshots before each Velero backup (lib/backup/velero-schedules.ts).
                    when(v.velero.enabled, '--web.enable-admin-api'),
                  ],
                  ports: [{ name: 'http', containerPort: PORTS.prometheus, protocol: 'TCP' }],
                  // Replaying the write-ahead log after a restart can take minutes.
                  startupProbe: httpProbe(`${SUB_PATHS.prometheus}/-/ready`, 'http', 10, 60),
                  livenessProbe: httpProbe(`${SUB_PATHS.prometheus}/-/healthy`, 'http', 10, 6),
                  readinessProbe: httpProbe(`${SUB_PATHS.prometheus}/-/ready`, 'http', 5),
                  resources: quantities(p.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [
                    { name: 'config', mountPath: '/etc/prometheus/prometheus.yml', subPath: 'prometheus.yml', readOnly: true },
                    { name: 'rules', mountPath: RULES_DIR, readOnly: true },
                    { name: 'data', mountPath: '/prometheus' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'prometheus-config' } },
                { name: 'rules', configMap: { name: 'prometheus-rules' } },
              ],
            },
          },
          volumeClaimTemplates: [persistentVolumeClaim(p.storage)],
        },
      },
      { condition },
    );

    k8sObject(
      this,
      'Service',
      'prometheus-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata(name, name, version),
        spec: { type: 'ClusterIP', selector: selectorLabels(name), ports: [{ name: 'http', port: PORTS.prometheus, targetPort: 'http', protocol: 'TCP' }] },
      },
      { condition },
    );
  }
}

function fmtFlag(flag: string, value: Expr<string>): Expr<string> {
  return fmt`${flag}=${value}`;
}
