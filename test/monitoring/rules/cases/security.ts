import { selector } from '../promtool';
import { expirySpec } from './format';

const target = { instance: 'https://shop.example.com', job: 'blackbox-http' };
const day = 86400;
/** A certificate expiring `days` after the evaluation at 10m. */
const certificate = (days: number) => ({ [selector('probe_ssl_earliest_cert_expiry', target)]: `${days * day + 600}x10` });

const served = {
  component: 'security' as const,
  series: certificate,
  labels: { instance: target.instance },
  summary: (left: string) => `TLS certificate of https://shop.example.com expires in ${left}`,
  description: (threshold: number, left: string) => `The TLS certificate served at https://shop.example.com expires in ${left} (threshold ${threshold} days): check that cert-manager renews it.`,
};

export const securitySpecs = [
  expirySpec({ ...served, alertname: 'TLSCertificateExpiringSoon', priority: 'P1', threshold: (t) => t.certExpiryWarningDays, days: 10, healthyDays: 30 }),
  expirySpec({ ...served, alertname: 'TLSCertificateExpiryImminent', priority: 'P0', threshold: (t) => t.certExpiryCriticalDays, days: 2, healthyDays: 10 }),
];
