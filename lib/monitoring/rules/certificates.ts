/**
 * Certificate alerts from cert-manager's own metrics (the Service `cert-manager`, port 9402): every
 * Certificate object, public or not, before any client sees an expired one. The blackbox TLS alerts
 * (security.ts) watch what the public endpoints actually serve.
 */
import type { AlertGroupDefinition } from './model';
import type { AlertThresholds } from './thresholds';

/** Seconds until a Certificate's current certificate expires (cert-manager exports its notAfter). */
const secondsLeft = 'min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds) - time()';

export const certificateAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.certificates.alerts',
  component: 'security',
  alerts: (t) => [
    {
      alert: 'CertificateRenewalOverdue',
      priority: 'P1',
      expr: `${secondsLeft} < ${t.certificateRenewalDays} * 86400`,
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}',
      description: `cert-manager has not renewed Certificate {{ $labels.name }} in {{ $labels.namespace }}, which expires in {{ $value | humanizeDuration }} (renewal should happen 30 days before; threshold ${t.certificateRenewalDays} days): check its CertificateRequest and the ACME challenge.`,
    },
    {
      alert: 'CertificateExpiryImminent',
      priority: 'P0',
      expr: `${secondsLeft} < ${t.certExpiryCriticalDays} * 86400`,
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}',
      description: `Certificate {{ $labels.name }} in {{ $labels.namespace }} expires in {{ $value | humanizeDuration }} (threshold ${t.certExpiryCriticalDays} days) and cert-manager has not renewed it.`,
    },
    {
      alert: 'CertificateNotReady',
      priority: 'P1',
      expr: 'max by (namespace, name) (certmanager_certificate_ready_status{condition="False"}) == 1',
      for: t.certificateNotReadyFor,
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} is not Ready',
      description: `Certificate {{ $labels.name }} in {{ $labels.namespace }} has not been Ready for ${t.certificateNotReadyFor}: its Secret may be missing or stale (kubectl describe certificate).`,
    },
  ],
};
