/**
 * CORS per application and HTTP basic authentication of the admin routes (issue 23 §2 and §4), on both
 * providers: the committed output of production (Gateway API) and staging (ingress-nginx) declares
 * them as the values say; other values give the same objects in synth and in Helm 3 and 4; and the
 * values that would widen them (the origin "*" with credentials) are refused by synth (file, line,
 * path) and by the charts with the same words.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type K8sObject, distDir, plainObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type Obj = K8sObject & { spec: Record<string, unknown>; data?: Record<string, string> };
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;
const NGINX = 'nginx.ingress.kubernetes.io';

describe('the committed output', () => {
  it('production (Gateway API): api’s CORS on both of its routes, basic authentication and the allow-list on its admin route', () => {
    const objects = plainObjects('production', 'api');
    const cors = {
      allowOrigins: ['https://www.example.com'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['X-Request-Id'],
      allowCredentials: true,
      maxAge: '7200s',
    };
    expect(find(objects, 'SecurityPolicy', 'api')!.spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api' }], cors });
    expect(find(objects, 'SecurityPolicy', 'api-admin')!.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api-admin' }],
      cors,
      basicAuth: { users: { name: 'api-admin-htpasswd' } },
      authorization: { defaultAction: 'Deny', rules: [{ name: 'allowed-sources', action: 'Allow', principal: { clientCIDRs: ['10.0.0.0/8'] } }] },
    });
    // The users come from the platform's secret store under both keys, never from git.
    const secret = find(objects, 'ExternalSecret', 'api-admin-htpasswd')!;
    expect((secret.spec.data as Array<{ secretKey: string }>).map((d) => d.secretKey)).toEqual(['.htpasswd', 'auth']);
    // web has no CORS: no SecurityPolicy at all.
    expect(plainObjects('production', 'web').filter((o) => o.kind === 'SecurityPolicy')).toEqual([]);
  });

  it('staging (ingress-nginx): every CORS annotation on both Ingresses, basic authentication on the admin Ingress only', () => {
    const objects = plainObjects('staging', 'api');
    const cors = {
      [`${NGINX}/enable-cors`]: 'true',
      [`${NGINX}/cors-allow-origin`]: 'https://www.staging.example.com',
      [`${NGINX}/cors-allow-methods`]: 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      [`${NGINX}/cors-allow-headers`]: 'Authorization, Content-Type',
      [`${NGINX}/cors-expose-headers`]: 'X-Request-Id',
      [`${NGINX}/cors-allow-credentials`]: 'true',
      [`${NGINX}/cors-max-age`]: '7200',
    };
    const main = find(objects, 'Ingress', 'api')!.metadata.annotations!;
    const admin = find(objects, 'Ingress', 'api-admin')!.metadata.annotations!;
    expect(main).toMatchObject(cors);
    expect(admin).toMatchObject({ ...cors, [`${NGINX}/auth-type`]: 'basic', [`${NGINX}/auth-secret`]: 'api-admin-htpasswd', [`${NGINX}/auth-secret-type`]: 'auth-file' });
    expect(main[`${NGINX}/auth-type`]).toBeUndefined();
    expect(Object.keys(find(plainObjects('staging', 'web'), 'Ingress', 'web')!.metadata.annotations!).filter((k) => k.includes('cors'))).toEqual([]);
  });
});

/** Rule cases: synth (at the values file) and both Helms (in the chart) say the same words. */
const ruleCases: Array<{ name: string; values: Record<string, unknown>; message: string }> = [
  {
    name: 'the origin * with credentials',
    values: { ingress: { cors: { allowOrigins: ['*'], allowCredentials: true } } },
    message:
      'ingress.cors.allowOrigins[0]: the origin "*" with credentials: browsers send no cookies to an origin allowed as "*", and a proxy that answers with each request’s own Origin instead lets every site read the user’s responses; list the origins, or turn credentials off',
  },
  { name: 'CORS without an origin', values: { ingress: { cors: { allowOrigins: [] } } }, message: 'ingress.cors.allowOrigins: expected at least one origin when CORS is enabled' },
  {
    name: '* beside other origins',
    values: { ingress: { cors: { allowOrigins: ['https://a.example.com', '*'], allowCredentials: false } } },
    message: 'ingress.cors.allowOrigins[1]: "*" allows every origin: give it alone, or list the origins without it',
  },
];

describe('synth refuses CORS values that widen the policy', () => {
  it.each(ruleCases)('$name', { timeout: 30_000 }, ({ values, message }) => {
    const cors = (values.ingress as { cors: Record<string, unknown> }).cors;
    const dir = valuesCopyWith(roots, 'production.yaml', (t) => t.replace('    ingress:\n      rateLimit:', `    ingress:\n      cors: ${JSON.stringify(cors)}\n      rateLimit:`));
    const [path, ...rest] = message.split(': ');
    expect(synthProblems(dir)).toEqual([expect.stringMatching(new RegExp(`production\\.yaml:\\d+:\\d+: applications\\.api\\.${path.replace(/[.[\]*]/g, '\\$&')}: `))]);
    expect(synthProblems(dir)[0].endsWith(rest.join(': '))).toBe(true);
  });

  it.each([
    { name: 'an origin with a path', cors: { allowOrigins: ['https://www.example.com/app'] }, expected: /applications\.api\.ingress\.cors\.allowOrigins\[0\]: expected a value matching/ },
    {
      name: 'a method in lower case',
      cors: { allowMethods: ['get'] },
      expected: /applications\.api\.ingress\.cors\.allowMethods\[0\]: expected one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "get"$/,
    },
    { name: 'a preflight cache over a day', cors: { maxAgeSeconds: 1728000 }, expected: /applications\.api\.ingress\.cors\.maxAgeSeconds: expected a number <= 86400, got 1728000$/ },
  ])('$name (the schema)', { timeout: 30_000 }, ({ cors, expected }) => {
    const dir = valuesCopyWith(roots, 'production.yaml', (t) => t.replace('    ingress:\n      rateLimit:', `    ingress:\n      cors: ${JSON.stringify(cors)}\n      rateLimit:`));
    expect(synthProblems(dir)).toEqual([expect.stringMatching(expected)]);
  });
});

describe.each(helmVersions)('$label refuses them in the chart with synth’s words', ({ binary }) => {
  const scratch = mkdtempSync(join(tmpdir(), 'cors-rules-'));
  roots.push(scratch);
  it.each(ruleCases.map((c, i) => ({ ...c, i })))('$name', ({ values, message, i }) => {
    const file = join(scratch, `case-${i}.yaml`);
    writeFileSync(file, stringify(values));
    const chartDir = join(distDir, 'helm', 'api');
    for (const env of ['production', 'staging']) {
      const result = helm(binary, ['template', 'api', chartDir, '-n', `api-${env}`, '-f', join(chartDir, `values-${env}.yaml`), '-f', file]);
      expect(result.status).toBe(1);
      expect(result.stderr.split('\n')[0]).toMatch(/validate-values\.yaml:\d+:\d+\): /);
      expect(result.stderr.split('\n')[0].endsWith(`): ${message}`)).toBe(true);
    }
  });
});

/**
 * Neighbours accepted: a wildcard subdomain with credentials, "*" without them; web with CORS of its own;
 * the monitoring stack's admin routes behind basic authentication. Synthesized, then rendered by Helm from
 * the emitted charts with the emitted values: the same objects.
 */
describe('other values: the same objects in synth and in Helm 3 and 4', () => {
  const dir = valuesCopyWith(roots, 'base.yaml', (t) =>
    t
      .replace(
        '      hosts:\n        - host: "www.{domain}"',
        '      cors: { enabled: true, allowOrigins: ["*"], allowMethods: [GET], allowHeaders: [Content-Type], maxAgeSeconds: 600 }\n      hosts:\n        - host: "www.{domain}"',
      )
      .replace('allowOrigins: ["https://www.{domain}"]', 'allowOrigins: ["https://www.{domain}", "https://*.partners.example.org"]')
      .replace('    admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8] }', '    admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8], basicAuth: { secretName: monitoring-admin-htpasswd } }')
      // The users' Secret exists in the cluster (a reference like any other: lib/references/).
      .replace('    monitoring:\n      grafana-admin:', '    monitoring:\n      monitoring-admin-htpasswd: { keys: [.htpasswd, auth] }\n      grafana-admin:'),
  );
  const out = join(dir, '..', 'dist');
  synthInto(dir, out);
  const plain = (env: string, chart: string, file: string) => parse(readFileSync(join(out, 'manifests', env, chart, file), 'utf8')) as Obj;

  it('writes them', () => {
    expect(plain('production', 'web', 'securitypolicy.yaml').spec.cors).toEqual({ allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: ['Content-Type'], allowCredentials: false, maxAge: '600s' });
    expect((plain('production', 'api', 'securitypolicy.yaml').spec.cors as { allowOrigins: string[] }).allowOrigins).toEqual(['https://www.example.com', 'https://*.partners.example.org']);
    expect(plain('production', 'monitoring', 'monitoring-admin-securitypolicy.yaml').spec.basicAuth).toEqual({ users: { name: 'monitoring-admin-htpasswd' } });
    expect(plain('staging', 'monitoring', 'monitoring-admin-ingress.yaml').metadata.annotations).toMatchObject({
      [`${NGINX}/auth-type`]: 'basic',
      [`${NGINX}/auth-secret`]: 'monitoring-admin-htpasswd',
      [`${NGINX}/auth-secret-type`]: 'auth-file',
      [`${NGINX}/whitelist-source-range`]: '10.0.0.0/8',
    });
    expect(plain('staging', 'web', 'ingress.yaml').metadata.annotations).toMatchObject({ [`${NGINX}/cors-allow-origin`]: '*', [`${NGINX}/cors-allow-credentials`]: 'false' });
    expect(plain('staging', 'web', 'ingress.yaml').metadata.annotations![`${NGINX}/cors-expose-headers`]).toBeUndefined();
  });

  it.each(helmVersions)('$label renders the same', ({ binary }) => {
    const cases = [
      ['production', 'web', 'web-production', 'SecurityPolicy', 'web'],
      ['production', 'api', 'api-production', 'SecurityPolicy', 'api-admin'],
      ['production', 'monitoring', 'monitoring', 'SecurityPolicy', 'monitoring-admin'],
      ['staging', 'monitoring', 'monitoring', 'Ingress', 'monitoring-admin'],
      ['staging', 'web', 'web-staging', 'Ingress', 'web'],
    ] as const;
    for (const [env, chart, namespace, kind, name] of cases) {
      const chartDir = join(out, 'helm', chart);
      const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, `values-${env}.yaml`), '-n', namespace]) as Obj[];
      const mine = find(rendered, kind, name)!;
      const file =
        kind === 'SecurityPolicy'
          ? chart === 'monitoring'
            ? 'monitoring-admin-securitypolicy.yaml'
            : name === chart
              ? 'securitypolicy.yaml'
              : 'securitypolicy-admin.yaml'
          : chart === 'monitoring'
            ? 'monitoring-admin-ingress.yaml'
            : 'ingress.yaml';
      const expected = plain(env, chart, file);
      expect(mine.spec).toEqual(expected.spec);
      expect(mine.metadata.annotations).toEqual(expected.metadata.annotations);
    }
  });
});
