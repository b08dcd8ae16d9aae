/** Cases of the node alerts (lib/monitoring/rules/nodes.ts), with series as node-exporter and kube-state-metrics expose them. */
import { type AlertSpec, selector } from '../promtool';
import { kubeStateMetrics } from './fixtures';
import { percent } from './format';

const nodeExporter = { job: 'node-exporter', instance: 'node-1' };
const condition = (name: string, status: string) => selector('kube_node_status_condition', { ...kubeStateMetrics, node: 'node-1', condition: name, status });
/** Two CPUs, each busy (user) `busy` of the time, idle otherwise: counters in seconds per 1m step. */
const cpus = (busy: number) =>
  Object.fromEntries(
    ['0', '1'].flatMap((cpu) => [
      [selector('node_cpu_seconds_total', { ...nodeExporter, cpu, mode: 'user' }), `0+${busy * 60}x20`],
      [selector('node_cpu_seconds_total', { ...nodeExporter, cpu, mode: 'idle' }), `0+${(1 - busy) * 60}x20`],
      [selector('node_cpu_seconds_total', { ...nodeExporter, cpu, mode: 'iowait' }), '0+6x20'],
    ]),
  );
const memory = (used: number) => ({
  [selector('node_memory_MemTotal_bytes', nodeExporter)]: `${16e9}x20`,
  [selector('node_memory_MemAvailable_bytes', nodeExporter)]: `${Math.round((1 - used) * 16e9)}x20`,
});
const load = (load1: number) => ({ ...cpus(0.5), [selector('node_load1', nodeExporter)]: `${load1}x20` });
/** 1000 packets a second on eth0, `errors` of them in error, in `direction`. */
const packets = (direction: 'receive' | 'transmit', errors: number) => ({
  [selector(`node_network_${direction}_packets_total`, { ...nodeExporter, device: 'eth0' })]: '0+60000x100',
  [selector(`node_network_${direction}_errs_total`, { ...nodeExporter, device: 'eth0' })]: `0+${errors * 60}x100`,
});
const node = { instance: 'node-1' };

function cpuSpec(alertname: string, priority: 'P0' | 'P1', threshold: (t: Parameters<AlertSpec['cases']>[0]) => number, busy: number, healthy: number): AlertSpec {
  const share = `${Math.round(busy * 100)}%`;
  return {
    alertname,
    priority,
    component: 'infrastructure',
    cases: (t) => [
      {
        name: `fires at ${share} busy`,
        series: cpus(busy),
        evalTime: '15m',
        fires: [
          {
            labels: node,
            summary: `Node node-1 uses ${share} of its CPU`,
            description: `Node node-1 has been using ${share} of its CPUs, above ${percent(threshold(t))}, for ${t.nodeCpuFor}: its pods are slowed down and new ones may not fit.`,
          },
        ],
      },
      { name: `is silent at ${Math.round(healthy * 100)}% busy (iowait is not busy)`, series: cpus(healthy), evalTime: '15m', fires: [] },
    ],
  };
}

function networkSpec(alertname: string, direction: 'receive' | 'transmit'): AlertSpec {
  return {
    alertname,
    priority: 'P2',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires on 2% of the packets in error for an hour',
        series: packets(direction, 20),
        evalTime: '80m',
        fires: [
          {
            labels: { instance: 'node-1', device: 'eth0' },
            summary: `Node node-1 has ${direction} errors on eth0`,
            description: `2% of the packets ${direction === 'receive' ? 'received' : 'sent'} on interface eth0 of node node-1 were in error for ${t.networkErrorsFor} (threshold ${percent(t.networkErrorRatio)}): a faulty link, cable or driver.`,
          },
        ],
      },
      { name: 'is silent on 0.1% in error', series: packets(direction, 1), evalTime: '80m', fires: [] },
    ],
  };
}

export const nodeSpecs: AlertSpec[] = [
  {
    alertname: 'KubeNodeNotReady',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires when Ready stays false for 15m',
        series: { [condition('Ready', 'true')]: '0x30', [condition('Ready', 'false')]: '1x30' },
        evalTime: '20m',
        fires: [
          {
            labels: { node: 'node-1' },
            summary: 'Node node-1 is not ready',
            description: `Node node-1 has not been Ready for ${t.nodeNotReadyFor}: its pods are being evicted and rescheduled elsewhere (kubectl describe node node-1).`,
          },
        ],
      },
      { name: 'is silent on a node that becomes ready again within 15m', series: { [condition('Ready', 'true')]: '0x10 1x20' }, evalTime: '20m', fires: [] },
    ],
  },
  {
    alertname: 'KubeNodePressure',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires on MemoryPressure for 10m',
        series: { [condition('MemoryPressure', 'true')]: '1x20', [condition('DiskPressure', 'true')]: '0x20' },
        evalTime: '15m',
        fires: [
          {
            labels: { node: 'node-1', condition: 'MemoryPressure' },
            summary: 'Node node-1 reports MemoryPressure',
            description: `Node node-1 has reported MemoryPressure for ${t.nodePressureFor}: the kubelet evicts pods and refuses new ones until it recovers.`,
          },
        ],
      },
      { name: 'is silent without pressure', series: { [condition('MemoryPressure', 'true')]: '0x20', [condition('MemoryPressure', 'false')]: '1x20' }, evalTime: '15m', fires: [] },
    ],
  },
  cpuSpec('NodeCPUHighUsage', 'P1', (t) => t.nodeCpuWarningRatio, 0.85, 0.5),
  cpuSpec('NodeCPUCriticalUsage', 'P0', (t) => t.nodeCpuCriticalRatio, 0.98, 0.85),
  {
    alertname: 'NodeMemoryHighUtilization',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires at 90% used',
        series: memory(0.9),
        evalTime: '10m',
        fires: [
          {
            labels: node,
            summary: 'Node node-1 uses 90% of its memory',
            description: `Node node-1 has had 90% of its memory in use, above ${percent(t.nodeMemoryRatio)}, for ${t.nodeMemoryFor}: the kernel OOM killer or the kubelet's eviction comes next.`,
          },
        ],
      },
      { name: 'is silent at 60% used', series: memory(0.6), evalTime: '10m', fires: [] },
    ],
  },
  {
    alertname: 'NodeSystemSaturation',
    priority: 'P1',
    component: 'infrastructure',
    cases: (t) => [
      {
        name: 'fires at a load of 5 on 2 CPUs',
        series: load(5),
        evalTime: '20m',
        fires: [
          {
            labels: node,
            summary: 'Node node-1 is saturated: load 2.5 per CPU',
            description: `The 1-minute load average of node node-1 has been 2.5 per CPU, above ${t.nodeLoadPerCpu}, for ${t.nodeLoadFor}: processes wait for CPU or I/O.`,
          },
        ],
      },
      { name: 'is silent at a load of 2 on 2 CPUs', series: load(2), evalTime: '20m', fires: [] },
    ],
  },
  networkSpec('NodeNetworkReceiveErrs', 'receive'),
  networkSpec('NodeNetworkTransmitErrs', 'transmit'),
];
