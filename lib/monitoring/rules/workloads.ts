/** Workload alerts from kube-state-metrics: containers that crash or are OOM killed, Deployments short of replicas. */
import type { AlertGroupDefinition } from './model';
import type { AlertThresholds } from './thresholds';

const containerKeys = 'namespace, pod, container';
const container = 'container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }}';
const shortContainer = 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }}';

export const workloadAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.workloads.alerts',
  component: 'application',
  alerts: (t) => [
    {
      alert: 'PodCrashLooping',
      priority: 'P1',
      expr: `max by (${containerKeys}) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}) == 1`,
      for: t.crashLoopFor,
      summary: `${shortContainer} is crash looping`,
      description: `The ${container} has been waiting in CrashLoopBackOff for ${t.crashLoopFor}.`,
    },
    {
      alert: 'PodRestartingFrequently',
      priority: 'P2',
      expr: `sum by (${containerKeys}) (increase(kube_pod_container_status_restarts_total[1h])) > ${t.restartsPerHour}`,
      summary: `${shortContainer} restarts often`,
      description: `The ${container} restarted {{ $value | humanize }} times in the last hour (threshold ${t.restartsPerHour}).`,
    },
    {
      alert: 'ContainerOOMKilled',
      priority: 'P1',
      expr:
        `(sum by (${containerKeys}) (increase(kube_pod_container_status_restarts_total[10m])) > 0)` +
        ` and on (${containerKeys}) ` +
        `(max by (${containerKeys}) (kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}) == 1)`,
      summary: `${shortContainer} was OOM killed`,
      description: `The ${container} restarted in the last 10 minutes after being killed for exceeding its memory limit.`,
    },
    {
      alert: 'DeploymentReplicasMismatch',
      priority: 'P1',
      expr: 'max by (namespace, deployment) (kube_deployment_spec_replicas)' + ' != max by (namespace, deployment) (kube_deployment_status_replicas_available)',
      for: t.replicasMismatchFor,
      summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} lacks available replicas',
      description: `Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has not had its {{ $value }} desired replicas available for ${t.replicasMismatchFor}.`,
    },
  ],
};
