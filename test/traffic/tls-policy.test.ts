/**
 * The environment's TLS policy, HSTS and compression (issue 23 §1 and §3): declared in the committed
 * output of every environment on its provider (an Envoy Gateway ClientTrafficPolicy on the Gateway's
 * HTTPS listener; the ingress-nginx controller settings), built from values with the documents'
 * defaults in both outputs (synth and Helm 3 and 4 render the same objects for values other than the
 * shipped ones), and bad values refused by synth (file, line, path) and by the charts with the same words.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INTERMEDIATE_CIPHERS } from '../../lib/traffic/tls-policy';
import { type K8sObject, distDir, plainObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type Obj = K8sObject & { spec: Record<string, unknown> };
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;

/** values/ with `traffic` (YAML flow text, two-space indented keys) added to base.yaml's environment.traffic. */
function withTraffic(lines: string): string {
  return valuesCopyWith(roots, 'base.yaml', (t) => t.replace('  traffic:\n    provider: gatewayAPI\n', `  traffic:\n    provider: gatewayAPI\n${lines}`));
}

describe('the committed output declares the documents’ TLS policy', () => {
  it.each(['dev', 'production'])('%s: a ClientTrafficPolicy on the Gateway’s HTTPS listener, in the Gateway’s namespace', (env) => {
    const policy = find(plainObjects(env, 'monitoring'), 'ClientTrafficPolicy', 'platform-https-tls')!;
    expect(policy.metadata.namespace).toBe('gateway-system');
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', sectionName: 'https' }],
      tls: {
        minVersion: '1.2',
        maxVersion: '1.3',
        // Mozilla Server Side TLS 6.0, intermediate: the six ECDHE AEAD suites, in its order.
        ciphers: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'],
        ecdhCurves: ['X25519', 'P-256', 'P-384'],
        session: { resumption: { stateful: {} } },
      },
    });
  });

  it('staging (ingress-nginx): no ClientTrafficPolicy; the controller settings file and its README section', () => {
    expect(plainObjects('staging', 'monitoring').filter((o) => o.kind === 'ClientTrafficPolicy')).toEqual([]);
    const settings = parse(readFileSync(join(distDir, 'environments', 'staging', 'ingress-nginx-controller.yaml'), 'utf8')) as K8sObject & { data: Record<string, string> };
    // The controller's ConfigMap, to merge into the real one (Helm: controller.config), never applied by the GitOps engine.
    expect([settings.kind, settings.metadata.namespace, settings.metadata.name]).toEqual(['ConfigMap', 'ingress-nginx', 'ingress-nginx-controller']);
    expect(settings.data).toEqual({
      'ssl-protocols': 'TLSv1.2 TLSv1.3',
      'ssl-ciphers': INTERMEDIATE_CIPHERS.join(':'),
      'ssl-ecdh-curve': 'X25519:prime256v1:secp384r1',
      'ssl-prefer-server-ciphers': 'false',
      'ssl-session-cache': 'true',
      'ssl-session-cache-size': '10m',
      'ssl-session-timeout': '1d',
      'ssl-session-tickets': 'false',
      hsts: 'false',
      'use-gzip': 'true',
      'gzip-min-length': '1024',
      'enable-brotli': 'true',
      'brotli-min-length': '1024',
      'global-allowed-response-headers': 'Strict-Transport-Security,X-Content-Type-Options,X-Frame-Options,Referrer-Policy,Content-Security-Policy,Permissions-Policy',
    });
    const readme = readFileSync(join(distDir, 'environments', 'staging', 'README.md'), 'utf8');
    expect(readme).toContain('[ingress-nginx-controller.yaml](ingress-nginx-controller.yaml)');
    expect(readme).toContain('kubectl -n ingress-nginx get configmap ingress-nginx-controller');
    expect(readme).toContain('--set-json "controller.config=$(yq -o json .data ingress-nginx-controller.yaml)"');
  });

  it.each(['dev', 'production'])('%s has no controller settings file (its entry is the Gateway API)', (env) => {
    expect(() => readFileSync(join(distDir, 'environments', env, 'ingress-nginx-controller.yaml'))).toThrow();
    expect(readFileSync(join(distDir, 'environments', env, 'README.md'), 'utf8')).toContain('ClientTrafficPolicy `gateway-system/platform-https-tls`');
  });

  it('HSTS is two years with includeSubDomains on every route and Ingress, without preload unless asked', () => {
    const hsts = (objects: K8sObject[]) =>
      objects.flatMap((o) => {
        if (o.kind === 'ConfigMap' && o.metadata.name.endsWith('security-headers')) return [(o as unknown as { data: Record<string, string> }).data['Strict-Transport-Security']];
        if (o.kind !== 'HTTPRoute') return [];
        const rules = (o as unknown as { spec: { rules: Array<{ filters?: Array<{ responseHeaderModifier?: { set: Array<{ name: string; value: string }> } }> }> } }).spec.rules;
        return rules.flatMap((r) => r.filters ?? []).flatMap((f) => f.responseHeaderModifier?.set.filter((h) => h.name === 'Strict-Transport-Security').map((h) => h.value) ?? []);
      });
    const values = ['production', 'staging'].flatMap((env) => ['api', 'web', 'monitoring'].flatMap((chart) => hsts(plainObjects(env, chart))));
    expect(values.length).toBeGreaterThan(6);
    expect(new Set(values)).toEqual(new Set(['max-age=63072000; includeSubDomains']));
  });
});

/** Bad TLS and compression values: one line each, located at the values file. */
const badValues: Array<{ name: string; traffic: string; expected: RegExp }> = [
  {
    name: 'TLS 1.0 (the documents allow 1.2 and 1.3 only)',
    traffic: '    tls: { minVersion: "1.0" }\n',
    expected: /base\.yaml:\d+:\d+: environment\.traffic\.tls\.minVersion: expected one of: 1\.2, 1\.3, got "1\.0"$/,
  },
  { name: 'a version YAML reads as a number', traffic: '    tls: { minVersion: 1.2 }\n', expected: /base\.yaml:\d+:\d+: environment\.traffic\.tls\.minVersion: expected a string, got 1\.2$/ },
  {
    name: 'a minimum above the maximum (the CRD’s CEL rule)',
    traffic: '    tls: { minVersion: "1.3", maxVersion: "1.2", ciphers: [] }\n',
    expected: /base\.yaml:\d+:\d+: environment\.traffic\.tls\.minVersion: expected at most maxVersion \(1\.2\), got 1\.3$/,
  },
  {
    name: 'TLS 1.2 cipher suites with TLS 1.3 only (the CRD’s CEL rule)',
    traffic: '    tls: { minVersion: "1.3" }\n',
    expected: /base\.yaml:\d+:\d+: environment\.traffic\.tls\.ciphers: TLS 1\.3 has its own cipher suites: .*"setting ciphers has no effect if the minimum possible TLS version is 1\.3".*$/,
  },
  { name: 'no cipher suite for TLS 1.2', traffic: '    tls: { ciphers: [] }\n', expected: /base\.yaml:\d+:\d+: environment\.traffic\.tls\.ciphers: expected at least one cipher suite while TLS 1\.2 is served/ },
  {
    name: 'a CBC suite outside the intermediate profile',
    traffic: '    tls: { ciphers: [AES128-SHA] }\n',
    expected: /base\.yaml:\d+:\d+: environment\.traffic\.tls\.ciphers\[0\]: expected one of: ECDHE-ECDSA-AES128-GCM-SHA256, .*got "AES128-SHA"$/,
  },
  {
    name: 'a DHE suite (5.7, which Envoy’s BoringSSL lacks)',
    traffic: '    tls: { ciphers: [DHE-RSA-AES128-GCM-SHA256] }\n',
    expected: /environment\.traffic\.tls\.ciphers\[0\]: expected one of: .*got "DHE-RSA-AES128-GCM-SHA256"$/,
  },
  { name: 'no key exchange group', traffic: '    tls: { ecdhCurves: [] }\n', expected: /environment\.traffic\.tls\.ecdhCurves: expected at least 1 item\(s\)$/ },
  { name: 'a group given twice', traffic: '    tls: { ecdhCurves: [X25519, P-256, X25519] }\n', expected: /environment\.traffic\.tls\.ecdhCurves\[2\]: "X25519" is already item 0: expected each item once$/ },
  {
    name: 'an OpenSSL group name where Envoy’s is expected',
    traffic: '    tls: { ecdhCurves: [prime256v1] }\n',
    expected: /environment\.traffic\.tls\.ecdhCurves\[0\]: expected one of: X25519MLKEM768, X25519, P-256, P-384, got "prime256v1"$/,
  },
  {
    name: 'session tickets under another name',
    traffic: '    tls: { sessionResumption: { tickets: true } }\n',
    expected: /environment\.traffic\.tls\.sessionResumption\.tickets: unknown key \(expected one of: stateful, stateless\)$/,
  },
  { name: 'compression switched on with a word', traffic: '    compression: { gzip: "yes" }\n', expected: /environment\.traffic\.compression\.gzip: expected a boolean, got "yes"$/ },
  { name: 'compression of empty bodies', traffic: '    compression: { minContentLength: 0 }\n', expected: /environment\.traffic\.compression\.minContentLength: expected a number >= 1, got 0$/ },
];

describe('synth refuses bad TLS and compression values', () => {
  it.each(badValues)('$name', { timeout: 30_000 }, ({ traffic, expected }) => {
    const lines = synthProblems(withTraffic(traffic));
    expect(lines.filter((line) => expected.test(line))).toHaveLength(1);
    expect(lines).toHaveLength(1);
  });

  it.each([
    {
      where: 'an application',
      edit: (t: string) => t.replace('    ingress:\n      rateLimit:', '    ingress:\n      hstsMaxAgeSeconds: 86400\n      hstsPreload: true\n      rateLimit:'),
      expected: /production\.yaml:\d+:\d+: applications\.api\.ingress\.hstsPreload: the HSTS preload list \(hstspreload\.org\) requires a max-age of at least 31536000 seconds \(one year\), got 86400$/,
    },
    {
      where: 'the monitoring chart',
      edit: (t: string) => t.replace('  ingress:\n    host: ops.example.com\n', '  ingress:\n    host: ops.example.com\n    hstsPreload: true\n    hstsMaxAgeSeconds: 600\n'),
      expected: /production\.yaml:\d+:\d+: monitoring\.ingress\.hstsPreload: the HSTS preload list \(hstspreload\.org\) requires a max-age of at least 31536000 seconds \(one year\), got 600$/,
    },
  ])('refuses HSTS preload with a max-age the preload list refuses, in $where', { timeout: 30_000 }, ({ edit, expected }) => {
    expect(synthProblems(valuesCopyWith(roots, 'production.yaml', edit))).toEqual([expect.stringMatching(expected)]);
  });

  it('accepts preload with two years, and writes it', { timeout: 30_000 }, () => {
    const dir = valuesCopyWith(roots, 'production.yaml', (t) => t.replace('    ingress:\n      rateLimit:', '    ingress:\n      hstsPreload: true\n      rateLimit:'));
    const out = join(dir, '..', 'dist');
    synthInto(dir, out);
    const route = parse(readFileSync(join(out, 'manifests', 'production', 'api', 'httproute.yaml'), 'utf8')) as {
      spec: { rules: Array<{ filters: Array<{ responseHeaderModifier: { set: Array<{ name: string; value: string }> } }> }> };
    };
    expect(route.spec.rules[0].filters[0].responseHeaderModifier.set[0]).toEqual({ name: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains; preload' });
    for (const { binary } of helmVersions) {
      const chartDir = join(out, 'helm', 'api');
      const rendered = helmTemplate(binary, ['api', chartDir, '-f', join(chartDir, 'values-production.yaml'), '-n', 'api-production']) as Obj[];
      expect(rendered.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'api')!.spec).toEqual(route.spec);
    }
  });
});

/** Rules beyond the schema, as synth and the charts say them (`traffic.` in a chart, `environment.traffic.` in synth). */
const ruleCases: Array<{ name: string; chart: 'api' | 'monitoring'; values: Record<string, unknown>; message: string }> = [
  {
    name: 'a minimum above the maximum',
    chart: 'api',
    values: { traffic: { tls: { minVersion: '1.3', maxVersion: '1.2', ciphers: [] } } },
    message: 'traffic.tls.minVersion: expected at most maxVersion (1.2), got 1.3',
  },
  {
    name: 'TLS 1.2 suites with TLS 1.3 only',
    chart: 'monitoring',
    values: { traffic: { tls: { minVersion: '1.3' } } },
    message:
      'traffic.tls.ciphers: TLS 1.3 has its own cipher suites: with minVersion "1.3" Envoy Gateway refuses ciphers ("setting ciphers has no effect if the minimum possible TLS version is 1.3"); leave the list empty',
  },
  {
    name: 'no suite while TLS 1.2 is served',
    chart: 'monitoring',
    values: { traffic: { tls: { ciphers: [] } } },
    message: 'traffic.tls.ciphers: expected at least one cipher suite while TLS 1.2 is served (with none, the proxies would offer their own defaults, CBC suites included)',
  },
  {
    name: 'HSTS preload with a max-age under a year',
    chart: 'api',
    values: { ingress: { hstsPreload: true, hstsMaxAgeSeconds: 86400 } },
    message: 'ingress.hstsPreload: the HSTS preload list (hstspreload.org) requires a max-age of at least 31536000 seconds (one year), got 86400',
  },
  {
    name: 'HSTS preload with a max-age under a year (monitoring)',
    chart: 'monitoring',
    values: { ingress: { hstsPreload: true, hstsMaxAgeSeconds: 600 } },
    message: 'ingress.hstsPreload: the HSTS preload list (hstspreload.org) requires a max-age of at least 31536000 seconds (one year), got 600',
  },
];

describe.each(helmVersions)('$label refuses them in the charts with synth’s words', ({ binary }) => {
  it.each(ruleCases.map((c, i) => ({ ...c, i })))('$chart: $name', ({ chart, values, message, i }) => {
    const root = mkdtempSync(join(tmpdir(), 'tls-rules-'));
    roots.push(root);
    const file = join(root, `case-${i}.yaml`);
    writeFileSync(file, stringify(values));
    const chartDir = join(distDir, 'helm', chart);
    const result = helm(binary, ['template', chart, chartDir, '-f', join(chartDir, 'values-production.yaml'), '-f', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`validate-values.yaml`);
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it.each([
    { args: ['--set', 'traffic.tls.minVersion=1.0'], message: /traffic[./]tls[./]minVersion/ },
    { args: ['--set-json', 'traffic.tls.ciphers=["AES128-SHA"]'], message: /traffic[./]tls[./]ciphers/ },
    { args: ['--set-json', 'traffic.compression.minContentLength=0'], message: /traffic[./]compression[./]minContentLength/ },
  ])('the schema: $args', ({ args, message }) => {
    const chartDir = join(distDir, 'helm', 'web');
    const result = helm(binary, ['template', 'web', chartDir, '-f', join(chartDir, 'values-production.yaml'), ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});

/**
 * Values other than the shipped ones, synthesized and rendered by Helm from the emitted chart with the
 * emitted values: the same ClientTrafficPolicy and BackendTrafficPolicies in both, as the values say.
 */
describe('other policies from values: the same objects in synth and in Helm', () => {
  const out = join(
    withTraffic(
      '    tls: { minVersion: "1.3", ciphers: [], ecdhCurves: [X25519MLKEM768, X25519], sessionResumption: { stateful: false, stateless: true } }\n    compression: { brotli: false, minContentLength: 256 }\n',
    ),
    '..',
    'dist',
  );
  synthInto(join(out, '..', 'values'), out);
  const manifests = (chart: string) => parse(readFileSync(join(out, 'manifests', 'production', chart, chart === 'monitoring' ? 'gateway-clienttrafficpolicy.yaml' : 'backendtrafficpolicy.yaml'), 'utf8')) as Obj;

  it('writes TLS 1.3 only without cipher suites, the hybrid group, tickets only; gzip only', () => {
    expect(manifests('monitoring').spec.tls).toEqual({ minVersion: '1.3', maxVersion: '1.3', ecdhCurves: ['X25519MLKEM768', 'X25519'], session: { resumption: { stateless: {} } } });
    expect(manifests('api').spec.compressor).toEqual([{ type: 'Gzip', minContentLength: 256 }]);
  });

  it.each(helmVersions)('$label renders the same', ({ binary }) => {
    for (const chart of ['monitoring', 'api']) {
      const chartDir = join(out, 'helm', chart);
      const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, 'values-production.yaml'), '-n', chart === 'monitoring' ? 'monitoring' : 'api-production']) as Obj[];
      const plain = manifests(chart);
      const same = rendered.find((o) => o.kind === plain.kind && o.metadata.name === plain.metadata.name)!;
      expect(same.spec).toEqual(plain.spec);
    }
  });

  it('the controller settings follow: TLS 1.3 only, no cipher list, tickets, no brotli', () => {
    const dir = valuesCopyWith(roots, 'staging.yaml', (t) =>
      t.replace('traffic: { provider: ingress }', 'traffic: { provider: ingress, tls: { minVersion: "1.3", ciphers: [], sessionResumption: { stateless: true } }, compression: { brotli: false } }'),
    );
    const staging = join(dir, '..', 'dist');
    synthInto(dir, staging);
    const config = (parse(readFileSync(join(staging, 'environments', 'staging', 'ingress-nginx-controller.yaml'), 'utf8')) as { data: Record<string, string> }).data;
    expect(config).toMatchObject({ 'ssl-protocols': 'TLSv1.3', 'ssl-session-cache': 'true', 'ssl-session-tickets': 'true', 'enable-brotli': 'false', 'use-gzip': 'true' });
    expect(config['ssl-ciphers']).toBeUndefined();
  });
});
