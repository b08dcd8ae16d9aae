/**
 * A host and path claimed by at most one application per environment (issue 19 §4), on both providers:
 * synth refuses the later claim with the values path of both (Prefix and ImplementationSpecific, a
 * trailing slash, an admin path, the monitoring stack's routes all count), and `npm run validate` finds
 * the same on rendered HTTPRoutes and Ingresses, per environment folder, as Helm renders charts one by one.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { distDir } from '../support/dist';
import { schemaLocations } from '../support/schemas';
import { helm, helmVersions } from '../support/helm';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** values/ where web (in `env`'s file) routes the given hosts and paths. */
function webRoutes(env: 'production' | 'staging', hosts: string, monitoring = ''): string {
  return valuesCopyWith(roots, `${env}.yaml`, (t) => {
    const withWeb = t.replace('applications:\n', `applications:\n  web:\n    ingress:\n      hosts: ${hosts}\n      tls: { hosts: [] , enabled: false }\n`);
    return monitoring ? withWeb.replace(/\nmonitoring:\n/, `\nmonitoring:\n${monitoring}`) : withWeb;
  });
}

describe.each(['production', 'staging'] as const)('synth, %s', (env) => {
  const domain = env === 'production' ? 'example.com' : 'staging.example.com';
  it.each([
    {
      name: 'the same host and path, Prefix and ImplementationSpecific',
      hosts: '[{ host: "api.{domain}", paths: [{ path: /, pathType: ImplementationSpecific }] }]',
      expected: `applications.web.ingress.hosts[0].paths[0]: api.${domain} / (PathPrefix) is already claimed by applications.api.ingress.hosts[0].paths[0] (`,
    },
    {
      name: 'another application’s admin path, with a trailing slash',
      hosts: '[{ host: "web.{domain}", paths: [{ path: /, pathType: Prefix }] }, { host: "api.{domain}", paths: [{ path: /admin/, pathType: Prefix }] }]',
      expected: `applications.web.ingress.hosts[1].paths[0]: api.${domain} /admin (PathPrefix) is already claimed by applications.api.ingress.adminPaths.paths[0] (`,
    },
  ])('refuses $name', { timeout: 30_000 }, ({ hosts, expected }) => {
    const lines = synthProblems(webRoutes(env, hosts));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`${env}\\.yaml:\\d+:\\d+: `));
    expect(lines[0]).toContain(expected);
    // Where the first claim is written: its file and line.
    expect(lines[0]).toMatch(/\(\S*values\/base\.yaml:\d+\): a host and path belong to one application per environment \(the proxy would send it to only one of them\)$/);
  });

  it('refuses a path of the monitoring stack’s host', { timeout: 30_000 }, () => {
    const lines = synthProblems(webRoutes(env, '[{ host: "ops.{domain}", paths: [{ path: /monitoring, pathType: Prefix }] }]'));
    expect(lines).toEqual([expect.stringContaining(`monitoring.ingress.path: ops.${domain} /monitoring (PathPrefix) is already claimed by applications.web.ingress.hosts[0].paths[0]`)]);
  });

  it('accepts an Exact path beside a prefix, and the same path on another host', { timeout: 30_000 }, () => {
    const dir = webRoutes(env, '[{ host: "api.{domain}", paths: [{ path: /, pathType: Exact }] }, { host: "www.{domain}", paths: [{ path: /admin, pathType: Prefix }] }]');
    expect(() => synthProblems(dir)).toThrow('synth did not fail');
  });
});

describe('npm run validate: the rendered routes of one environment', () => {
  const findings = async (dir: string) => {
    const { documents } = await loadManifests([dir]);
    return (await validateManifests(documents, { schemaLocations })).policyFindings.map(formatFinding);
  };
  /** A copy of dist/manifests with `edit` applied to one file's object, written as a second file beside it. */
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML edited at one known path per case
  const plant = (file: string, edit: (o: Record<string, any>) => void, into = file) => {
    const root = mkdtempSync(join(tmpdir(), 'claims-'));
    roots.push(root);
    cpSync(join(distDir, 'manifests'), join(root, 'manifests'), { recursive: true });
    const object = parse(readFileSync(join(distDir, 'manifests', file), 'utf8'));
    edit(object);
    writeFileSync(join(root, 'manifests', into.replace(/\.yaml$/, '-copy.yaml')), stringify(object));
    return join(root, 'manifests');
  };

  it('finds nothing in the committed output', { timeout: 60_000 }, async () => {
    expect((await findings(join(distDir, 'manifests'))).filter((f) => f.includes('claimed'))).toEqual([]);
  });

  it('finds an HTTPRoute of another application claiming api’s host and path on the same listener', { timeout: 60_000 }, async () => {
    const dir = plant('production/web/httproute.yaml', (o) => {
      o.spec.hostnames = ['api.example.com'];
    });
    const found = (await findings(dir)).filter((f) => f.includes('claimed'));
    expect(found).toEqual([
      expect.stringMatching(/HTTPRoute\/web-production\/web: api\.example\.com \/ \(PathPrefix\) on the listener gateway-system\/platform\/https is also claimed by HTTPRoute\/api-production\/api \(/),
    ]);
  });

  it('finds an Ingress of the same class claiming web’s host in staging', { timeout: 60_000 }, async () => {
    const dir = plant('staging/api/ingress.yaml', (o) => {
      o.metadata.name = 'api-www';
      o.spec.rules[0].host = 'www.staging.example.com';
    });
    const found = (await findings(dir)).filter((f) => f.includes('claimed'));
    // Whichever of the two is read first is the first claim.
    expect(found).toEqual([
      expect.stringMatching(
        /Ingress\/(api-staging\/api-www|web-staging\/web): www\.staging\.example\.com \/ \(PathPrefix\) of the IngressClass nginx is also claimed by Ingress\/(web-staging\/web|api-staging\/api-www) \(/,
      ),
    ]);
  });

  it('does not mix environments, listeners or classes', { timeout: 60_000 }, async () => {
    const otherEnv = plant('production/web/httproute.yaml', (o) => (o.spec.hostnames = ['api.example.com']), 'dev/web/httproute.yaml');
    expect((await findings(otherEnv)).filter((f) => f.includes('claimed'))).toEqual([]);
    const otherClass = plant('staging/api/ingress.yaml', (o) => {
      o.metadata.name = 'api-www';
      o.spec.ingressClassName = 'internal';
      o.spec.rules[0].host = 'www.staging.example.com';
    });
    expect((await findings(otherClass)).filter((f) => f.includes('claimed'))).toEqual([]);
  });

  it.each(helmVersions)('finds them in what $label renders of two charts apart', { timeout: 60_000 }, async ({ binary }) => {
    const root = mkdtempSync(join(tmpdir(), 'claims-helm-'));
    roots.push(root);
    const values = join(root, 'values-web.yaml');
    writeFileSync(values, stringify({ ingress: { hosts: [{ host: 'api.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }], tls: { hosts: ['api.example.com'] } } }));
    for (const [chart, extra] of [
      ['api', []],
      ['web', ['-f', values]],
    ] as const) {
      const chartDir = join(distDir, 'helm', chart);
      const result = helm(binary, ['template', chart, chartDir, '-n', `${chart}-production`, '-f', join(chartDir, 'values-production.yaml'), ...extra]);
      expect(result.status).toBe(0);
      writeFileSync(join(root, `${chart}.yaml`), result.stdout);
    }
    rmSync(values);
    const found = (await findings(root)).filter((f) => f.includes('claimed'));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain('api.example.com / (PathPrefix) on the listener gateway-system/platform/https is also claimed by HTTPRoute/api-production/api');
  });
});
