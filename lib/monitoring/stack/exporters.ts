/**
 * The exporters Prometheus scrapes besides the applications (standalone mode):
 * - node-exporter on every node, in the node namespace: it needs the host's network and PID
 *   namespaces and read-only views of /proc, /sys and / (hence Pod Security "privileged"), but runs
 *   as nobody with every capability dropped;
 * - kube-state-metrics, with list/watch on the kinds it reports and nothing else (no Secrets, no
 *   ConfigMaps: their collectors are off);
 * - blackbox-exporter, probing the applications' public and health URLs.
 */
import { k8s } from 'cdk8s-plus-27';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { onlyWhen } from '../../chart/conditions';
import { release, sha256OfJson } from '../../template/expr';
import { list, quantities } from '../../template/functions';
import { writeYaml } from '../../template/yaml-writer';
import { type MonitoringProps, RESTRICTED_CONTAINER, clusterName, tokenLabels, httpProbe, image, k8sObject, labels, metadata, podSecurity, selectorLabels, standalone } from './common';
import { PORTS } from './ports';

const NOBODY = 65534;

export class NodeExporter extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const n = v.nodeExporter;
    const condition = standalone(v);
    const version = n.image.tag;
    const meta = { name: 'node-exporter', namespace: v.nodeNamespace, labels: labels('node-exporter', version) };
    const hostPath = (name: string, path: string) => ({ name, hostPath: { path, type: 'Directory' } });

    k8sObject(
      this,
      'DaemonSet',
      'node-exporter-daemonset.yaml',
      k8s.KubeDaemonSet,
      {
        metadata: meta,
        spec: {
          selector: { matchLabels: selectorLabels('node-exporter') },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: labels('node-exporter', version) },
            spec: {
              automountServiceAccountToken: false,
              hostNetwork: true,
              hostPID: true,
              securityContext: { runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY, seccompProfile: { type: 'RuntimeDefault' } },
              tolerations: [{ operator: 'Exists' }],
              containers: [
                {
                  name: 'node-exporter',
                  image: image(n.image),
                  args: [
                    '--path.procfs=/host/proc',
                    '--path.sysfs=/host/sys',
                    '--path.rootfs=/host/root',
                    `--web.listen-address=:${PORTS.nodeExporter}`,
                    '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)',
                  ],
                  ports: [{ name: 'metrics', containerPort: PORTS.nodeExporter, hostPort: PORTS.nodeExporter, protocol: 'TCP' }],
                  livenessProbe: httpProbe('/', 'metrics'),
                  readinessProbe: httpProbe('/', 'metrics'),
                  resources: quantities(n.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [
                    { name: 'proc', mountPath: '/host/proc', readOnly: true },
                    { name: 'sys', mountPath: '/host/sys', readOnly: true },
                    { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
                  ],
                },
              ],
              volumes: [hostPath('proc', '/proc'), hostPath('sys', '/sys'), hostPath('root', '/')],
            },
          },
        },
      },
      { condition },
    );
  }
}

/** The kinds kube-state-metrics reports, by API group; its ClusterRole lists and watches exactly these. */
const KUBE_STATE_RESOURCES: Record<string, string[]> = {
  '': ['namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'resourcequotas', 'services'],
  apps: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  autoscaling: ['horizontalpodautoscalers'],
  batch: ['cronjobs', 'jobs'],
  policy: ['poddisruptionbudgets'],
};

export class KubeStateMetrics extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const k = v.kubeStateMetrics;
    const condition = standalone(v);
    const version = k.image.tag;
    const component = 'kube-state-metrics';

    // A fixed helper object, so a cdk8s-plus-27 construct: its values-driven labels are expression
    // tokens, its namespace the release's, and `onlyWhen` makes it conditional like the objects
    // around it (README: cdk8s constructs in a chart). kube-state-metrics reads the API: token mounted.
    const serviceAccount = new kplus.ServiceAccount(this, component, { metadata: { name: component, labels: tokenLabels(component, version) }, automountToken: true });
    onlyWhen(serviceAccount, condition);
    k8sObject(
      this,
      'ClusterRole',
      'kube-state-metrics-clusterrole.yaml',
      k8s.KubeClusterRole,
      {
        metadata: { name: clusterName(component), labels: labels(component, version) },
        rules: Object.entries(KUBE_STATE_RESOURCES).map(([group, resources]) => ({ apiGroups: [group], resources, verbs: ['list', 'watch'] })),
      },
      { condition },
    );
    k8sObject(
      this,
      'ClusterRoleBinding',
      'kube-state-metrics-clusterrolebinding.yaml',
      k8s.KubeClusterRoleBinding,
      {
        metadata: { name: clusterName(component), labels: labels(component, version) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName(component) },
        subjects: [{ kind: 'ServiceAccount', name: component, namespace: release.namespace }],
      },
      { condition },
    );
    k8sObject(
      this,
      'Deployment',
      'kube-state-metrics-deployment.yaml',
      k8s.KubeDeployment,
      {
        metadata: metadata(component, component, version),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels(component) },
          template: {
            metadata: { labels: labels(component, version) },
            spec: {
              serviceAccountName: component,
              automountServiceAccountToken: true,
              securityContext: podSecurity(NOBODY),
              containers: [
                {
                  name: component,
                  image: image(k.image),
                  args: [`--port=${PORTS.kubeStateMetrics}`, `--telemetry-port=${PORTS.kubeStateMetricsTelemetry}`, `--resources=${Object.values(KUBE_STATE_RESOURCES).flat().sort().join(',')}`],
                  ports: [
                    { name: 'http', containerPort: PORTS.kubeStateMetrics, protocol: 'TCP' },
                    { name: 'telemetry', containerPort: PORTS.kubeStateMetricsTelemetry, protocol: 'TCP' },
                  ],
                  livenessProbe: httpProbe('/livez', 'http'),
                  readinessProbe: httpProbe('/readyz', 'telemetry'),
                  resources: quantities(k.resources),
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
      'Service',
      'kube-state-metrics-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata(component, component, version),
        spec: {
          type: 'ClusterIP',
          selector: selectorLabels(component),
          ports: [{ name: 'http', port: PORTS.kubeStateMetrics, targetPort: 'http', protocol: 'TCP' }],
        },
      },
      { condition },
    );
  }
}

/**
 * blackbox-exporter modules: an HTTP GET answered with 2xx (over HTTPS the certificate must verify);
 * a TCP connection to a data store's address (tcp_connect: it accepts connections).
 */
const BLACKBOX_MODULES = {
  http_2xx: {
    prober: 'http',
    timeout: '5s',
    http: { method: 'GET', preferred_ip_protocol: 'ip4', follow_redirects: true, tls_config: { insecure_skip_verify: false } },
  },
  tcp_connect: { prober: 'tcp', timeout: '5s', tcp: { preferred_ip_protocol: 'ip4' } },
};

const BLACKBOX_CONFIG = writeYaml({ modules: BLACKBOX_MODULES });

export class BlackboxExporter extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const b = v.blackboxExporter;
    const condition = standalone(v);
    const version = b.image.tag;
    const component = 'blackbox-exporter';

    k8sObject(
      this,
      'Config',
      'blackbox-exporter-config.yaml',
      k8s.KubeConfigMap,
      { metadata: metadata('blackbox-exporter-config', component, version), data: { 'blackbox.yml': BLACKBOX_CONFIG } },
      { condition },
    );
    k8sObject(
      this,
      'Deployment',
      'blackbox-exporter-deployment.yaml',
      k8s.KubeDeployment,
      {
        metadata: metadata(component, component, version),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels(component) },
          template: {
            metadata: { labels: labels(component, version), annotations: { 'checksum/config': sha256OfJson(list(BLACKBOX_CONFIG)) } },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(NOBODY),
              containers: [
                {
                  name: component,
                  image: image(b.image),
                  args: ['--config.file=/etc/blackbox-exporter/blackbox.yml', `--web.listen-address=:${PORTS.blackboxExporter}`],
                  ports: [{ name: 'http', containerPort: PORTS.blackboxExporter, protocol: 'TCP' }],
                  livenessProbe: httpProbe('/-/healthy', 'http'),
                  readinessProbe: httpProbe('/-/healthy', 'http'),
                  resources: quantities(b.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [{ name: 'config', mountPath: '/etc/blackbox-exporter', readOnly: true }],
                },
              ],
              volumes: [{ name: 'config', configMap: { name: 'blackbox-exporter-config' } }],
            },
          },
        },
      },
      { condition },
    );
    k8sObject(
      this,
      'Service',
      'blackbox-exporter-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata(component, component, version),
        spec: { type: 'ClusterIP', selector: selectorLabels(component), ports: [{ name: 'http', port: PORTS.blackboxExporter, targetPort: 'http', protocol: 'TCP' }] },
      },
      { condition },
    );
  }
}
