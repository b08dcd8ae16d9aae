import { type AlertSpec, selector } from '../promtool';
import { api as application, latency, traffic } from './fixtures';
import { percent } from './format';

/** The Argo Rollouts controller's series of one Rollout in one phase. */
const rolloutInfo = (phase: string) => selector('rollout_info', { job: 'argo-rollouts', namespace: 'api-production', name: 'api', strategy: 'canary', traffic_router: 'Nginx', phase });
const api = { namespace: 'api-production', name: 'api' };

const replicas = (metric: string) => selector(metric, { job: 'argo-rollouts', namespace: 'api-production', name: 'api' });

export const rolloutSpecs: AlertSpec[] = [
  {
    alertname: 'RolloutReplicasMismatch',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when 2 of 3 desired replicas are available for 15m',
        series: { [replicas('rollout_info_replicas_desired')]: '3x30', [replicas('rollout_info_replicas_available')]: '2x30' },
        evalTime: '20m',
        fires: [
          {
            labels: api,
            summary: 'Rollout api-production/api lacks available replicas',
            description: `Rollout api-production/api has had 2 available replicas, fewer than desired, for ${t.replicasMismatchFor}: pods that do not start or do not become ready. See kubectl argo rollouts get rollout api -n api-production.`,
          },
        ],
      },
      // A canary (or a blue-green preview) runs more pods than desired for hours: not a mismatch.
      {
        name: 'is silent with more available than desired during a canary',
        series: { [replicas('rollout_info_replicas_desired')]: '3x30', [replicas('rollout_info_replicas_available')]: '4x30' },
        evalTime: '20m',
        fires: [],
      },
      { name: 'is silent on a short dip', series: { [replicas('rollout_info_replicas_desired')]: '3x30', [replicas('rollout_info_replicas_available')]: '2x5 3x25' }, evalTime: '20m', fires: [] },
    ],
  },
  {
    alertname: 'RolloutAborted',
    priority: 'P1',
    component: 'application',
    cases: () => [
      {
        name: 'fires when a Rollout stays Degraded for 1m',
        series: { [rolloutInfo('Degraded')]: '1x10' },
        evalTime: '5m',
        fires: [
          {
            labels: api,
            summary: 'Rollout api-production/api was aborted or is degraded',
            description:
              'Rollout api-production/api has been Degraded for 1m: its analysis failed and the release was rolled back to the stable version, or the new pods never became ready. See kubectl argo rollouts get rollout api -n api-production; release again after a fix, or retry with kubectl argo rollouts retry rollout.',
          },
        ],
      },
      { name: 'is silent while the Rollout progresses, then is healthy', series: { [rolloutInfo('Progressing')]: '1x5', [rolloutInfo('Healthy')]: '_x5 1x5' }, evalTime: '9m', fires: [] },
      // The controller drops the Degraded series when the phase changes: a stale marker, as a scrape writes.
      { name: 'is silent on a Degraded phase shorter than 1m', series: { [rolloutInfo('Degraded')]: '1 stale', [rolloutInfo('Healthy')]: '_ 1x9' }, interval: '30s', evalTime: '2m', fires: [] },
    ],
  },
  {
    alertname: 'RolloutPausedTooLong',
    priority: 'P2',
    component: 'application',
    cases: () => [
      {
        name: 'fires when a Rollout stays Paused for 2h',
        series: { [rolloutInfo('Paused')]: '1x30' },
        interval: '5m',
        evalTime: '2h10m',
        fires: [
          {
            labels: api,
            summary: 'Rollout api-production/api waits for a person',
            description:
              'Rollout api-production/api has been paused for 2h: an inconclusive analysis (too little traffic to judge the new version) or a blue-green release waiting for promotion. See kubectl argo rollouts get rollout api -n api-production, then promote or abort it.',
          },
        ],
      },
      { name: 'is silent on a pause shorter than 2h', series: { [rolloutInfo('Paused')]: '1x30' }, interval: '5m', evalTime: '1h50m', fires: [] },
    ],
  },
  {
    alertname: 'ErrorRatioAboveTarget',
    priority: 'P2',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires on 0.5% 5xx for 5m, below the paging threshold',
        series: traffic(995, 5, 20),
        evalTime: '15m',
        fires: [
          {
            labels: application,
            summary: `api in shop fails 0.5% of its requests, above its ${percent(t.targetErrorRatio)} target`,
            description: `0.5% of the requests to api in shop failed with a 5xx status over the last 5 minutes, for 5 minutes (steady-state target ${percent(t.targetErrorRatio)}).`,
          },
        ],
      },
      { name: 'is silent on 0.05% 5xx', series: traffic(19990, 10, 20), evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'LatencyAboveTarget',
    priority: 'P2',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when the p95 stays at 242.5 ms',
        series: latency('0.25', 30),
        evalTime: '20m',
        fires: [
          {
            labels: application,
            summary: `api in shop p95 242.5ms is above its ${t.targetLatencyP95Seconds}s target`,
            description: `The 95th percentile request duration of api in shop has been 242.5ms for 5 minutes (steady-state target ${t.targetLatencyP95Seconds}s).`,
          },
        ],
      },
      { name: 'is silent when the p95 is 95 ms', series: latency('0.1', 30), evalTime: '20m', fires: [] },
    ],
  },
];
