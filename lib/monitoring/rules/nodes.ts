/**
 * Node alerts: the node-exporter mixin's (node-mixin, alerts.libsonnet) and the kubernetes mixin's
 * (KubeNodeNotReady, KubeNodePressure), under their names, at the thresholds and priorities of the
 * user's documents where they give one (CPU 80% / 95%, memory 85% for 5 minutes as P1, network
 * errors P2, "node down but service available" as a high-priority, non-paging alert).
 *
 * node-exporter series carry `instance` = the node's name (lib/monitoring/prometheus-config.ts);
 * kube-state-metrics series carry `node`.
 */
import { type AlertGroupDefinition, percent } from './model';
import type { AlertThresholds } from './thresholds';

const node = 'Node {{ $labels.instance }}';
/** Busy share of a node's CPUs: every mode but idle and iowait, averaged over its CPUs. */
const cpuBusy = 'sum by (instance) (avg without (cpu) (rate(node_cpu_seconds_total{mode!~"idle|iowait"}[5m])))';

function cpuUsage(alert: string, priority: 'P0' | 'P1', threshold: number, forDuration: string) {
  return {
    alert,
    priority,
    expr: `${cpuBusy} > ${threshold}`,
    for: forDuration,
    summary: `${node} uses {{ $value | humanizePercentage }} of its CPU`,
    description: `${node} has been using {{ $value | humanizePercentage }} of its CPUs, above ${percent(threshold)}, for ${forDuration}: its pods are slowed down and new ones may not fit.`,
  };
}

function networkErrors(alert: string, direction: 'receive' | 'transmit', threshold: number, forDuration: string) {
  return {
    alert,
    priority: 'P2' as const,
    expr: `sum by (instance, device) (rate(node_network_${direction}_errs_total[5m])) / sum by (instance, device) (rate(node_network_${direction}_packets_total[5m])) > ${threshold}`,
    for: forDuration,
    summary: `${node} has ${direction} errors on {{ $labels.device }}`,
    description: `{{ $value | humanizePercentage }} of the packets ${direction === 'receive' ? 'received' : 'sent'} on interface {{ $labels.device }} of node {{ $labels.instance }} were in error for ${forDuration} (threshold ${percent(threshold)}): a faulty link, cable or driver.`,
  };
}

export const nodeAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.nodes.alerts',
  component: 'infrastructure',
  alerts: (t) => [
    {
      alert: 'KubeNodeNotReady',
      priority: 'P1',
      expr: 'max by (node) (kube_node_status_condition{condition="Ready", status="true"}) == 0',
      for: t.nodeNotReadyFor,
      summary: 'Node {{ $labels.node }} is not ready',
      description: `Node {{ $labels.node }} has not been Ready for ${t.nodeNotReadyFor}: its pods are being evicted and rescheduled elsewhere (kubectl describe node {{ $labels.node }}).`,
    },
    {
      alert: 'KubeNodePressure',
      priority: 'P1',
      expr: 'max by (node, condition) (kube_node_status_condition{condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"}) == 1',
      for: t.nodePressureFor,
      summary: 'Node {{ $labels.node }} reports {{ $labels.condition }}',
      description: `Node {{ $labels.node }} has reported {{ $labels.condition }} for ${t.nodePressureFor}: the kubelet evicts pods and refuses new ones until it recovers.`,
    },
    cpuUsage('NodeCPUHighUsage', 'P1', t.nodeCpuWarningRatio, t.nodeCpuFor),
    cpuUsage('NodeCPUCriticalUsage', 'P0', t.nodeCpuCriticalRatio, t.nodeCpuFor),
    {
      alert: 'NodeMemoryHighUtilization',
      priority: 'P1',
      expr: `1 - max by (instance) (node_memory_MemAvailable_bytes) / max by (instance) (node_memory_MemTotal_bytes) > ${t.nodeMemoryRatio}`,
      for: t.nodeMemoryFor,
      summary: `${node} uses {{ $value | humanizePercentage }} of its memory`,
      description: `${node} has had {{ $value | humanizePercentage }} of its memory in use, above ${percent(t.nodeMemoryRatio)}, for ${t.nodeMemoryFor}: the kernel OOM killer or the kubelet's eviction comes next.`,
    },
    {
      alert: 'NodeSystemSaturation',
      priority: 'P1',
      expr: `max by (instance) (node_load1) / count by (instance) (node_cpu_seconds_total{mode="idle"}) > ${t.nodeLoadPerCpu}`,
      for: t.nodeLoadFor,
      summary: `${node} is saturated: load {{ $value | humanize }} per CPU`,
      description: `The 1-minute load average of node {{ $labels.instance }} has been {{ $value | humanize }} per CPU, above ${t.nodeLoadPerCpu}, for ${t.nodeLoadFor}: processes wait for CPU or I/O.`,
    },
    networkErrors('NodeNetworkReceiveErrs', 'receive', t.networkErrorRatio, t.networkErrorsFor),
    networkErrors('NodeNetworkTransmitErrs', 'transmit', t.networkErrorRatio, t.networkErrorsFor),
  ],
};
