import { type AlertSpec, selector } from '../promtool';
import { expirySpec } from './format';

const certificate = { namespace: 'api-production', name: 'api-tls' };
const day = 86400;
/** cert-manager's expiry of a Certificate whose certificate ends `days` after the evaluation at 10m. */
const expiring = (days: number) => ({ [selector('certmanager_certificate_expiration_timestamp_seconds', { ...certificate, job: 'cert-manager', instance: 'cert-manager' })]: `${days * day + 600}x10` });

const managed = { component: 'security' as const, series: expiring, labels: certificate, summary: (left: string) => `Certificate api-production/api-tls expires in ${left}` };

const ready = (status: string) => ({
  [selector('certmanager_certificate_ready_status', { ...certificate, condition: 'False', job: 'cert-manager' })]: status,
  [selector('certmanager_certificate_ready_status', { ...certificate, condition: 'True', job: 'cert-manager' })]: status.replace(/\b1\b/g, '2').replace(/\b0\b/g, '1').replace(/\b2\b/g, '0'),
});

export const certificateSpecs: AlertSpec[] = [
  expirySpec({
    ...managed,
    alertname: 'CertificateRenewalOverdue',
    priority: 'P1',
    threshold: (t) => t.certificateRenewalDays,
    days: 15,
    healthyDays: 45,
    description: (t, left) =>
      `cert-manager has not renewed Certificate api-tls in api-production, which expires in ${left} (renewal should happen 30 days before; threshold ${t} days): check its CertificateRequest and the ACME challenge.`,
  }),
  expirySpec({
    ...managed,
    alertname: 'CertificateExpiryImminent',
    priority: 'P0',
    threshold: (t) => t.certExpiryCriticalDays,
    days: 2,
    healthyDays: 10,
    description: (t, left) => `Certificate api-tls in api-production expires in ${left} (threshold ${t} days) and cert-manager has not renewed it.`,
  }),
  {
    alertname: 'CertificateNotReady',
    priority: 'P1',
    component: 'security',
    cases: (t) => [
      {
        name: `fires when not Ready for ${t.certificateNotReadyFor}`,
        series: ready('1x40'),
        evalTime: '30m',
        fires: [
          {
            labels: certificate,
            summary: 'Certificate api-production/api-tls is not Ready',
            description: `Certificate api-tls in api-production has not been Ready for ${t.certificateNotReadyFor}: its Secret may be missing or stale (kubectl describe certificate).`,
          },
        ],
      },
      { name: 'is silent when Ready', series: ready('0x40'), evalTime: '30m', fires: [] },
      { name: 'is silent when not Ready only briefly', series: ready('0x25 1x5'), evalTime: '30m', fires: [] },
    ],
  },
];
