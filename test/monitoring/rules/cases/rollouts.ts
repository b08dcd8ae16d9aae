import { type AlertSpec, selector } from '../promtool';

/** The Argo Rollouts controller's series of one Rollout in one phase. */
const rolloutInfo = (phase: string) => selector('rollout_info', { job: 'argo-rollouts', namespace: 'api-production', name: 'api', strategy: 'canary', traffic_router: 'Nginx', phase });
const api = { namespace: 'api-production', name: 'api' };

export const rolloutSpecs: AlertSpec[] = [
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
];
