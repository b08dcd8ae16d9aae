/**
 * Tracing goes to a declared collector or nowhere (issue 19 §2): staging and production declare the
 * observability team's collector and their applications send to it through exactly one NetworkPolicy,
 * dev traces nothing (OTEL_TRACES_EXPORTER=none, no policy). Synth refuses a collector that is not
 * declared (or the monitoring stack's, which has none yet), tracing without a collector, an endpoint
 * written by hand, and a declaration whose host, namespace and network disagree; a chart used with Helm
 * alone (3 and 4) refuses a collector it cannot resolve and an endpoint without the network the
 * policies must open, in synth's words. The certificates' HTTP-01 solver pods get the one ingress they
 * need (Ingress environments).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { type K8sObject, distDir, plainObjects, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const byName = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const configOf = (env: string, app: string) => byName(plainObjects(env, app), 'ConfigMap', `${app}-config`) as K8sObject & { data: Record<string, string> };

describe('the shipped environments', () => {
  it.each(['staging', 'production'])('%s: every application sends OTLP/HTTP to the declared collector, through one policy to its pods and port', (env) => {
    for (const app of ['api', 'web', 'worker']) {
      const data = configOf(env, app).data;
      expect(data.OTEL_TRACES_EXPORTER).toBe('otlp');
      expect(data.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.observability.svc:4318');
      expect(data.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
      const policy = byName(plainObjects(env, app), 'NetworkPolicy', `${app}-allow-tracing`) as K8sObject & { spec: Record<string, unknown> };
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } } }],
            ports: [{ protocol: 'TCP', port: 4318 }],
          },
        ],
      });
    }
  });

  it('dev traces nothing: no exporter, no endpoint, nothing opened for traces', () => {
    for (const app of ['api', 'web', 'worker']) {
      const data = configOf('dev', app).data;
      expect(data.OTEL_TRACES_EXPORTER).toBe('none');
      expect(data.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
      expect(byName(plainObjects('dev', app), 'NetworkPolicy', `${app}-allow-tracing`)).toBeUndefined();
    }
    // No reference to the collector's namespace anywhere in dev's output.
    const dir = join(distDir, 'manifests', 'dev');
    for (const app of readdirSync(dir)) for (const file of readdirSync(join(dir, app))) expect(readFileSync(join(dir, app, file), 'utf8')).not.toContain('observability');
  });

  it('the README lists the collector with the commands that find it', () => {
    const text = readFileSync(join(distDir, 'environments', 'production', 'README.md'), 'utf8');
    expect(text).toContain(
      '- **Trace collector otel-collector: http://otel-collector.observability.svc:4318 (OTLP/HTTP), pods app.kubernetes.io/name=opentelemetry-collector in observability**, for tracing of api, tracing of web, tracing of worker',
    );
    expect(text).toContain('  kubectl -n observability get service otel-collector\n');
    expect(readFileSync(join(distDir, 'environments', 'dev', 'README.md'), 'utf8')).not.toContain('Trace collector');
  });

  it('the HTTP-01 solver pods of the Ingress environment’s Certificates are reachable from the ingress controller on 8089, nothing else', () => {
    for (const [app, name] of [
      ['api', 'api-allow-acme-solver'],
      ['web', 'web-allow-acme-solver'],
      ['monitoring', 'monitoring-allow-acme-solver'],
    ]) {
      const policy = byName(plainObjects('staging', app), 'NetworkPolicy', name) as K8sObject & { spec: Record<string, unknown> };
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8089 }] }],
      });
    }
    // No Certificate in the Gateway API environments, so no solver and no policy; none for the worker (no route).
    for (const env of ['dev', 'production']) expect(plainObjects(env, 'api').some((o) => o.metadata.name === 'api-allow-acme-solver')).toBe(false);
    expect(plainObjects('staging', 'worker').some((o) => o.metadata.name === 'worker-allow-acme-solver')).toBe(false);
  });
});

/** values/ with production.yaml edited (YAML paths set). */
function productionWith(entries: ReadonlyArray<readonly [readonly string[], unknown]>): string {
  return valuesCopyWith(roots, 'production.yaml', (text) => {
    const doc = parseDocument(text);
    for (const [path, value] of entries) doc.setIn(path, value);
    return doc.toString();
  });
}
const problemsOf = (values: string) => synthProblems(values).map((line) => line.replace(/^.*?values\//, 'values/'));

describe('synth refuses tracing that goes nowhere', () => {
  it('a collector the environment does not declare, at the value', () => {
    expect(problemsOf(productionWith([[['applications', 'api', 'tracing', 'collector'], 'jaeger']]))).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: applications\.api\.tracing\.collector: expected a trace collector of production: one of prerequisites\.traceCollectors \(otel-collector\) or monitoring, got "jaeger"$/,
      ),
    ]);
  });

  it('the monitoring stack’s collector, which it does not run yet', () => {
    expect(problemsOf(productionWith([[['defaults', 'tracing', 'collector'], 'monitoring']]))).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: defaults\.tracing\.collector: the monitoring stack runs no trace collector \(yet\): name one of prerequisites\.traceCollectors \(otel-collector\), or set tracing\.enabled: false$/,
      ),
    ]);
  });

  it('tracing on without a collector (dev declares none)', () => {
    const values = valuesCopyWith(roots, 'dev.yaml', (t) => t.replace('defaults:\n', 'defaults:\n  tracing: { enabled: true }\n'));
    expect(problemsOf(values)).toEqual([
      expect.stringMatching(
        /^values\/dev\.yaml:\d+:\d+: defaults\.tracing\.collector: required when tracing\.enabled: one of the environment’s prerequisites\.traceCollectors or monitoring; or tracing\.enabled: false$/,
      ),
    ]);
  });

  it('an endpoint or egress written by hand (they come from the declared collector)', () => {
    const problems = problemsOf(productionWith([[['applications', 'web', 'tracing', 'endpoint'], 'http://collector.example.net:4318']]));
    expect(problems).toEqual([
      expect.stringMatching(/^values\/production\.yaml:\d+:\d+: applications\.web\.tracing\.endpoint: is derived by synth from tracing\.collector \(a collector the environment declares\): remove it$/),
    ]);
  });

  it('a declaration whose host, namespace and network disagree', () => {
    const collector = ['prerequisites', 'traceCollectors', 'otel-collector'];
    expect(problemsOf(productionWith([[[...collector, 'host'], 'otel-collector.tracing.svc']]))).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: prerequisites\.traceCollectors\.otel-collector\.host: otel-collector\.tracing\.svc is a Service of namespace tracing, and namespace is observability: the NetworkPolicies would admit pods other than those the traces go to$/,
      ),
    ]);
    expect(problemsOf(productionWith([[[...collector, 'cidr'], '10.40.0.0/24']]))).toEqual([
      expect.stringMatching(/^values\/production\.yaml:\d+:\d+: prerequisites\.traceCollectors\.otel-collector: expected exactly one of namespace .* or cidr/),
    ]);
  });
});

describe('a collector outside the cluster: egress to its network only, the same objects in both outputs', () => {
  const values = () => productionWith([[['prerequisites', 'traceCollectors', 'otel-collector'], { host: 'traces.example.net', port: 443, scheme: 'https', cidr: '203.0.113.0/28' }]]);

  it('in the plain manifests and with Helm 3 and 4', () => {
    const out = mkdtempSync(join(tmpdir(), 'tracing-outside-'));
    roots.push(out);
    synthInto(values(), out);
    const dir = join(out, 'manifests', 'production', 'api');
    const plain = readdirSync(dir).map((name) => parse(readFileSync(join(dir, name), 'utf8')) as K8sObject);
    expect((byName(plain, 'ConfigMap', 'api-config') as K8sObject & { data: Record<string, string> }).data.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('https://traces.example.net:443');
    expect((byName(plain, 'NetworkPolicy', 'api-allow-tracing') as K8sObject & { spec: { egress: unknown } }).spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '203.0.113.0/28' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    const chart = join(out, 'helm', 'api');
    for (const { binary } of helmVersions) {
      const rendered = helmTemplate(binary, ['api', chart, '-f', join(chart, 'values-production.yaml'), '-n', 'api-production']) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain)));
    }
  }, 60_000);
});

describe('the chart with Helm alone refuses what synth would have resolved, in synth’s words', () => {
  const chart = join(distDir, 'helm', 'api');
  const render = (binary: string, values: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-helm-'));
    roots.push(dir);
    writeFileSync(join(dir, 'values.yaml'), values);
    return helm(binary, ['template', 'api', chart, '-f', join(dir, 'values.yaml'), '-n', 'api-production']);
  };

  it.each(helmVersions)('$label', ({ binary }) => {
    const cases = [
      [
        'tracing: { enabled: true, collector: otel-collector }',
        'tracing.collector: collectors are resolved by npm run synth (it writes tracing.endpoint and tracing.egress from the environment’s prerequisites.traceCollectors); with Helm alone, give those instead',
      ],
      ['tracing: { enabled: true }', 'tracing.collector: required when tracing.enabled: one of the environment’s prerequisites.traceCollectors or monitoring; or tracing.enabled: false'],
      [
        'tracing: { enabled: true, endpoint: "http://otel.example.net:4318" }',
        'tracing.egress: required with tracing.enabled and networkPolicy.enabled: the collector’s port and its pods (namespaceLabels, podLabels) or network (cidr), which the NetworkPolicies admit and nothing else',
      ],
      [
        'tracing: { enabled: true, endpoint: "http://otel.example.net:4318", egress: { port: 4318, cidr: 10.0.0.0/8, namespaceLabels: { team: o11y } } }',
        'tracing.egress: expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)',
      ],
    ];
    for (const [values, message] of cases) {
      const result = render(binary, values);
      expect(result.status, values).not.toBe(0);
      expect(result.stderr, values).toContain(message);
    }
    // Given both, it renders the policy to that network only.
    const ok = render(binary, 'tracing: { enabled: true, endpoint: "http://otel.example.net:4318", egress: { port: 4318, cidr: 192.0.2.0/24 } }');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('name: "api-allow-tracing"');
    expect(ok.stdout).toContain('cidr: "192.0.2.0/24"');
  });
});
