/**
 * Loki as a single binary (standalone mode): one pod, filesystem storage on its volume, retention by
 * the compactor, ingestion limits from values. Only Alloy writes to it and only Grafana reads from it
 * (network-policies.ts). Its ruler evaluates the log-based alerts (lib/monitoring/rules/logs.ts, a
 * ConfigMap mounted as the rule file of its single tenant, `fake` without authentication) and sends
 * them to every Alertmanager pod, under its route prefix.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { fmt, release, sha256OfJson } from '../../template/expr';
import { listOf, quantities } from '../../template/functions';
import { type GeneratedText, interpolatedText } from '../../template/text';
import { ALERTMANAGER_PEERS } from './alertmanager';
import { alertmanagerPodUrls } from './expressions';
import { cachedText } from './cached-text';
import { type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, metadata, persistentVolumeClaim, podSecurity, selectorLabels, standalone } from './common';
import { PORTS, SUB_PATHS } from './ports';

const DATA = '/var/loki';

/** Where the ruler reads its rules: a folder per tenant. */
const RULES = '/etc/loki/rules';
/** The tenant of a Loki without authentication (auth_enabled: false). */
const TENANT = 'fake';

interface LokiConfigInput {
  retention: string;
  ingestionRateMB: number;
  ingestionBurstSizeMB: number;
  /** Every Alertmanager, comma-separated (the ruler sends each alert to each, as Prometheus does). */
  alertmanagerUrls: string;
}

function lokiConfig({ retention, ingestionRateMB, ingestionBurstSizeMB, alertmanagerUrls }: LokiConfigInput) {
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
    limits_config: {
      retention_period: retention,
      reject_old_samples: true,
      reject_old_samples_max_age: retention,
      allow_structured_metadata: true,
      ingestion_rate_mb: ingestionRateMB,
      ingestion_burst_size_mb: ingestionBurstSizeMB,
    },
    ruler: {
      alertmanager_url: alertmanagerUrls,
      enable_api: true,
      evaluation_interval: '1m',
      rule_path: `${DATA}/rules-temp`,
      storage: { type: 'local', local: { directory: RULES } },
      ring: { kvstore: { store: 'inmemory' } },
    },
    compactor: { working_directory: `${DATA}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' },
    analytics: { reporting_enabled: false },
  };
}

export interface LokiProps extends MonitoringProps {
  /** The log-based rule file (lib/monitoring/stack/configs.ts logRulesText). */
  readonly rules: GeneratedText;
}

export class Loki extends Construct {
  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const v = props.values;
    const l = v.loki;
    const condition = standalone(v);
    const version = l.image.tag;
    const configInput = {
      retention: l.retention,
      ingestionRateMB: l.limits.ingestionRateMB,
      ingestionBurstSizeMB: l.limits.ingestionBurstSizeMB,
      alertmanagerUrls: alertmanagerPodUrls(v.alertmanager.replicas, fmt`${ALERTMANAGER_PEERS}.${release.namespace}.svc:${PORTS.alertmanager}`, SUB_PATHS.alertmanager),
    };
    const config = cachedText(configInput, interpolatedText({ name: 'Loki configuration', format: 'yaml', input: configInput, build: lokiConfig, shape: props.defaults }));

    k8sObject(this, 'Config', 'loki-config.yaml', k8s.KubeConfigMap, { metadata: metadata('loki-config', 'loki', version), data: { 'loki.yaml': config } }, { condition });
    k8sObject(this, 'Rules', 'loki-rules.yaml', k8s.KubeConfigMap, { metadata: metadata('loki-rules', 'loki', version), data: { 'logs.yaml': props.rules } }, { condition });

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
            metadata: { labels: labels('loki', version), annotations: { 'checksum/config': sha256OfJson(listOf([...config.checksumInputs(), ...props.rules.checksumInputs()])) } },
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
                    { name: 'config', mountPath: '/etc/loki/loki.yaml', subPath: 'loki.yaml', readOnly: true },
                    { name: 'rules', mountPath: RULES, readOnly: true },
                    { name: 'data', mountPath: DATA },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'loki-config' } },
                { name: 'rules', configMap: { name: 'loki-rules', items: [{ key: 'logs.yaml', path: `${TENANT}/logs.yaml` }] } },
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
