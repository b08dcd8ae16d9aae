/**
 * ingress-nginx annotations where the environment enters through the Gateway API (issue 19 §4): never
 * dropped. Translated ones become the Envoy Gateway and Gateway API fields that do the same, in synth
 * and in Helm 3 and 4 alike (annotations of other prefixes go onto the routes); the rest are refused by
 * synth (file, line, values path) and by the chart with the same words, saying why and what to use
 * instead; on the Ingress provider they stay on the Ingress as given. The table of the README is the
 * code's.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { INGRESS_NGINX_ANNOTATIONS, annotationTable, translatedAnnotations } from '../../lib/traffic/annotations';
import { evaluateManifest } from '../../lib/template/evaluate';
import { refs } from '../../lib/template/manifest';
import { type K8sObject, distDir, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions, projectRoot, renderTree } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const NGINX = 'nginx.ingress.kubernetes.io';
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML read at known paths
type Obj = K8sObject & { spec: Record<string, any> };
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;

/** values/ with `annotations` added to an application's ingress in an environment file. */
function withAnnotations(env: 'production' | 'staging', app: 'api' | 'web', annotations: Record<string, string>): string {
  const json = JSON.stringify(annotations);
  return valuesCopyWith(roots, `${env}.yaml`, (t) => {
    if (app === 'api' && env === 'production') return t.replace('    ingress:\n      rateLimit:', `    ingress:\n      annotations: ${json}\n      rateLimit:`);
    if (app === 'api') return t.replace('  api:\n', `  api:\n    ingress:\n      annotations: ${json}\n`);
    return t.replace('applications:\n', `applications:\n  ${app}:\n    ingress:\n      annotations: ${json}\n`);
  });
}

function objectsIn(dir: string): K8sObject[] {
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as K8sObject));
}

it('the README’s table is the code’s, and every row names its sources', () => {
  expect(readFileSync(join(projectRoot, 'README.md'), 'utf8')).toContain(annotationTable());
  for (const row of INGRESS_NGINX_ANNOTATIONS) {
    expect(row.sources[0]).toMatch(/^https:\/\/kubernetes\.github\.io\/ingress-nginx\/user-guide\/nginx-configuration\/annotations\/#/);
    if (row.fate.kind === 'translated' && !['ssl-redirect', 'backend-protocol'].includes(row.name)) expect(row.sources.slice(1).join(' ')).toMatch(/gateway\.envoyproxy\.io|gateway-api\.sigs\.k8s\.io/);
  }
  expect(new Set(INGRESS_NGINX_ANNOTATIONS.map((r) => r.name)).size).toBe(INGRESS_NGINX_ANNOTATIONS.length);
});

describe('translated under the Gateway API, kept on the Ingress', () => {
  const apiAnnotations = {
    [`${NGINX}/auth-url`]: 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth',
    [`${NGINX}/auth-response-headers`]: 'X-Auth-Request-User, X-Auth-Request-Email',
    [`${NGINX}/proxy-body-size`]: '8m',
    [`${NGINX}/proxy-connect-timeout`]: '5',
    [`${NGINX}/rewrite-target`]: '/',
    'external-dns.alpha.kubernetes.io/ttl': '60',
  };
  const webAnnotations = {
    [`${NGINX}/enable-cors`]: 'true',
    [`${NGINX}/cors-allow-origin`]: 'https://shop.example.com, https://*.example.com',
    [`${NGINX}/cors-allow-credentials`]: 'false',
    [`${NGINX}/cors-max-age`]: '600',
    [`${NGINX}/auth-type`]: 'basic',
    [`${NGINX}/auth-secret`]: 'web-users',
    [`${NGINX}/auth-secret-type`]: 'auth-file',
  };
  const dir = valuesCopyWith(roots, 'base.yaml', (t) =>
    t
      .replace('      adminPaths:\n        paths: [/admin]', `      annotations: ${JSON.stringify(apiAnnotations)}\n      adminPaths:\n        paths: [/admin]`)
      .replace('      hosts:\n        - host: "www.{domain}"', `      annotations: ${JSON.stringify(webAnnotations)}\n      hosts:\n        - host: "www.{domain}"`)
      // The users' Secret exists in each environment (a reference like any other: lib/references/).
      .replace(
        '\n  secrets:\n    monitoring:\n',
        '\n  secrets:\n    web-dev: { web-users: { keys: [.htpasswd, auth] } }\n    web-staging: { web-users: { keys: [.htpasswd, auth] } }\n    web-production: { web-users: { keys: [.htpasswd, auth] } }\n    monitoring:\n',
      ),
  );
  const out = join(dir, '..', 'dist');
  synthInto(dir, out);
  const production = (app: string) => objectsIn(join(out, 'manifests', 'production', app));

  it('auth-url and its headers: external authorization by the Service, on both routes', () => {
    const extAuth = { http: { backendRefs: [{ name: 'oauth2-proxy', namespace: 'auth', port: 4180 }], path: '/oauth2/auth', headersToBackend: ['X-Auth-Request-User', 'X-Auth-Request-Email'] } };
    expect(find(production('api'), 'SecurityPolicy', 'api')!.spec.extAuth).toEqual(extAuth);
    expect(find(production('api'), 'SecurityPolicy', 'api-admin')!.spec.extAuth).toEqual(extAuth);
  });

  it('proxy-body-size, proxy-connect-timeout: the BackendTrafficPolicies of both routes', () => {
    for (const name of ['api', 'api-admin']) {
      const spec = find(production('api'), 'BackendTrafficPolicy', name)!.spec;
      expect(spec.requestBuffer).toEqual({ limit: '8Mi' });
      expect(spec.timeout).toEqual({ tcp: { connectTimeout: '5s' } });
    }
  });

  it('rewrite-target: a URLRewrite of the whole path on every rule; other prefixes copied to the routes', () => {
    for (const name of ['api', 'api-admin']) {
      const route = find(production('api'), 'HTTPRoute', name)!;
      for (const rule of route.spec.rules) expect(rule.filters[1]).toEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/' } } });
      expect(route.metadata.annotations).toEqual({ 'external-dns.alpha.kubernetes.io/ttl': '60' });
    }
  });

  it('CORS annotations with ingress-nginx’s defaults for what they leave out; basic authentication', () => {
    expect(find(production('web'), 'SecurityPolicy', 'web')!.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web' }],
      cors: {
        allowOrigins: ['https://shop.example.com', 'https://*.example.com'],
        allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
        allowHeaders: ['DNT', 'Keep-Alive', 'User-Agent', 'X-Requested-With', 'If-Modified-Since', 'Cache-Control', 'Content-Type', 'Range', 'Authorization'],
        allowCredentials: false,
        maxAge: '10m',
      },
      basicAuth: { users: { name: 'web-users' } },
    });
  });

  it('staging (ingress-nginx) keeps every annotation on the Ingress, as given', () => {
    const annotations = find(objectsIn(join(out, 'manifests', 'staging', 'web')), 'Ingress', 'web')!.metadata.annotations!;
    expect(annotations).toMatchObject(webAnnotations);
    expect(find(objectsIn(join(out, 'manifests', 'staging', 'api')), 'Ingress', 'api-admin')!.metadata.annotations).toMatchObject(apiAnnotations);
  });

  it.each(helmVersions)('$label renders the same objects', ({ binary }) => {
    for (const [app, env] of [
      ['api', 'production'],
      ['web', 'production'],
      ['web', 'staging'],
    ] as const) {
      const chartDir = join(out, 'helm', app);
      const rendered = helmTemplate(binary, [app, chartDir, '-f', join(chartDir, `values-${env}.yaml`), '-n', `${app}-${env}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(objectsIn(join(out, 'manifests', env, app)))));
    }
  });
});

/** Values of the translated annotations and what they become, in both renderings (the engine's tree through Helm). */
describe('translations of other values, in JavaScript and in Helm', () => {
  const v = refs<{ a: Record<string, string> }>();
  const t = translatedAnnotations(v.a);
  const tree = {
    body: t.bodyLimit,
    bodyOn: t.bodyLimitOn,
    connect: t.connectTimeout,
    maxAge: t.cors.maxAge,
    credentials: t.cors.allowCredentials,
    origins: t.cors.allowOrigins,
    port: t.extAuth.http.backendRefs[0].port,
    path: t.extAuth.http.path,
    name: t.extAuth.http.backendRefs[0].name,
  };
  const cases = [
    { [`${NGINX}/proxy-body-size`]: '100k', [`${NGINX}/cors-max-age`]: '90', [`${NGINX}/auth-url`]: 'http://auth.security.svc' },
    { [`${NGINX}/proxy-body-size`]: '1G', [`${NGINX}/cors-max-age`]: '1728000', [`${NGINX}/proxy-connect-timeout`]: '30s', [`${NGINX}/auth-url`]: 'http://ext-authz.team-a.svc.cluster.local/check/' },
    { [`${NGINX}/proxy-body-size`]: '0', [`${NGINX}/cors-allow-origin`]: ' *', [`${NGINX}/cors-allow-credentials`]: 'true' },
    {},
  ];
  const expected = [
    { body: '100Ki', bodyOn: true, maxAge: '90s', port: 80, path: '/', name: 'auth', credentials: true, origins: ['*'] },
    { body: '1Gi', bodyOn: true, connect: '30s', maxAge: '480h', port: 80, path: '/check/', name: 'ext-authz', credentials: true, origins: ['*'] },
    { body: '0', bodyOn: false, maxAge: '480h', credentials: true, origins: ['*'] },
    { bodyOn: false, maxAge: '480h', credentials: true, origins: ['*'] },
  ];

  it.each(cases.map((a, i) => ({ a, i })))('case $i in JavaScript', ({ a, i }) => {
    const got = evaluateManifest(tree, { values: { a }, release: { name: 'r', namespace: 'n', service: 'Helm' }, chart: { name: 'demo', version: '0', appVersion: '0' }, vars: new Map() }) as Record<
      string,
      unknown
    >;
    expect(got).toMatchObject(expected[i]);
  });

  it.each(helmVersions)('$label agrees', ({ binary }) => {
    for (const [i, a] of cases.entries()) {
      const js = evaluateManifest(tree, { values: { a }, release: { name: 'r', namespace: 'n', service: 'Helm' }, chart: { name: 'demo', version: '0', appVersion: '0' }, vars: new Map() });
      expect(renderTree(binary, tree, { a })[0], `case ${i}`).toEqual(js);
    }
  });
});

/** Refusals: synth's line (at the values file) and Helm's first line end with the same words. */
const refusals: Array<{ name: string; app?: 'api' | 'web'; annotations: Record<string, string>; message: string }> = [
  {
    name: 'an auth-url outside the cluster',
    annotations: { [`${NGINX}/auth-url`]: 'https://auth.example.com/oauth2/auth' },
    message: `ingress.annotations.${NGINX}/auth-url: "https://auth.example.com/oauth2/auth" cannot be translated: Envoy Gateway calls an authorization Service of the cluster by reference: give http://<service>.<namespace>.svc[:port][/path] (no https, no nginx variables, no host outside the cluster)`,
  },
  {
    name: 'an auth-url with nginx variables',
    annotations: { [`${NGINX}/auth-url`]: 'http://oauth2-proxy.auth.svc/oauth2/auth?rd=$escaped_request_uri' },
    message: `ingress.annotations.${NGINX}/auth-url: "http://oauth2-proxy.auth.svc/oauth2/auth?rd=$escaped_request_uri" cannot be translated: Envoy Gateway calls an authorization Service of the cluster by reference: give http://<service>.<namespace>.svc[:port][/path] (no https, no nginx variables, no host outside the cluster)`,
  },
  {
    name: 'a sign-in redirect',
    annotations: { [`${NGINX}/auth-signin`]: 'https://auth.example.com/oauth2/start' },
    message: `ingress.annotations.${NGINX}/auth-signin: no Gateway API or Envoy Gateway equivalent: Envoy Gateway returns the authorization server’s own answer to the client and has no sign-in redirect; its OIDC SecurityPolicy, which the platform does not write, is the equivalent; this environment enters through the Gateway API (traffic.provider gatewayAPI): set it in the values of the environments on the ingress provider only`,
  },
  {
    name: 'a rewrite with a capture group',
    annotations: { [`${NGINX}/rewrite-target`]: '/$1' },
    message: `ingress.annotations.${NGINX}/rewrite-target: "/$1" cannot be translated: Envoy Gateway replaces the whole path with a fixed one: capture groups ($1) and nginx variables have no equivalent`,
  },
  {
    name: 'a body size in other units',
    annotations: { [`${NGINX}/proxy-body-size`]: '8MB' },
    message: `ingress.annotations.${NGINX}/proxy-body-size: "8MB" cannot be translated: expected a size such as 8m (k, m or g), or 0 for no limit`,
  },
  {
    name: 'a configuration snippet',
    annotations: { [`${NGINX}/configuration-snippet`]: 'more_set_headers "X-A: b";' },
    message: `ingress.annotations.${NGINX}/configuration-snippet: no Gateway API or Envoy Gateway equivalent: raw nginx configuration has no Gateway API or Envoy Gateway equivalent; this environment enters through the Gateway API (traffic.provider gatewayAPI): move what it does into values, or set it in the values of the environments on the ingress provider only`,
  },
  {
    name: 'an annotation ingress-nginx does not have',
    annotations: { [`${NGINX}/enable-magic`]: 'true' },
    message: `ingress.annotations.${NGINX}/enable-magic: not an ingress-nginx annotation the platform translates to the Gateway API (README: Ingress annotations under the Gateway API), and this environment enters through the Gateway API (traffic.provider gatewayAPI): set it in the values of the environments on the ingress provider only`,
  },
  {
    name: 'the ingress class annotation',
    annotations: { 'kubernetes.io/ingress.class': 'nginx' },
    message:
      'ingress.annotations.kubernetes.io/ingress.class: means something on an Ingress only; this environment enters through the Gateway API (traffic.provider gatewayAPI): the routes attach to traffic.gateway (use ingress.className for Ingresses)',
  },
  {
    name: 'cert-manager’s ingress-shim',
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-production' },
    message:
      'ingress.annotations.cert-manager.io/cluster-issuer: cert-manager’s ingress-shim reads Ingresses only; this environment enters through the Gateway API (traffic.provider gatewayAPI), whose listener holds the certificate: set it in the values of the environments on the ingress provider only',
  },
  {
    name: 'digest authentication',
    annotations: { [`${NGINX}/auth-type`]: 'digest' },
    message: `ingress.annotations.${NGINX}/auth-type: "digest" cannot be translated: Envoy Gateway has basic authentication only (no digest)`,
  },
  {
    name: 'users in another namespace',
    annotations: { [`${NGINX}/auth-type`]: 'basic', [`${NGINX}/auth-secret`]: 'shared/users' },
    message: `ingress.annotations.${NGINX}/auth-secret: "shared/users" cannot be translated: name a Secret of the release namespace (Envoy Gateway reads a Secret of another namespace only through a ReferenceGrant)`,
  },
  {
    name: 'an origin with a path',
    annotations: { [`${NGINX}/enable-cors`]: 'true', [`${NGINX}/cors-allow-origin`]: 'https://a.example.com/app', [`${NGINX}/cors-allow-credentials`]: 'false' },
    message: `ingress.annotations.${NGINX}/cors-allow-origin: "https://a.example.com/app" cannot be translated: expected an origin Envoy Gateway accepts: *, or http(s)://host[:port] with an optional *. wildcard`,
  },
  {
    name: 'no HTTPS redirect',
    annotations: { [`${NGINX}/ssl-redirect`]: 'false' },
    message: `ingress.annotations.${NGINX}/ssl-redirect: "false" cannot be translated: the routes redirect HTTP to HTTPS whenever ingress.tls.enabled; set ingress.tls.enabled false for no redirect`,
  },
  {
    name: 'CORS from ingress-nginx’s defaults: the origin * with credentials (both providers)',
    annotations: { [`${NGINX}/enable-cors`]: 'true' },
    message: `ingress.annotations.${NGINX}/enable-cors: the origin "*" with credentials: browsers send no cookies to an origin allowed as "*", and a proxy that answers with each request’s own Origin instead lets every site read the user’s responses; list the origins, or turn credentials off`,
  },
  {
    name: 'CORS in values and as annotations (both providers)',
    app: 'api',
    annotations: { [`${NGINX}/cors-allow-origin`]: 'https://x.example.com' },
    message: `ingress.annotations.${NGINX}/cors-allow-origin: CORS is given both in ingress.cors and as ingress-nginx annotations: give it once (ingress.cors, which both providers take)`,
  },
  {
    name: 'admin basic authentication in values and as annotations (both providers)',
    app: 'api',
    annotations: { [`${NGINX}/auth-realm`]: 'Admins' },
    message: `ingress.annotations.${NGINX}/auth-realm: basic authentication of the admin paths is given both in ingress.adminPaths.basicAuth and as ingress-nginx annotations: give it once`,
  },
];
const bothProviders = (name: string) => name.includes('(both providers)');

describe('refused, by synth', () => {
  it.each(refusals)('$name', { timeout: 30_000 }, ({ annotations, message, app = 'web', name }) => {
    for (const env of bothProviders(name) ? (['production', 'staging'] as const) : (['production'] as const)) {
      const lines = synthProblems(withAnnotations(env, app, annotations));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`${env}\\.yaml:\\d+:\\d+: applications\\.${app}\\.`));
      expect(lines[0].endsWith(`applications.${app}.${message}`)).toBe(true);
    }
  });

  it('accepts on the Ingress provider what has no Gateway API equivalent, and writes it on the Ingress', { timeout: 30_000 }, () => {
    const annotations = { [`${NGINX}/configuration-snippet`]: 'more_set_headers "X-A: b";', [`${NGINX}/enable-cors`]: 'true', [`${NGINX}/cors-allow-origin`]: 'https://x.example.com' };
    const dir = withAnnotations('staging', 'web', annotations);
    const out = join(dir, '..', 'dist');
    synthInto(dir, out);
    expect(find(objectsIn(join(out, 'manifests', 'staging', 'web')), 'Ingress', 'web')!.metadata.annotations).toMatchObject(annotations);
  });
});

describe.each(helmVersions)('refused, by $label in the chart', ({ binary }) => {
  const scratch = mkdtempSync(join(tmpdir(), 'annotation-rules-'));
  roots.push(scratch);
  it.each(refusals.map((r, i) => ({ ...r, i })))('$name', ({ annotations, message, app = 'web', i, name }) => {
    const file = join(scratch, `case-${i}.yaml`);
    writeFileSync(file, stringify({ ingress: { annotations } }));
    const chartDir = join(distDir, 'helm', app);
    for (const env of bothProviders(name) ? ['production', 'staging'] : ['production']) {
      const result = helm(binary, ['template', app, chartDir, '-n', `${app}-${env}`, '-f', join(chartDir, `values-${env}.yaml`), '-f', file]);
      expect(result.status).toBe(1);
      expect(result.stderr.split('\n')[0].endsWith(`): ${message}`)).toBe(true);
    }
  });
});
