/** Security alerts: TLS certificates about to expire, as seen by the blackbox probes. */
import type { AlertGroupDefinition } from './model';
import type { AlertThresholds } from './thresholds';

/** Seconds until the earliest certificate of the chain served at an address expires. */
const secondsLeft = 'min by (instance) (probe_ssl_earliest_cert_expiry) - time()';

function certificateExpiry(alert: string, priority: 'P0' | 'P1', days: number) {
  return {
    alert,
    priority,
    expr: `${secondsLeft} < ${days} * 86400`,
    summary: 'TLS certificate of {{ $labels.instance }} expires in {{ $value | humanizeDuration }}',
    description: `The TLS certificate served at {{ $labels.instance }} expires in {{ $value | humanizeDuration }} (threshold ${days} days): check that cert-manager renews it.`,
  };
}

export const securityAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.security.alerts',
  component: 'security',
  alerts: (t) => [certificateExpiry('TLSCertificateExpiringSoon', 'P1', t.certExpiryWarningDays), certificateExpiry('TLSCertificateExpiryImminent', 'P0', t.certExpiryCriticalDays)],
};
