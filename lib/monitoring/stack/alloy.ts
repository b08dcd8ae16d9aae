/**
 * Grafana Alloy on every node (standalone mode), shipping the pods' log files to Loki. Promtail is
 * not used: it reaches end of life in March 2026.
 *
 * Alloy reads /var/log/pods from the host and takes namespace, pod and container from the file path,
 * so it needs no Kubernetes API access at all (no RBAC). The log files are owned by root and not
 * world-readable, so Alloy runs as root, but with every capability dropped, a read-only root
 * filesystem and a read-only host mount. Hence the node namespace (Pod Security "privileged").
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { type Expr, fmt, release, sha256OfJson } from '../../template/expr';
import { list, quantities } from '../../template/functions';
import { type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, selectorLabels, standalone } from './common';
import { PORTS } from './ports';

const LOG_PATH = '/var/log/pods';

/** The Alloy configuration, sending to the Loki push URL `lokiUrl`. */
function alloyConfig(lokiUrl: Expr<string>): Expr<string> {
  return fmt`// Every container log file on this node: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log
local.file_match "pods" {
  path_targets = [{"__path__" = "/var/log/pods/*/*/*.log"}]
}

discovery.relabel "pods" {
  targets = local.file_match.pods.targets
  rule {
    source_labels = ["__path__"]
    regex         = "/var/log/pods/([^_]+)_([^_]+)_[^/]+/([^/]+)/.*"
    target_label  = "namespace"
    replacement   = "$1"
  }
  rule {
    source_labels = ["__path__"]
    regex         = "/var/log/pods/([^_]+)_([^_]+)_[^/]+/([^/]+)/.*"
    target_label  = "pod"
    replacement   = "$2"
  }
  rule {
    source_labels = ["__path__"]
    regex         = "/var/log/pods/([^_]+)_([^_]+)_[^/]+/([^/]+)/.*"
    target_label  = "container"
    replacement   = "$3"
  }
}

loki.source.file "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}

// Container runtime (CRI) log lines: timestamp, stream, flags, message.
loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.loki.receiver]
}

loki.write "loki" {
  endpoint {
    url = "${lokiUrl}"
  }
}
`;
}

export class Alloy extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const a = v.alloy;
    const condition = standalone(v);
    const version = a.image.tag;
    const meta = (name: string) => ({ name, namespace: v.nodeNamespace, labels: labels('alloy', version) });
    const lokiUrl = fmt`http://loki.${release.namespace}.svc:${PORTS.loki}/loki/api/v1/push`;
    const config = alloyConfig(lokiUrl);

    k8sObject(this, 'Config', 'alloy-config.yaml', k8s.KubeConfigMap, { metadata: meta('alloy-config'), data: { 'config.alloy': config } }, { condition });

    k8sObject(
      this,
      'DaemonSet',
      'alloy-daemonset.yaml',
      k8s.KubeDaemonSet,
      {
        metadata: meta('alloy'),
        spec: {
          selector: { matchLabels: selectorLabels('alloy') },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: { labels: labels('alloy', version), annotations: { 'checksum/config': sha256OfJson(list(config)) } },
            spec: {
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
              tolerations: [{ operator: 'Exists' }],
              containers: [
                {
                  name: 'alloy',
                  image: image(a.image),
                  args: ['run', '/etc/alloy/config.alloy', `--server.http.listen-addr=0.0.0.0:${PORTS.alloy}`, '--storage.path=/tmp/alloy', '--disable-reporting'],
                  ports: [{ name: 'http', containerPort: PORTS.alloy, protocol: 'TCP' }],
                  livenessProbe: httpProbe('/-/ready', 'http', 10, 6),
                  readinessProbe: httpProbe('/-/ready', 'http'),
                  resources: quantities(a.resources),
                  securityContext: { ...RESTRICTED_CONTAINER, runAsNonRoot: false, runAsUser: 0 },
                  volumeMounts: [
                    { name: 'config', mountPath: '/etc/alloy', readOnly: true },
                    { name: 'pod-logs', mountPath: LOG_PATH, readOnly: true },
                    // Read positions: kept across container restarts, not across pod replacements.
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'alloy-config' } },
                { name: 'pod-logs', hostPath: { path: LOG_PATH, type: 'Directory' } },
                { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
              ],
            },
          },
        },
      },
      { condition },
    );
  }
}
