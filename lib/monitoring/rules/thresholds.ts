/**
 * The alert thresholds: one value model, with a default for every property, so that an environment only
 * writes what it changes (values/<env>.yaml → monitoring.alerts). Durations are Prometheus durations.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { patterns } from '../../values/schema-primitives';

const ratio = (description: string, defaultValue: number) => Type.Number({ description, default: defaultValue, exclusiveMinimum: 0, exclusiveMaximum: 1 });
const duration = (description: string, defaultValue: string) => Type.String({ description, default: defaultValue, pattern: patterns.duration });
const positive = (description: string, defaultValue: number) => Type.Number({ description, default: defaultValue, exclusiveMinimum: 0 });

export const AlertThresholdsSchema = Type.Object(
  {
    serviceDownFor: duration('ServiceDown: how long every scrape target of an application must be down before it pages.', '1m'),
    targetDownFor: duration('ApplicationTargetDown: how long one scrape target (pod) of an application must be down.', '5m'),
    errorRatio: ratio('HighErrorRate: share of requests answered with a 5xx status, over 5 minutes, above which it fires.', 0.05),
    errorRatioFor: duration('HighErrorRate: how long the 5xx ratio must stay above errorRatio.', '5m'),
    latencyP99Seconds: positive('SlowResponseTime: 99th percentile request duration (seconds, over 5 minutes) above which it fires.', 1),
    latencyP99For: duration('SlowResponseTime: how long the p99 must stay above latencyP99Seconds.', '5m'),
    latencyP95Seconds: positive('LatencySLOBreach: latency objective for the 95th percentile request duration (seconds, over 5 minutes).', 0.5),
    latencyP95For: duration('LatencySLOBreach: how long the p95 must stay above latencyP95Seconds.', '10m'),
    targetErrorRatio: ratio('ErrorRatioAboveTarget: the steady-state 5xx ratio of a released version (phase 4 of the release policy), above which it warns for 5 minutes.', 0.001),
    targetLatencyP95Seconds: positive('LatencyAboveTarget: the steady-state p95 request duration (seconds) of a released version, above which it warns for 5 minutes.', 0.2),
    availabilitySlo: Type.Number({
      description: 'Availability objective (share of non-5xx requests over 30 days) the error-budget burn-rate alerts protect, e.g. 0.999.',
      default: 0.999,
      minimum: 0.9,
      exclusiveMaximum: 1,
    }),
    cpuLimitRatio: ratio('HighCPUUsage: container CPU usage as a share of its CPU limit above which it fires.', 0.8),
    cpuFor: duration('HighCPUUsage: how long the CPU usage must stay above cpuLimitRatio.', '5m'),
    memoryLimitRatio: ratio('HighMemoryUsage: container working set as a share of its memory limit above which it fires.', 0.85),
    memoryFor: duration('HighMemoryUsage: how long the working set must stay above memoryLimitRatio.', '5m'),
    diskWarningRatio: ratio('NodeDiskUsageHigh and PersistentVolumeUsageHigh: used share of a filesystem or volume that warns.', 0.75),
    diskCriticalRatio: ratio('NodeDiskUsageCritical and PersistentVolumeUsageCritical: used share of a filesystem or volume that pages.', 0.85),
    diskFor: duration('Disk and volume usage alerts: how long the usage must stay above the threshold.', '5m'),
    crashLoopFor: duration('PodCrashLooping: how long a container must be waiting in CrashLoopBackOff.', '5m'),
    restartsPerHour: Type.Integer({
      description: 'PodRestartingFrequently: container restarts within an hour above which it fires.',
      default: 5,
      minimum: 1,
    }),
    replicasMismatchFor: duration('DeploymentReplicasMismatch and RolloutReplicasMismatch: how long available replicas may differ from (fall short of, for a Rollout) the desired count.', '15m'),
    hpaMaxedOutFor: duration('HPAMaxedOut: how long an autoscaler may run at its maximum replicas.', '15m'),
    hpaUnableToScaleFor: duration('HPAUnableToScale: how long an autoscaler may report AbleToScale or ScalingActive false.', '10m'),
    pdbNoDisruptionsFor: duration('PDBNoDisruptionsAllowed: how long a PodDisruptionBudget may allow no eviction.', '15m'),
    // Nodes (lib/monitoring/rules/nodes.ts): the node-exporter and kubernetes mixins' alerts, at the documents' thresholds.
    nodeNotReadyFor: duration('KubeNodeNotReady: how long a node may report Ready false or unknown (kubernetes-mixin: 15m).', '15m'),
    nodePressureFor: duration('KubeNodePressure: how long a node may report MemoryPressure, DiskPressure or PIDPressure (kubernetes-mixin: 10m).', '10m'),
    nodeCpuWarningRatio: ratio('NodeCPUHighUsage: busy share of a node’s CPUs above which it warns (the documents: 80%).', 0.8),
    nodeCpuCriticalRatio: ratio('NodeCPUCriticalUsage: busy share of a node’s CPUs above which it pages (the documents: 95%).', 0.95),
    nodeCpuFor: duration('NodeCPUHighUsage and NodeCPUCriticalUsage: how long the CPU usage must stay above the threshold.', '5m'),
    nodeMemoryRatio: ratio('NodeMemoryHighUtilization: used share of a node’s memory (1 - MemAvailable / MemTotal) above which it fires (the documents: 85%).', 0.85),
    nodeMemoryFor: duration('NodeMemoryHighUtilization: how long the memory usage must stay above nodeMemoryRatio.', '5m'),
    nodeLoadPerCpu: positive('NodeSystemSaturation: 1-minute load average per CPU above which the node is saturated (node-exporter mixin: 2).', 2),
    nodeLoadFor: duration('NodeSystemSaturation: how long the load must stay above nodeLoadPerCpu.', '15m'),
    networkErrorRatio: ratio('NodeNetworkReceiveErrs and NodeNetworkTransmitErrs: share of packets in error on an interface above which it fires (node-exporter mixin: 1%).', 0.01),
    // Data stores (lib/monitoring/rules/data-stores.ts): the documents' thresholds, the exporters' mixins otherwise.
    dataStoreDownFor: duration('PostgreSQLDown, RedisDown and DataStoreUnreachable: how long a data store may be unreachable before it pages.', '1m'),
    connectionsWarningRatio: ratio('PostgreSQLHighConnections: share of the usable connections (max_connections less the superuser reserve) in use above which it warns (the documents: 90%).', 0.9),
    connectionsWarningFor: duration('PostgreSQLHighConnections: how long the connections must stay above connectionsWarningRatio (the documents: 5m).', '5m'),
    connectionsCriticalRatio: ratio('DatabaseConnectionPoolExhausted: share of the usable connections in use above which it pages (the documents: 95%).', 0.95),
    connectionsCriticalFor: duration('DatabaseConnectionPoolExhausted: how long the connections must stay above connectionsCriticalRatio (the documents: 2m).', '2m'),
    slowQuerySeconds: positive('PostgreSQLSlowQueries: age (seconds) of the oldest active transaction above which queries count as slow (the documents: 1 s).', 1),
    slowQueryFor: duration('PostgreSQLSlowQueries: how long an active transaction older than slowQuerySeconds must be seen (the documents: 5m).', '5m'),
    replicationLagSeconds: positive('PostgreSQLReplicationLag: seconds a replica may lag behind its primary.', 30),
    replicationLagFor: duration('PostgreSQLReplicationLag: how long the lag must stay above replicationLagSeconds.', '5m'),
    redisMemoryRatio: ratio('RedisOutOfMemory: share of maxmemory in use above which it fires.', 0.9),
    redisMemoryFor: duration('RedisOutOfMemory: how long the memory must stay above redisMemoryRatio.', '5m'),
    redisEvictionsFor: duration('RedisEvictingKeys: how long Redis must keep evicting keys.', '5m'),
    cacheHitRatio: ratio('RedisLowHitRate: share of key lookups that hit below which it fires (the documents: 50%).', 0.5),
    cacheHitRatioFor: duration('RedisLowHitRate: how long the hit rate must stay below cacheHitRatio (the documents: 10m).', '10m'),
    // The traffic entry (lib/monitoring/rules/edge.ts).
    edgeErrorRatio: ratio('EdgeHighErrorRate: share of a route’s requests answered 5xx at the traffic entry (over 5 minutes) above which it pages.', 0.05),
    edgeErrorRatioFor: duration('EdgeHighErrorRate: how long the 5xx ratio must stay above edgeErrorRatio.', '5m'),
    edgeLatencyP99Seconds: positive('EdgeHighLatency: 99th percentile duration (seconds) of a route’s requests at the traffic entry above which it fires.', 1),
    edgeLatencyFor: duration('EdgeHighLatency: how long the p99 must stay above edgeLatencyP99Seconds.', '5m'),
    rateLimitedPerSecond: positive('EdgeRateLimiting: requests per second the traffic entry rejects by its rate limits above which it fires (the documents: 10/s).', 10),
    rateLimitedFor: duration('EdgeRateLimiting: how long the rejections must stay above rateLimitedPerSecond (the documents: 5m).', '5m'),
    networkErrorsFor: duration('NodeNetworkReceiveErrs and NodeNetworkTransmitErrs: how long the error share must stay above networkErrorRatio (node-exporter mixin: 1h).', '1h'),
    certExpiryWarningDays: positive('TLSCertificateExpiringSoon: days before the certificate expiry that it warns.', 14),
    certExpiryCriticalDays: positive('TLSCertificateExpiryImminent: days before the certificate expiry that it pages.', 3),
    certificateRenewalDays: positive(
      'CertificateRenewalOverdue: days left on a cert-manager Certificate below which renewal counts as failing (cert-manager renews 30 days before the end of a 90-day certificate).',
      21,
    ),
    certificateNotReadyFor: duration('CertificateNotReady: how long a cert-manager Certificate may be not Ready.', '15m'),
    backupMaxAgeHours: positive('DatabaseBackupMissing and VolumeBackupMissing: hours since the last successful backup of a daily schedule above which it fires (a day and slack for a slow run).', 26),
    restoreDrillMaxAgeHours: positive('DatabaseRestoreDrillMissing: hours since the last restore drill that passed above which it fires (daily drills: a day and slack for a slow restore).', 26),
    weeklyBackupMaxAgeHours: positive('VolumeBackupMissing: hours since the last successful backup of the weekly Prometheus schedule above which it fires.', 170),
    probeFailingFor: duration('BlackboxProbeFailing: how long a blackbox probe must fail.', '2m'),
    alertmanagerFailureRatio: ratio('AlertmanagerNotificationsFailing: share of failed notifications of an integration above which it fires.', 0.01),
    lokiDiscardedRatio: ratio('LokiDiscardingLogs: share of received log lines discarded by Loki above which it fires.', 0.01),
    lokiPushErrorRatio: ratio('LokiPushErrors: share of log push requests failing with a 5xx status above which it fires.', 0.05),
  },
  { additionalProperties: false, description: 'Alert thresholds of this environment; every property has a default.' },
);

export type AlertThresholds = Static<typeof AlertThresholdsSchema>;

export const defaultAlertThresholds: AlertThresholds = Value.Create(AlertThresholdsSchema);

/** A rule between two thresholds that a JSON schema cannot say: `below` must be less than `above`. */
export interface ThresholdOrder {
  readonly below: keyof AlertThresholds;
  readonly above: keyof AlertThresholds;
}

export const thresholdOrders: readonly ThresholdOrder[] = [
  { below: 'targetErrorRatio', above: 'errorRatio' },
  { below: 'diskWarningRatio', above: 'diskCriticalRatio' },
  { below: 'nodeCpuWarningRatio', above: 'nodeCpuCriticalRatio' },
  { below: 'connectionsWarningRatio', above: 'connectionsCriticalRatio' },
  { below: 'certExpiryCriticalDays', above: 'certExpiryWarningDays' },
];

/**
 * The threshold orders broken by these thresholds, with the path of the offending value. Checked at
 * synth time next to the schema (lib/monitoring/stack/release-values.ts) and by the chart's template
 * (lib/monitoring/stack/configs.ts), never by the rule builder, which passes every threshold through.
 */
export function thresholdOrderProblems(thresholds: AlertThresholds): Array<{ path: [keyof AlertThresholds]; message: string }> {
  return thresholdOrders
    .filter(({ below, above }) => !((thresholds[below] as number) < (thresholds[above] as number)))
    .map(({ below, above }) => ({ path: [below], message: `${below} must be below ${above}` }));
}

/** Schema errors and the threshold orders, one line each; empty when the thresholds are valid. */
export function thresholdProblems(thresholds: AlertThresholds): string[] {
  const problems = [...Value.Errors(AlertThresholdsSchema, thresholds)].map((error) => `${error.path || '/'}: ${error.message}`);
  if (problems.length > 0) return problems;
  return thresholdOrderProblems(thresholds).map((problem) => problem.message);
}
