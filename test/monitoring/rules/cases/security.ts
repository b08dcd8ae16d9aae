import { type AlertSpec, selector } from '../promtool';

const target = { instance: 'https://shop.example.com', job: 'blackbox-http' };
const day = 86400;
/** A certificate expiring `days` after the evaluation at 10m. */
const certificate = (days: number) => ({ [selector('probe_ssl_earliest_cert_expiry', target)]: `${days * day + 600}x10` });

function expirySpec(alertname: string, priority: 'P0' | 'P1', threshold: (t: Parameters<AlertSpec['cases']>[0]) => number, days: number, healthyDays: number): AlertSpec {
  return {
    alertname,
    priority,
    component: 'security',
    cases: (t) => [
      {
        name: `fires ${days} days before expiry`,
        series: certificate(days),
        evalTime: '10m',
        fires: [
          {
            labels: { instance: target.instance },
            summary: `TLS certificate of https://shop.example.com expires in ${days}d 0h 0m 0s`,
            description: `The TLS certificate served at https://shop.example.com expires in ${days}d 0h 0m 0s (threshold ${threshold(t)} days): check that cert-manager renews it.`,
          },
        ],
      },
      { name: `is silent ${healthyDays} days before expiry`, series: certificate(healthyDays), evalTime: '10m', fires: [] },
    ],
  };
}

export const securitySpecs: AlertSpec[] = [
  expirySpec('TLSCertificateExpiringSoon', 'P1', (t) => t.certExpiryWarningDays, 10, 30),
  expirySpec('TLSCertificateExpiryImminent', 'P0', (t) => t.certExpiryCriticalDays, 2, 10),
];
