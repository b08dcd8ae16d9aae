import { type AlertSpec, selector } from '../promtool';
import { percent } from './format';

const claim = { namespace: 'data', persistentvolumeclaim: 'postgres-data-postgres-0' };
/** A 20 GB volume with `used` of it used, as the kubelet reports it. */
const volume = (used: number) => {
  const labels = { ...claim, job: 'kubelet', instance: 'node-1', node: 'node-1' };
  return {
    [selector('kubelet_volume_stats_capacity_bytes', labels)]: `${20e9}x10`,
    [selector('kubelet_volume_stats_available_bytes', labels)]: `${Math.round((1 - used) * 20e9)}x10`,
  };
};

const asPercent = (ratio: number) => `${Math.round(ratio * 100)}%`;

function volumeSpec(alertname: string, priority: 'P1' | 'P2', threshold: (t: Parameters<AlertSpec['cases']>[0]) => number, used: number, healthy: number): AlertSpec {
  return {
    alertname,
    priority,
    component: 'database',
    cases: (t) => [
      {
        name: `fires at ${asPercent(used)} used`,
        series: volume(used),
        evalTime: '8m',
        fires: [
          {
            labels: claim,
            summary: `Volume data/postgres-data-postgres-0 is ${asPercent(used)} full`,
            description: `PersistentVolumeClaim postgres-data-postgres-0 in data is ${asPercent(used)} full, above ${percent(threshold(t))}, for ${t.diskFor}.`,
          },
        ],
      },
      { name: `is silent at ${asPercent(healthy)} used`, series: volume(healthy), evalTime: '8m', fires: [] },
    ],
  };
}

export const databaseSpecs: AlertSpec[] = [
  volumeSpec('PersistentVolumeUsageHigh', 'P2', (t) => t.diskWarningRatio, 0.78, 0.5),
  volumeSpec('PersistentVolumeUsageCritical', 'P1', (t) => t.diskCriticalRatio, 0.9, 0.78),
];
