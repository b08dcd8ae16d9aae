import { percent } from './format';
import { type AlertSpec, selector } from '../promtool';
import { api, apiPod, latency, traffic } from './fixtures';

const podA = apiPod('api-7d9f8-aaaaa', '10.0.0.7');
const podB = apiPod('api-7d9f8-bbbbb', '10.0.0.8');
const up = (labels: Record<string, string>) => selector('up', labels);
const probe = { instance: 'https://shop.example.com/health', job: 'blackbox-http' };

export const applicationSpecs: AlertSpec[] = [
  {
    alertname: 'ServiceDown',
    priority: 'P0',
    component: 'application',
    cases: (t) => {
      const fired = {
        labels: api,
        summary: 'api in shop is down',
        description: `No scrape target of api in shop has answered for ${t.serviceDownFor}: every pod is down or unreachable.`,
      };
      return [
        { name: 'fires when every pod is down for 1m', series: { [up(podA)]: '1 0x5', [up(podB)]: '1 1 0x4' }, evalTime: '4m', fires: [fired] },
        { name: 'is pending, not firing, in the first minute', series: { [up(podA)]: '1 1 0', [up(podB)]: '1 1 0' }, evalTime: '2m', fires: [] },
        { name: 'is silent while one pod still answers', series: { [up(podA)]: '1 0x9', [up(podB)]: '1x10' }, evalTime: '10m', fires: [] },
      ];
    },
  },
  {
    alertname: 'ApplicationTargetDown',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when one pod has been down for 5m',
        series: { [up(podA)]: '1 0x9', [up(podB)]: '1x10' },
        evalTime: '7m',
        fires: [
          {
            labels: podA,
            summary: 'Pod api-7d9f8-aaaaa of api is not answering scrapes',
            description: `Prometheus has failed to scrape 10.0.0.7:8080 (pod api-7d9f8-aaaaa of api in shop) for ${t.targetDownFor}.`,
          },
        ],
      },
      { name: 'is silent when scrapes fail now and then', series: { [up(podA)]: '1 0 0 1 0 0 1 0 0 1', [up(podB)]: '1x10' }, evalTime: '9m', fires: [] },
    ],
  },
  {
    alertname: 'HighErrorRate',
    priority: 'P0',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires on 10% 5xx for 5m',
        series: traffic(540, 60, 20),
        evalTime: '15m',
        fires: [
          {
            labels: api,
            summary: 'api in shop fails 10% of its requests',
            description: `10% of the requests to api in shop failed with a 5xx status over the last 5 minutes (threshold ${percent(t.errorRatio)}).`,
          },
        ],
      },
      { name: 'is silent on 1% 5xx', series: traffic(594, 6, 20), evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'SlowResponseTime',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when every request takes 1 to 2.5 s',
        series: latency('2.5', 20),
        evalTime: '15m',
        fires: [
          {
            labels: api,
            summary: 'api in shop is slow: p99 2.485s',
            description: `The 99th percentile request duration of api in shop is 2.485s over the last 5 minutes (threshold ${t.latencyP99Seconds}s).`,
          },
        ],
      },
      { name: 'is silent when every request takes under 100 ms', series: latency('0.1', 20), evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'LatencySLOBreach',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when the p95 stays above the objective',
        series: latency('1', 30),
        evalTime: '20m',
        fires: [
          {
            labels: api,
            summary: 'api in shop misses its latency objective: p95 975ms',
            description: `The 95th percentile request duration of api in shop is 975ms, above its ${t.latencyP95Seconds}s objective, for ${t.latencyP95For}.`,
          },
        ],
      },
      { name: 'is silent when the p95 is 243 ms', series: latency('0.25', 30), evalTime: '20m', fires: [] },
    ],
  },
  {
    alertname: 'BlackboxProbeFailing',
    priority: 'P0',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when the probe fails for 2m',
        series: { [selector('probe_success', probe)]: '1 0x5' },
        evalTime: '4m',
        fires: [
          {
            labels: probe,
            summary: 'Probe of https://shop.example.com/health is failing',
            description: `The blackbox probe of https://shop.example.com/health (job blackbox-http) has failed for ${t.probeFailingFor}.`,
          },
        ],
      },
      { name: 'is silent when single probes fail', series: { [selector('probe_success', probe)]: '1 0 1 0 1 0' }, evalTime: '5m', fires: [] },
      // A data store's TCP probe is DataStoreUnreachable's (data-stores.ts), routed to the database team.
      {
        name: 'is silent on a failing TCP probe of a data store',
        series: { [selector('probe_success', { job: 'blackbox-tcp', instance: 'orders-db.data.internal:5432', data_store: 'orders-db', kind: 'postgresql' })]: '0x5' },
        evalTime: '5m',
        fires: [],
      },
    ],
  },
];
