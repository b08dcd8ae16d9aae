/**
 * Database alerts: persistent volumes filling up (kubelet volume stats). Applications of this platform
 * are stateless (read-only root filesystem, emptyDir for /tmp), so persistent volumes belong to the
 * data stores, and their owners are the database team.
 */
import { type AlertGroupDefinition, percent } from './model';
import type { AlertThresholds } from './thresholds';

const usedShare = 'max by (namespace, persistentvolumeclaim) (1 - kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes)';

function volumeUsage(alert: string, priority: 'P1' | 'P2', threshold: number, forDuration: string) {
  return {
    alert,
    priority,
    expr: `${usedShare} > ${threshold}`,
    for: forDuration,
    summary: 'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full',
    description: `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full, above ${percent(threshold)}, for ${forDuration}.`,
  };
}

export const databaseAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.database.alerts',
  component: 'database',
  // The documents' disk priorities, as for the nodes' filesystems: 75% P2, 85% P1.
  alerts: (t) => [volumeUsage('PersistentVolumeUsageHigh', 'P2', t.diskWarningRatio, t.diskFor), volumeUsage('PersistentVolumeUsageCritical', 'P1', t.diskCriticalRatio, t.diskFor)],
};
