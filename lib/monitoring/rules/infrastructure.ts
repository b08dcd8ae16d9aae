/**
 * Infrastructure alerts: containers near their CPU or memory limits (cAdvisor over kube-state-metrics
 * limits), node filesystems filling up (node-exporter; the other node alerts are in nodes.ts), autoscalers and disruption budgets that block.
 */
import { type AlertGroupDefinition, percent } from './model';
import type { AlertThresholds } from './thresholds';

const containerKeys = 'namespace, pod, container';
const shortContainer = 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }}';
/** Real containers: cAdvisor also reports the pod cgroup (container="") and the pause container. */
const containers = 'container!="", container!="POD"';
/** Filesystems that can fill up: not the in-memory or read-only image layers. */
const diskFilesystems = 'fstype!~"tmpfs|overlay|squashfs"';
const usedShare = `(1 - node_filesystem_avail_bytes{${diskFilesystems}} / node_filesystem_size_bytes{${diskFilesystems}})`;
const hpa = 'HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }}';

function nodeDisk(alert: string, priority: 'P1' | 'P2', threshold: number, forDuration: string) {
  return {
    alert,
    priority,
    expr: `${usedShare} > ${threshold}`,
    for: forDuration,
    summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full',
    description: `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on node {{ $labels.instance }} is {{ $value | humanizePercentage }} full, above ${percent(threshold)}, for ${forDuration}.`,
  };
}

export const infrastructureAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.infrastructure.alerts',
  component: 'infrastructure',
  alerts: (t) => [
    {
      alert: 'HighCPUUsage',
      priority: 'P1',
      expr:
        `sum by (${containerKeys}) (rate(container_cpu_usage_seconds_total{${containers}}[5m]))` +
        ` / on (${containerKeys}) sum by (${containerKeys}) (kube_pod_container_resource_limits{resource="cpu"})` +
        ` > ${t.cpuLimitRatio}`,
      for: t.cpuFor,
      summary: `${shortContainer} uses {{ $value | humanizePercentage }} of its CPU limit`,
      description: `${shortContainer} has used more than ${percent(t.cpuLimitRatio)} of its CPU limit for ${t.cpuFor} ({{ $value | humanizePercentage }}): it is being throttled or close to it.`,
    },
    {
      alert: 'HighMemoryUsage',
      priority: 'P1',
      expr:
        `max by (${containerKeys}) (container_memory_working_set_bytes{${containers}})` +
        ` / on (${containerKeys}) sum by (${containerKeys}) (kube_pod_container_resource_limits{resource="memory"})` +
        ` > ${t.memoryLimitRatio}`,
      for: t.memoryFor,
      summary: `${shortContainer} uses {{ $value | humanizePercentage }} of its memory limit`,
      description: `${shortContainer} has used more than ${percent(t.memoryLimitRatio)} of its memory limit for ${t.memoryFor} ({{ $value | humanizePercentage }}): it is OOM killed when it reaches the limit.`,
    },
    // The documents' priorities: DiskSpaceWarning (75%) P2, HighDiskUsage (85%) P1.
    nodeDisk('NodeDiskUsageHigh', 'P2', t.diskWarningRatio, t.diskFor),
    nodeDisk('NodeDiskUsageCritical', 'P1', t.diskCriticalRatio, t.diskFor),
    {
      alert: 'HPAMaxedOut',
      priority: 'P2',
      expr:
        'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas)' + ' >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas)',
      for: t.hpaMaxedOutFor,
      summary: `${hpa} runs at its maximum replicas`,
      description: `${hpa} has run at its maximum of {{ $value }} replicas for ${t.hpaMaxedOutFor}: it cannot absorb more load.`,
    },
    {
      alert: 'HPAUnableToScale',
      priority: 'P1',
      expr: 'max by (namespace, horizontalpodautoscaler, condition) ' + '(kube_horizontalpodautoscaler_status_condition{condition=~"AbleToScale|ScalingActive", status="false"}) == 1',
      for: t.hpaUnableToScaleFor,
      summary: `${hpa} cannot scale`,
      description: `${hpa} has reported {{ $labels.condition }}=False for ${t.hpaUnableToScaleFor}: it cannot read its metrics or change the replica count.`,
    },
    {
      alert: 'PDBNoDisruptionsAllowed',
      priority: 'P2',
      expr: 'max by (namespace, poddisruptionbudget) (kube_poddisruptionbudget_status_pod_disruptions_allowed) == 0',
      for: t.pdbNoDisruptionsFor,
      summary: 'PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} allows no disruption',
      description: `PodDisruptionBudget {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} has allowed no voluntary disruption for ${t.pdbNoDisruptionsFor}: node drains and cluster upgrades are blocked.`,
    },
  ],
};
