/** Resources and saturation: CPU and memory against requests and limits, throttling, HPA, volumes. */
import type { DashboardDefinition } from './dashboard';
import { gauge, thresholds, timeseries } from './panels';
import { APP_CADVISOR, BY_CONTAINER, containerResource, cpuUsage, legend, memoryWorkingSet } from './promql';

const BY_POD = 'namespace, pod';
const BY_HPA = 'namespace, horizontalpodautoscaler';
const BY_PVC = 'namespace, persistentvolumeclaim';
const HPAS = 'namespace=~"$namespace", horizontalpodautoscaler=~"$job"';
const VOLUMES = 'namespace=~"$namespace"';
/** Requests, limits and replica bounds are drawn dashed, usage solid. */
const BOUNDS = ' (requests|limits|min|max)$';

export function resourcesDashboard(): DashboardDefinition {
  return {
    uid: 'platform-resources',
    title: 'Resources and saturation',
    description: 'CPU and memory of the application containers against their requests and limits, CPU throttling, autoscaling headroom and volume usage.',
    tags: ['resources', 'saturation'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    sections: [
      {
        title: 'CPU',
        panels: [
          timeseries({
            title: 'CPU usage, requests and limits',
            description: 'CPU used by the application containers (cores), with the sum of their requests and limits (dashed).',
            queries: usageRequestsLimits(cpuUsage(BY_CONTAINER), 'cpu'),
            unit: 'short',
            dashedSeries: BOUNDS,
          }),
          timeseries({
            title: 'CPU usage / requests',
            description: 'CPU used by each pod relative to its requests. Above 100% the pod lives on spare node capacity, which the scheduler does not guarantee.',
            queries: [{ expr: `${cpuUsage(BY_POD)} / ${containerResource('requests', 'cpu', BY_POD)}`, legend: legend(BY_POD) }],
            unit: 'percentunit',
            thresholds: thresholds('green', [1, 'orange']),
            thresholdLines: true,
          }),
          timeseries({
            title: 'CPU throttling',
            description: 'Share of CFS periods in which the container was throttled by its CPU limit. Sustained throttling adds latency even at low average usage.',
            queries: [
              {
                expr: `sum by (${BY_POD}) (rate(container_cpu_cfs_throttled_periods_total{${APP_CADVISOR}}[$__rate_interval])) / sum by (${BY_POD}) (rate(container_cpu_cfs_periods_total{${APP_CADVISOR}}[$__rate_interval]))`,
                legend: legend(BY_POD),
              },
            ],
            unit: 'percentunit',
            max: 1,
            thresholds: thresholds('green', [0.25, 'orange']),
            thresholdLines: true,
            width: 24,
          }),
        ],
      },
      {
        title: 'Memory',
        panels: [
          timeseries({
            title: 'Memory working set, requests and limits',
            description: 'Working set of the application containers, with the sum of their memory requests and limits (dashed).',
            queries: usageRequestsLimits(memoryWorkingSet(BY_CONTAINER), 'memory'),
            unit: 'bytes',
            dashedSeries: BOUNDS,
          }),
          timeseries({
            title: 'Memory working set / limits',
            description: 'Working set of each pod relative to its memory limit: the container is OOM-killed when it reaches 100%.',
            queries: [{ expr: `${memoryWorkingSet(BY_POD)} / ${containerResource('limits', 'memory', BY_POD)}`, legend: legend(BY_POD) }],
            unit: 'percentunit',
            thresholds: thresholds('green', [0.9, 'red']),
            thresholdLines: true,
          }),
        ],
      },
      {
        title: 'Autoscaling',
        panels: [
          timeseries({
            title: 'HPA replicas',
            description: 'Current and desired replicas of each HorizontalPodAutoscaler, with its minimum and maximum (dashed).',
            queries: [
              { expr: hpaSeries('kube_horizontalpodautoscaler_status_current_replicas'), legend: `${legend(BY_HPA)} current` },
              { expr: hpaSeries('kube_horizontalpodautoscaler_status_desired_replicas'), legend: `${legend(BY_HPA)} desired` },
              { expr: hpaSeries('kube_horizontalpodautoscaler_spec_min_replicas'), legend: `${legend(BY_HPA)} min` },
              { expr: hpaSeries('kube_horizontalpodautoscaler_spec_max_replicas'), legend: `${legend(BY_HPA)} max` },
            ],
            unit: 'none',
            dashedSeries: BOUNDS,
            width: 16,
          }),
          gauge({
            title: 'HPA replicas / max',
            description: 'Current replicas relative to the maximum: at 100% the HPA cannot scale out any further.',
            queries: [{ expr: `${hpaSeries('kube_horizontalpodautoscaler_status_current_replicas')} / ${hpaSeries('kube_horizontalpodautoscaler_spec_max_replicas')}`, legend: legend(BY_HPA) }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: thresholds('green', [0.8, 'orange'], [1, 'red']),
            width: 8,
            height: 8,
          }),
        ],
      },
      {
        title: 'Volumes',
        panels: [
          gauge({
            title: 'Volume usage',
            description: 'Used share of each PersistentVolumeClaim mounted in the namespace, as the kubelet measures it.',
            queries: [{ expr: volumeRatio('kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'), legend: legend(BY_PVC) }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: thresholds('green', [0.8, 'orange'], [0.9, 'red']),
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Volume usage over time',
            description: 'Used share of each PersistentVolumeClaim: a steady climb tells when it will be full.',
            queries: [{ expr: volumeRatio('kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'), legend: legend(BY_PVC) }],
            unit: 'percentunit',
            max: 1,
            width: 8,
          }),
          timeseries({
            title: 'Volume inode usage',
            description: 'Used share of the inodes of each PersistentVolumeClaim: many small files exhaust inodes before bytes.',
            queries: [{ expr: volumeRatio('kubelet_volume_stats_inodes_used', 'kubelet_volume_stats_inodes'), legend: legend(BY_PVC) }],
            unit: 'percentunit',
            max: 1,
            width: 8,
          }),
        ],
      },
    ],
  };
}

function usageRequestsLimits(usage: string, resource: 'cpu' | 'memory') {
  return [
    { expr: usage, legend: `${legend(BY_CONTAINER)} usage` },
    { expr: containerResource('requests', resource, BY_CONTAINER), legend: `${legend(BY_CONTAINER)} requests` },
    { expr: containerResource('limits', resource, BY_CONTAINER), legend: `${legend(BY_CONTAINER)} limits` },
  ];
}

function hpaSeries(metric: string): string {
  return `max by (${BY_HPA}) (${metric}{${HPAS}})`;
}

/** One kubelet volume statistic relative to another, per claim (`max` drops the kubelet's own labels). */
function volumeRatio(part: string, whole: string): string {
  return `max by (${BY_PVC}) (${part}{${VOLUMES}}) / max by (${BY_PVC}) (${whole}{${VOLUMES}})`;
}
