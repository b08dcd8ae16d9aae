import { type AlertSpec, selector } from '../promtool';
import { apiContainer, kubeStateMetrics } from './fixtures';
import { percent } from './format';

const cadvisor = (metric: string, container: string) => selector(metric, { ...apiContainer, container, job: 'cadvisor', instance: 'node-1', id: `/kubepods/pod1/${container || 'pod'}` });
const limit = (resource: string, value: string) => ({
  [selector('kube_pod_container_resource_limits', { ...kubeStateMetrics, ...apiContainer, resource, unit: resource === 'cpu' ? 'core' : 'byte' })]: value,
});
const Mi = 1024 * 1024;

const rootFs = { job: 'node-exporter', instance: 'node-1', device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/' };
const runFs = { job: 'node-exporter', instance: 'node-1', device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' };
/** A 100 GB filesystem with `used` of it used. */
const filesystem = (labels: Record<string, string>, used: number) => ({
  [selector('node_filesystem_size_bytes', labels)]: `${100e9}x10`,
  [selector('node_filesystem_avail_bytes', labels)]: `${Math.round((1 - used) * 100e9)}x10`,
});

const hpa = { namespace: 'shop', horizontalpodautoscaler: 'api' };
const ksm = (metric: string, labels: Record<string, string>) => selector(metric, { ...kubeStateMetrics, ...labels });
const condition = (name: string, status: string) => ksm('kube_horizontalpodautoscaler_status_condition', { ...hpa, condition: name, status });
const pdb = { namespace: 'shop', poddisruptionbudget: 'api' };

export const infrastructureSpecs: AlertSpec[] = [
  {
    alertname: 'HighCPUUsage',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires at 90% of the CPU limit',
        series: { [cadvisor('container_cpu_usage_seconds_total', 'api')]: '0+27x20', ...limit('cpu', '0.5x20') },
        evalTime: '15m',
        fires: [
          {
            labels: apiContainer,
            summary: 'Container api of shop/api-7d9f8-abcde uses 90% of its CPU limit',
            description: `Container api of shop/api-7d9f8-abcde has used more than ${percent(t.cpuLimitRatio)} of its CPU limit for ${t.cpuFor} (90%): it is being throttled or close to it.`,
          },
        ],
      },
      {
        name: 'is silent at 50%, whatever the pod cgroup uses',
        series: {
          [cadvisor('container_cpu_usage_seconds_total', 'api')]: '0+15x20',
          [cadvisor('container_cpu_usage_seconds_total', '')]: '0+60x20',
          ...limit('cpu', '0.5x20'),
        },
        evalTime: '15m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'HighMemoryUsage',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires at 240Mi of a 256Mi limit',
        series: { [cadvisor('container_memory_working_set_bytes', 'api')]: `${240 * Mi}x20`, ...limit('memory', `${256 * Mi}x20`) },
        evalTime: '10m',
        fires: [
          {
            labels: apiContainer,
            summary: 'Container api of shop/api-7d9f8-abcde uses 93.75% of its memory limit',
            description: `Container api of shop/api-7d9f8-abcde has used more than ${percent(t.memoryLimitRatio)} of its memory limit for ${t.memoryFor} (93.75%): it is OOM killed when it reaches the limit.`,
          },
        ],
      },
      {
        name: 'is silent at half the limit',
        series: { [cadvisor('container_memory_working_set_bytes', 'api')]: `${128 * Mi}x20`, ...limit('memory', `${256 * Mi}x20`) },
        evalTime: '10m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'NodeDiskUsageHigh',
    priority: 'P2',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires at 78% used',
        series: filesystem(rootFs, 0.78),
        evalTime: '8m',
        fires: [
          {
            labels: rootFs,
            summary: 'Filesystem / on node-1 is 78% full',
            description: `Filesystem / (/dev/nvme0n1p1) on node node-1 is 78% full, above ${percent(t.diskWarningRatio)}, for ${t.diskFor}.`,
          },
        ],
      },
      { name: 'is silent at 50% used, and on a full tmpfs', series: { ...filesystem(rootFs, 0.5), ...filesystem(runFs, 0.99) }, evalTime: '8m', fires: [] },
    ],
  },
  {
    alertname: 'NodeDiskUsageCritical',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires at 90% used',
        series: filesystem(rootFs, 0.9),
        evalTime: '8m',
        fires: [
          {
            labels: rootFs,
            summary: 'Filesystem / on node-1 is 90% full',
            description: `Filesystem / (/dev/nvme0n1p1) on node node-1 is 90% full, above ${percent(t.diskCriticalRatio)}, for ${t.diskFor}.`,
          },
        ],
      },
      { name: 'is silent at 78% used (NodeDiskUsageHigh only)', series: filesystem(rootFs, 0.78), evalTime: '8m', fires: [] },
    ],
  },
  {
    alertname: 'HPAMaxedOut',
    priority: 'P2',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires after 15m at the maximum',
        series: {
          [ksm('kube_horizontalpodautoscaler_status_current_replicas', hpa)]: '5x30',
          [ksm('kube_horizontalpodautoscaler_spec_max_replicas', hpa)]: '5x30',
        },
        evalTime: '20m',
        fires: [
          {
            labels: hpa,
            summary: 'HorizontalPodAutoscaler shop/api runs at its maximum replicas',
            description: `HorizontalPodAutoscaler shop/api has run at its maximum of 5 replicas for ${t.hpaMaxedOutFor}: it cannot absorb more load.`,
          },
        ],
      },
      {
        name: 'is silent below the maximum',
        series: {
          [ksm('kube_horizontalpodautoscaler_status_current_replicas', hpa)]: '3x30',
          [ksm('kube_horizontalpodautoscaler_spec_max_replicas', hpa)]: '5x30',
        },
        evalTime: '20m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'HPAUnableToScale',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires when ScalingActive stays false',
        series: {
          [condition('ScalingActive', 'false')]: '1x20',
          [condition('ScalingActive', 'true')]: '0x20',
          [condition('AbleToScale', 'false')]: '0x20',
          [condition('AbleToScale', 'true')]: '1x20',
        },
        evalTime: '15m',
        fires: [
          {
            labels: { ...hpa, condition: 'ScalingActive' },
            summary: 'HorizontalPodAutoscaler shop/api cannot scale',
            description: `HorizontalPodAutoscaler shop/api has reported ScalingActive=False for ${t.hpaUnableToScaleFor}: it cannot read its metrics or change the replica count.`,
          },
        ],
      },
      {
        name: 'is silent when both conditions are true',
        series: {
          [condition('ScalingActive', 'false')]: '0x20',
          [condition('ScalingActive', 'true')]: '1x20',
          [condition('AbleToScale', 'false')]: '0x20',
          [condition('AbleToScale', 'true')]: '1x20',
        },
        evalTime: '15m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'PDBNoDisruptionsAllowed',
    priority: 'P2',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires after 15m without an allowed disruption',
        series: { [ksm('kube_poddisruptionbudget_status_pod_disruptions_allowed', pdb)]: '0x30' },
        evalTime: '20m',
        fires: [
          {
            labels: pdb,
            summary: 'PodDisruptionBudget shop/api allows no disruption',
            description: `PodDisruptionBudget shop/api has allowed no voluntary disruption for ${t.pdbNoDisruptionsFor}: node drains and cluster upgrades are blocked.`,
          },
        ],
      },
      { name: 'is silent when one disruption is allowed', series: { [ksm('kube_poddisruptionbudget_status_pod_disruptions_allowed', pdb)]: '1x30' }, evalTime: '20m', fires: [] },
    ],
  },
];
