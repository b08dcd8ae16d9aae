import { type AlertSpec, selector } from '../promtool';
import { apiContainer, kubeStateMetrics } from './fixtures';

const ksm = (metric: string, labels: Record<string, string>) => selector(metric, { ...kubeStateMetrics, ...labels });
const waiting = ksm('kube_pod_container_status_waiting_reason', { ...apiContainer, reason: 'CrashLoopBackOff' });
const restarts = ksm('kube_pod_container_status_restarts_total', apiContainer);
const terminated = (reason: string) => ksm('kube_pod_container_status_last_terminated_reason', { ...apiContainer, reason });
const deployment = { namespace: 'shop', deployment: 'api' };
const container = 'container api of pod api-7d9f8-abcde in shop';

export const workloadSpecs: AlertSpec[] = [
  {
    alertname: 'PodCrashLooping',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires after 5m in CrashLoopBackOff',
        series: { [waiting]: '0 1x10' },
        evalTime: '8m',
        fires: [
          {
            labels: apiContainer,
            summary: 'Container api of shop/api-7d9f8-abcde is crash looping',
            description: `The ${container} has been waiting in CrashLoopBackOff for ${t.crashLoopFor}.`,
          },
        ],
      },
      { name: 'is silent on short back-offs', series: { [waiting]: '0 1 1 0 0 1 1 0 0 0' }, evalTime: '9m', fires: [] },
    ],
  },
  {
    alertname: 'PodRestartingFrequently',
    priority: 'P2',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires on 12 restarts in an hour',
        series: { [restarts]: '0+1x20' },
        interval: '5m',
        evalTime: '100m',
        fires: [
          {
            labels: apiContainer,
            summary: 'Container api of shop/api-7d9f8-abcde restarts often',
            description: `The ${container} restarted 12 times in the last hour (threshold ${t.restartsPerHour}).`,
          },
        ],
      },
      { name: 'is silent on one restart in an hour', series: { [restarts]: '0x6 1x6 2x6' }, interval: '5m', evalTime: '100m', fires: [] },
    ],
  },
  {
    alertname: 'ContainerOOMKilled',
    priority: 'P1',
    component: 'application',
    cases: () => [
      {
        name: 'fires when the container restarted after an OOM kill',
        series: { [restarts]: '0 0 0 1 1 1', [terminated('OOMKilled')]: '0 0 0 1 1 1' },
        evalTime: '5m',
        fires: [
          {
            labels: apiContainer,
            summary: 'Container api of shop/api-7d9f8-abcde was OOM killed',
            description: `The ${container} restarted in the last 10 minutes after being killed for exceeding its memory limit.`,
          },
        ],
      },
      {
        name: 'is silent when the restart had another cause',
        series: { [restarts]: '0 0 0 1 1 1', [terminated('Error')]: '0 0 0 1 1 1' },
        evalTime: '5m',
        fires: [],
      },
      {
        name: 'is silent once the OOM kill is older than 10m',
        series: { [restarts]: '0 1x20', [terminated('OOMKilled')]: '0 1x20' },
        evalTime: '20m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'DeploymentReplicasMismatch',
    priority: 'P1',
    component: 'application',
    cases: (t) => [
      {
        name: 'fires when a replica stays unavailable for 15m',
        series: { [ksm('kube_deployment_spec_replicas', deployment)]: '3x30', [ksm('kube_deployment_status_replicas_available', deployment)]: '3 2x29' },
        evalTime: '20m',
        fires: [
          {
            labels: deployment,
            summary: 'Deployment shop/api lacks available replicas',
            description: `Deployment shop/api has not had its 3 desired replicas available for ${t.replicasMismatchFor}.`,
          },
        ],
      },
      {
        name: 'is silent during a short rollout',
        series: { [ksm('kube_deployment_spec_replicas', deployment)]: '3x30', [ksm('kube_deployment_status_replicas_available', deployment)]: '3 2 2 2 3x26' },
        evalTime: '20m',
        fires: [],
      },
    ],
  },
];
