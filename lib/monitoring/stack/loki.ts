/**
 * Loki as a single binary (standalone mode): one pod, filesystem storage on its volume, retention by
 * the compactor. Only Alloy writes to it and only Grafana reads from it (network-policies.ts).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { sha256OfJson } from '../../template/expr';
import { list, quantities } from '../../template/functions';
import { interpolatedText } from '../../template/text';
import { cachedText } from './cached-text';
import { type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, metadata, persistentVolumeClaim, podSecurity, selectorLabels, standalone } from './common';
import { PORTS } from './ports';

const DATA = '/var/loki';

function lokiConfig({ retention }: { retention: string }) {
  return {
    auth_enabled: false,
    server: { http_listen_port: PORTS.loki, grpc_listen_port: 9095, log_level: 'info' },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: DATA,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: `${DATA}/chunks`, rules_directory: `${DATA}/rules` } },
    },
    schema_config: {
      configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    limits_config: { retention_period: retention, reject_old_samples: true, reject_old_samples_max_age: retention, allow_structured_metadata: true },
    compactor: { working_directory: `${DATA}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' },
    analytics: { reporting_enabled: false },
  };
}

export class Loki extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const l = v.loki;
    const condition = standalone(v);
    const version = l.image.tag;
    const configInput = { retention: l.retention };
    const config = cachedText(configInput, interpolatedText({ name: 'Loki configuration', format: 'yaml', input: configInput, build: lokiConfig, shape: props.defaults }));

    k8sObject(this, 'Config', 'loki-config.yaml', k8s.KubeConfigMap, { metadata: metadata('loki-config', 'loki', version), data: { 'loki.yaml': config } }, { condition });

    k8sObject(
      this,
      'StatefulSet',
      'loki-statefulset.yaml',
      k8s.KubeStatefulSet,
      {
        metadata: metadata('loki', 'loki', version),
        spec: {
          replicas: 1,
          serviceName: 'loki',
          selector: { matchLabels: selectorLabels('loki') },
          template: {
            metadata: { labels: labels('loki', version), annotations: { 'checksum/config': sha256OfJson(list(...config.checksumInputs())) } },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(10001),
              terminationGracePeriodSeconds: 60,
              containers: [
                {
                  name: 'loki',
                  image: image(l.image),
                  args: ['-config.file=/etc/loki/loki.yaml', '-target=all'],
                  ports: [{ name: 'http', containerPort: PORTS.loki, protocol: 'TCP' }],
                  startupProbe: httpProbe('/ready', 'http', 5, 60),
                  livenessProbe: httpProbe('/ready', 'http', 10, 6),
                  readinessProbe: httpProbe('/ready', 'http', 5),
                  resources: quantities(l.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [
                    { name: 'config', mountPath: '/etc/loki', readOnly: true },
                    { name: 'data', mountPath: DATA },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'loki-config' } },
                { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
              ],
            },
          },
          volumeClaimTemplates: [persistentVolumeClaim(l.storage)],
        },
      },
      { condition },
    );

    k8sObject(
      this,
      'Service',
      'loki-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata('loki', 'loki', version),
        spec: { type: 'ClusterIP', selector: selectorLabels('loki'), ports: [{ name: 'http', port: PORTS.loki, targetPort: 'http', protocol: 'TCP' }] },
      },
      { condition },
    );
  }
}
