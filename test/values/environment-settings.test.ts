/**
 * Environment defaults that cannot leak (lib/values/environment-settings.ts): an application added to
 * values/base.yaml only gets each environment's hosts and TLS issuer ({app}.{domain}, {clusterIssuer});
 * a production environment refuses hosts under another environment's domain and another environment's
 * issuer, with their location; a placeholder without its setting is refused.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { synthesize } from '../../charts/platform';
import { projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A copy of values/ with `edit` applied to one file. */
function valuesWith(file: string, edit: (text: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'environment-settings-'));
  roots.push(root);
  const dir = join(root, 'values');
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(join(dir, file), edited);
  return dir;
}

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
    const ingress = (env: string) =>
      parseAllDocuments(files.get(`manifests/${env}/shop/ingress.yaml`)!)[0].toJS() as {
        metadata: { annotations: Record<string, string> };
        spec: { rules: Array<{ host: string }>; tls: Array<{ hosts: string[] }> };
      };
    expect(ingress('dev').spec.rules[0].host).toBe('shop.dev.example.com');
    expect(ingress('staging').spec.rules[0].host).toBe('shop.staging.example.com');
    expect(ingress('production').spec.rules[0].host).toBe('shop.example.com');
    expect(ingress('production').spec.tls[0].hosts).toEqual(['shop.example.com']);
    const issuer = (env: string) => (parseAllDocuments(files.get(`manifests/${env}/shop/certificate.yaml`)!)[0].toJS() as { spec: { issuerRef: { name: string } } }).spec.issuerRef.name;
    expect(issuer('production')).toBe('letsencrypt-production');
    expect(issuer('staging')).toBe('letsencrypt-staging');
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
