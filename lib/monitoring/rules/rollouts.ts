/**
 * Progressive delivery alerts, from the Argo Rollouts controller's metrics (`rollout_info`, one
 * series per Rollout with its `phase`: Healthy, Progressing, Paused or Degraded), scraped when
 * `argoRollouts.enabled` (lib/monitoring/prometheus-config.ts):
 * - a Rollout with fewer available replicas than desired (the Rollouts' DeploymentReplicasMismatch);
 * - a Rollout Degraded: an analysis failed and the release was aborted, so the stable version serves
 *   all traffic again, or the new pods never became ready (progress deadline); someone must look;
 * - a Rollout Paused for long: an inconclusive analysis (too little traffic to judge) or a blue-green
 *   release waiting for `kubectl argo rollouts promote`, waiting for a person;
 * - after a release, at 100% (phase 4 of the release policy: alerting, not rollback): an application's
 *   5xx ratio or p95 above its steady-state targets for 5 minutes, from the recorded series. Warnings
 *   for the team that released, well below the paging HighErrorRate and LatencySLOBreach.
 */
import { type AlertGroupDefinition, percent } from './model';
import { recorded } from './recording';
import type { AlertThresholds } from './thresholds';

const rollout = 'Rollout {{ $labels.namespace }}/{{ $labels.name }}';
const app = '{{ $labels.job }} in {{ $labels.namespace }}';
const get = 'kubectl argo rollouts get rollout {{ $labels.name }} -n {{ $labels.namespace }}';

/** How long a Rollout may wait for a person before it is a problem (a canary phase lasts hours, a pause should not). */
const PAUSED_FOR = '2h';

export const rolloutAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.rollouts.alerts',
  component: 'application',
  alerts: (t) => [
    {
      alert: 'RolloutAborted',
      priority: 'P1',
      expr: 'max by (namespace, name) (rollout_info{phase="Degraded"}) == 1',
      for: '1m',
      summary: `${rollout} was aborted or is degraded`,
      description: `${rollout} has been Degraded for 1m: its analysis failed and the release was rolled back to the stable version, or the new pods never became ready. See ${get}; release again after a fix, or retry with kubectl argo rollouts retry rollout.`,
    },
    {
      // DeploymentReplicasMismatch for Rollouts (the controller's rollout_info_replicas_* gauges): fewer
      // available than desired, not "different", since a canary or a blue-green preview runs extra pods
      // beside the stable ones for hours.
      alert: 'RolloutReplicasMismatch',
      priority: 'P1',
      expr: 'max by (namespace, name) (rollout_info_replicas_available) < max by (namespace, name) (rollout_info_replicas_desired)',
      for: t.replicasMismatchFor,
      summary: `${rollout} lacks available replicas`,
      description: `${rollout} has had {{ $value }} available replicas, fewer than desired, for ${t.replicasMismatchFor}: pods that do not start or do not become ready. See ${get}.`,
    },
    {
      alert: 'RolloutPausedTooLong',
      priority: 'P2',
      expr: 'max by (namespace, name) (rollout_info{phase="Paused"}) == 1',
      for: PAUSED_FOR,
      summary: `${rollout} waits for a person`,
      description: `${rollout} has been paused for ${PAUSED_FOR}: an inconclusive analysis (too little traffic to judge the new version) or a blue-green release waiting for promotion. See ${get}, then promote or abort it.`,
    },
    {
      alert: 'ErrorRatioAboveTarget',
      priority: 'P2',
      expr: `${recorded.errorRatio('5m')} > ${t.targetErrorRatio}`,
      for: '5m',
      summary: `${app} fails {{ $value | humanizePercentage }} of its requests, above its ${percent(t.targetErrorRatio)} target`,
      description: `{{ $value | humanizePercentage }} of the requests to ${app} failed with a 5xx status over the last 5 minutes, for 5 minutes (steady-state target ${percent(t.targetErrorRatio)}).`,
    },
    {
      alert: 'LatencyAboveTarget',
      priority: 'P2',
      expr: `${recorded.latencyP95} > ${t.targetLatencyP95Seconds}`,
      for: '5m',
      summary: `${app} p95 {{ $value | humanizeDuration }} is above its ${t.targetLatencyP95Seconds}s target`,
      description: `The 95th percentile request duration of ${app} has been {{ $value | humanizeDuration }} for 5 minutes (steady-state target ${t.targetLatencyP95Seconds}s).`,
    },
  ],
};
