/**
 * Environment defaults that cannot leak (lib/values/environment-settings.ts): an application added to
 * values/base.yaml only gets each environment's hosts and TLS issuer ({app}.{domain}, {clusterIssuer});
 * a production environment refuses hosts under another environment's domain and another environment's
 * issuer, with their location; a placeholder without its setting is refused.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { synthesize } from '../../charts/platform';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const valuesWith = (file: string, edit: (text: string) => string) => valuesCopyWith(roots, file, edit);

/** A third application written in base.yaml only, as a newcomer would add it. */
const shopApp = (ingress: string) => (base: string) =>
  base.replace(/^applications:\n/m, `applications:\n  shop:\n    component: frontend\n    image: { repository: ghcr.io/example/shop, tag: "1.0.0" }\n    ingress:\n      enabled: true\n${ingress}`);

describe('environment settings', () => {
  it('an application defined in base.yaml only gets every environment’s host and issuer', () => {
    const files = synthesize({
      valuesDir: valuesWith(
        'base.yaml',
        shopApp('      hosts: [{ host: "{app}.{domain}", paths: [{ path: /, pathType: Prefix }] }]\n      tls: { enabled: true, secretName: shop-tls, hosts: ["{app}.{domain}"] }\n'),
      ),
    });
    const object = <T>(env: string, file: string) => parseAllDocuments(files.get(`manifests/${env}/shop/${file}`)!)[0].toJS() as T;
    type Ingress = { metadata: { annotations: Record<string, string> }; spec: { rules: Array<{ host: string }>; tls: Array<{ hosts: string[] }> } };
    type Route = { spec: { hostnames: string[] } };
    // values/: dev and production enter through the Gateway API (HTTPRoutes), staging through Ingress.
    expect(object<Route>('dev', 'httproute.yaml').spec.hostnames).toEqual(['shop.dev.example.com']);
    expect(object<Ingress>('staging', 'ingress.yaml').spec.rules[0].host).toBe('shop.staging.example.com');
    expect(object<Route>('production', 'httproute.yaml').spec.hostnames).toEqual(['shop.example.com']);
    expect(object<Ingress>('staging', 'ingress.yaml').spec.tls[0].hosts).toEqual(['shop.staging.example.com']);
    // The issuer: a Certificate on Ingress (no ingress-shim annotation); on the Gateway API the listener's certificate is the platform's.
    expect(object<Ingress>('staging', 'ingress.yaml').metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(object<{ spec: { issuerRef: { name: string }; dnsNames: string[] } }>('staging', 'certificate.yaml').spec).toMatchObject({
      issuerRef: { name: 'letsencrypt-staging' },
      dnsNames: ['shop.staging.example.com'],
    });
    expect(files.has('manifests/production/shop/certificate.yaml')).toBe(false);
    expect(files.get('helm/shop/values-production.yaml')).toContain('clusterIssuer: letsencrypt-production');
    // The chart's values files hold the filled values: Helm renders the same.
    expect(files.get('helm/shop/values-production.yaml')).toContain('shop.example.com');
  });

  it('production refuses a dev host and the staging issuer written in base.yaml (the leak of the issue)', () => {
    const lines = synthProblems(
      valuesWith(
        'base.yaml',
        shopApp(
          '      hosts: [{ host: www.dev.example.com, paths: [{ path: /, pathType: Prefix }] }]\n      tls: { enabled: true, secretName: shop-tls, clusterIssuer: letsencrypt-staging, hosts: [www.dev.example.com] }\n',
        ),
      ),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /values\/base\.yaml:\d+:\d+: applications\.shop\.ingress\.hosts\[0\]\.host: www\.dev\.example\.com is under dev\.example\.com, the domain of the dev environment: a production environment serves its own hosts/,
      ),
      expect.stringMatching(/values\/base\.yaml:\d+:\d+: applications\.shop\.ingress\.tls\.hosts\[0\]: www\.dev\.example\.com is under dev\.example\.com, the domain of the dev environment/),
      expect.stringMatching(
        /values\/base\.yaml:\d+:\d+: applications\.shop\.ingress\.tls\.clusterIssuer: letsencrypt-staging is the issuer of the (dev|staging) environment: a production environment uses its own/,
      ),
    ]);
  });

  it('a placeholder whose setting the environment lacks is refused', () => {
    const valuesDir = valuesWith('base.yaml', (base) => base.replace('  domain: dev.example.com\n', ''));
    writeFileSync(
      join(valuesDir, 'dev.yaml'),
      readFileSync(join(valuesDir, 'dev.yaml'), 'utf8').replace('environment: { domain: dev.example.com, clusterIssuer: letsencrypt-staging }', 'environment: { clusterIssuer: letsencrypt-staging }'),
    );
    const lines = synthProblems(valuesDir);
    expect(lines).toContainEqual(
      expect.stringMatching(/applications\.api\.ingress\.hosts\[0\]\.host: uses \{domain\}, but the environment has no domain \(set environment\.domain in its values file or in base\.yaml\)$/),
    );
  });
});
