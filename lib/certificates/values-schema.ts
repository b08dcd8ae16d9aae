/**
 * The `certManager` section of the monitoring chart's values: the ACME ClusterIssuer of the cluster
 * (lib/certificates/cluster-issuer.ts). The monitoring chart is the one chart installed once per
 * cluster, so the cluster-wide issuer lives there. Its name must be the environment's `clusterIssuer`
 * setting, which every application's Certificate names (checked by synth).
 */
import { Type } from '@sinclair/typebox';
import { patterns, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;

export const CertManagerValuesSchema = Type.Object(
  {
    namespace: str('Namespace cert-manager runs in; Prometheus scrapes its Service `cert-manager` there on port 9402.', patterns.dnsLabel),
    clusterIssuer: Type.Object(
      {
        create: Type.Boolean({ description: 'Create the ClusterIssuer (off when cert-manager is managed elsewhere).' }),
        name: str('Name of the ClusterIssuer: the environment’s clusterIssuer setting (letsencrypt-staging, letsencrypt-production).', patterns.dnsSubdomain),
        server: Type.String({
          description: 'ACME directory URL: Let’s Encrypt staging (https://acme-staging-v02.api.letsencrypt.org/directory) or production (https://acme-v02.api.letsencrypt.org/directory).',
          pattern: patterns.url,
        }),
        email: Type.String({ description: 'Contact address of the ACME account (expiry notices).', pattern: patterns.email }),
        ingressClassName: str('IngressClass that serves the HTTP-01 challenges (traffic.provider ingress; on the Gateway API, the platform Gateway’s HTTP listener serves them).', patterns.dnsSubdomain),
      },
      { ...closed, description: 'ACME ClusterIssuer with the HTTP-01 solver.' },
    ),
  },
  { ...closed, description: 'cert-manager: the cluster’s ACME issuer.' },
);
