/**
 * The stack's trace endpoint (standalone mode, `tracing.enabled`): an OpenTelemetry Collector (core
 * distribution) receiving OTLP over gRPC (4317) and HTTP (4318) from the applications that send their
 * traces to it (`tracing.collector: monitoring`, resolved by lib/references/tracing.ts), batching them
 * under a memory limit and exporting them over OTLP to Tempo, which keeps them on its volume for
 * `tracing.tempo.retention` and which Grafana queries (its Tempo data source). Prometheus scrapes both
 * (the collector's own metrics on 8888, Tempo's on 3200). The NetworkPolicies (network-policies.ts)
 * admit the applications that name the collector, Tempo from the collector, Grafana and Prometheus.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { and, fmt, release, sha256OfJson } from '../../template/expr';
import { listOf } from '../../template/functions';
import { interpolatedText } from '../../template/text';
import { cachedText } from './cached-text';
import { type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, metadata, persistentVolumeClaim, podSecurity, selectorLabels, standalone } from './common';
import { PORTS } from './ports';

const TEMPO_DATA = '/var/tempo';

/** The collector's configuration: OTLP in, memory limit and batches, OTLP to Tempo, its metrics for Prometheus. */
function collectorConfig({ tempo }: { tempo: string }) {
  return {
    receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${PORTS.otlpHttp}` } } } },
    processors: { memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 }, batch: {} },
    exporters: { 'otlp/tempo': { endpoint: tempo, tls: { insecure: true } } },
    service: {
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/tempo'] } },
      telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: PORTS.collectorMetrics } } } }] } },
    },
  };
}

/** Tempo single binary: OTLP gRPC from the collector, blocks and write-ahead log on its volume. */
function tempoConfig({ retention }: { retention: string }) {
  return {
    server: { http_listen_port: PORTS.tempo, grpc_listen_port: 9095 },
    distributor: { receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` } } } } },
    ingester: { max_block_duration: '5m' },
    compactor: { compaction: { block_retention: retention } },
    storage: { trace: { backend: 'local', wal: { path: `${TEMPO_DATA}/wal` }, local: { path: `${TEMPO_DATA}/blocks` } } },
    usage_report: { reporting_enabled: false },
  };
}

export class Tracing extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const t = v.tracing;
    const condition = and(standalone(v), t.enabled);

    // The collector.
    const collectorInput = { tempo: fmt`tempo.${release.namespace}.svc:${PORTS.otlpGrpc}` };
    const collector = cachedText(collectorInput, interpolatedText({ name: 'OpenTelemetry Collector configuration', format: 'yaml', input: collectorInput, build: collectorConfig, shape: props.defaults }));
    const collectorVersion = t.collector.image.tag;
    const otel = 'otel-collector';
    k8sObject(
      this,
      'CollectorConfig',
      'otel-collector-config.yaml',
      k8s.KubeConfigMap,
      { metadata: metadata('otel-collector-config', otel, collectorVersion), data: { 'config.yaml': collector } },
      { condition },
    );
    const tcpProbe = (port: string, failureThreshold = 3) => ({ tcpSocket: { port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold });
    k8sObject(
      this,
      'CollectorDeployment',
      'otel-collector-deployment.yaml',
      k8s.KubeDeployment,
      {
        metadata: metadata(otel, otel, collectorVersion),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels(otel) },
          template: {
            metadata: { labels: labels(otel, collectorVersion), annotations: { 'checksum/config': sha256OfJson(listOf(collector.checksumInputs())) } },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(10001),
              containers: [
                {
                  name: otel,
                  image: image(t.collector.image),
                  args: ['--config=/etc/otelcol/config.yaml'],
                  ports: [
                    { name: 'otlp-grpc', containerPort: PORTS.otlpGrpc, protocol: 'TCP' },
                    { name: 'otlp-http', containerPort: PORTS.otlpHttp, protocol: 'TCP' },
                    { name: 'metrics', containerPort: PORTS.collectorMetrics, protocol: 'TCP' },
                  ],
                  // The core distribution has no health_check extension: the receivers' ports answer once the pipeline runs.
                  livenessProbe: tcpProbe('otlp-http', 6),
                  readinessProbe: tcpProbe('otlp-http'),
                  resources: t.collector.resources,
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [{ name: 'config', mountPath: '/etc/otelcol', readOnly: true }],
                },
              ],
              volumes: [{ name: 'config', configMap: { name: 'otel-collector-config' } }],
            },
          },
        },
      },
      { condition },
    );
    k8sObject(
      this,
      'CollectorService',
      'otel-collector-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata(otel, otel, collectorVersion),
        spec: {
          type: 'ClusterIP',
          selector: selectorLabels(otel),
          ports: [
            { name: 'otlp-grpc', port: PORTS.otlpGrpc, targetPort: 'otlp-grpc', protocol: 'TCP' },
            { name: 'otlp-http', port: PORTS.otlpHttp, targetPort: 'otlp-http', protocol: 'TCP' },
            { name: 'metrics', port: PORTS.collectorMetrics, targetPort: 'metrics', protocol: 'TCP' },
          ],
        },
      },
      { condition },
    );

    // Tempo.
    const tempoInput = { retention: t.tempo.retention };
    const tempo = cachedText(tempoInput, interpolatedText({ name: 'Tempo configuration', format: 'yaml', input: tempoInput, build: tempoConfig, shape: props.defaults }));
    const tempoVersion = t.tempo.image.tag;
    k8sObject(this, 'TempoConfig', 'tempo-config.yaml', k8s.KubeConfigMap, { metadata: metadata('tempo-config', 'tempo', tempoVersion), data: { 'tempo.yaml': tempo } }, { condition });
    k8sObject(
      this,
      'TempoStatefulSet',
      'tempo-statefulset.yaml',
      k8s.KubeStatefulSet,
      {
        metadata: metadata('tempo', 'tempo', tempoVersion),
        spec: {
          replicas: 1,
          serviceName: 'tempo',
          selector: { matchLabels: selectorLabels('tempo') },
          template: {
            metadata: { labels: labels('tempo', tempoVersion), annotations: { 'checksum/config': sha256OfJson(listOf(tempo.checksumInputs())) } },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(10001),
              containers: [
                {
                  name: 'tempo',
                  image: image(t.tempo.image),
                  args: ['-config.file=/etc/tempo/tempo.yaml', '-target=all'],
                  ports: [
                    { name: 'http', containerPort: PORTS.tempo, protocol: 'TCP' },
                    { name: 'otlp-grpc', containerPort: PORTS.otlpGrpc, protocol: 'TCP' },
                  ],
                  startupProbe: httpProbe('/ready', 'http', 5, 60),
                  livenessProbe: httpProbe('/ready', 'http', 10, 6),
                  readinessProbe: httpProbe('/ready', 'http', 5),
                  resources: t.tempo.resources,
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [
                    { name: 'config', mountPath: '/etc/tempo', readOnly: true },
                    { name: 'data', mountPath: TEMPO_DATA },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'tempo-config' } },
                { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
              ],
            },
          },
          volumeClaimTemplates: [persistentVolumeClaim(t.tempo.storage)],
        },
      },
      { condition },
    );
    k8sObject(
      this,
      'TempoService',
      'tempo-service.yaml',
      k8s.KubeService,
      {
        metadata: metadata('tempo', 'tempo', tempoVersion),
        spec: {
          type: 'ClusterIP',
          selector: selectorLabels('tempo'),
          ports: [
            { name: 'http', port: PORTS.tempo, targetPort: 'http', protocol: 'TCP' },
            { name: 'otlp-grpc', port: PORTS.otlpGrpc, targetPort: 'otlp-grpc', protocol: 'TCP' },
          ],
        },
      },
      { condition },
    );
  }
}
