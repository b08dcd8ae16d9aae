/**
 * Wiring between applications by name (lib/values/wiring.ts): web → api → (PostgreSQL by CIDR, Redis by
 * namespace and labels). In every environment, the caller's egress and the callee's ingress name each
 * other's namespace and pods, in the plain manifests and in `helm template` of the emitted charts with
 * Helm 3 and Helm 4; unknown applications, ports the callee does not expose, a dependency on itself and
 * hand-written derived fields are refused with their location.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../charts/platform';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { type K8sObject, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { synthInto, synthProblems } from '../support/synth-cli';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
/** api's PostgreSQL in values/base.yaml, a data store the monitoring stack watches (its last line: the exporter's database). */
const API_POSTGRESQL =
  '          host: postgresql.shop.internal\n          exporter:\n            credentialsSecret: { name: postgresql-exporter, usernameKey: username, passwordKey: password }\n            database: shop\n';
const API_DEPENDENCIES = `${API_POSTGRESQL}        - { name: redis, port: 6379, namespaceLabels: { kubernetes.io/metadata.name: data }, podLabels: { app.kubernetes.io/name: redis }, host: redis.data.svc }
`;

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A copy of values/ with `edit` applied to base.yaml. */
function valuesWith(edit: (base: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'wiring-'));
  roots.push(root);
  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  const file = join(root, 'values', 'base.yaml');
  const text = readFileSync(file, 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(file, edited);
  return join(root, 'values');
}

/** api gets its own dependencies: PostgreSQL by CIDR, Redis by namespace and labels. */
const withApiDependencies = (base: string) => base.replace(API_POSTGRESQL, API_DEPENDENCIES);

describe('web → api → (postgresql, redis)', () => {
  let dist: string;
  beforeAll(() => {
    const valuesDir = valuesWith(withApiDependencies);
    dist = join(dirname(valuesDir), 'dist');
    synthInto(valuesDir, dist);
  });

  const plain = (environment: string, chart: string): K8sObject[] => {
    const dir = join(dist, 'manifests', environment, chart);
    return readdirSync(dir)
      .sort()
      .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
  };
  const policy = (objects: K8sObject[], suffix: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith(suffix)) as K8sObject & { spec: Record<string, unknown> };

  it.each(ENVIRONMENTS)('in %s, web may call api on its http port, and api lets web in', (env) => {
    const webEgress = policy(plain(env, 'web'), '-allow-dependencies').spec;
    expect(webEgress.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': `api-${env}` } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    const apiIngress = policy(plain(env, 'api'), '-allow-dependents').spec;
    expect(apiIngress.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } });
    expect(apiIngress.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': `web-${env}` } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it.each(ENVIRONMENTS)('in %s, api keeps its own external dependencies, and only web is let in', (env) => {
    const apiEgress = policy(plain(env, 'api'), '-allow-dependencies').spec.egress as Array<{ to: unknown[]; ports: unknown[] }>;
    expect(apiEgress.map((rule) => rule.to)).toEqual([
      [{ ipBlock: { cidr: '10.20.0.0/16' } }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }],
    ]);
    expect(policy(plain(env, 'worker'), '-allow-dependents')).toBeUndefined();
    expect(policy(plain(env, 'web'), '-allow-dependents')).toBeUndefined();
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(ENVIRONMENTS.flatMap((env) => ['web', 'api'].map((chart) => ({ env, chart }))))('renders $chart in $env as the plain manifests', ({ env, chart }) => {
      const chartDir = join(dist, 'helm', chart);
      const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, `values-${env}.yaml`), '-n', `${chart}-${env}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(env, chart))));
    });

    it('with Helm alone, a dependency by application name that synth has not located goes to the release named after it, in this namespace (umbrella.test.ts: the other layouts)', () => {
      const objects = helmTemplate(binary, ['web', join(dist, 'helm', 'web'), '-n', 'shop', '--set-json', 'networkPolicy.dependencies=[{"app":"api","port":8080}]']) as K8sObject[];
      expect(policy(objects, '-allow-dependencies').spec.egress).toEqual([
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ]);
    });
  });
});

describe('wiring refusals', () => {
  const webDependency = (dependency: string) => (base: string) => base.replace('        - app: api\n          port: http\n', `        - ${dependency}\n`);

  it.each([
    [
      'an unknown application',
      '{ app: shop-api }',
      /values\/base\.yaml:\d+:\d+: applications\.web\.networkPolicy\.dependencies\[0\]\.app: expected an application of the platform \(api, web, worker\), got "shop-api"$/,
    ],
    [
      'a port the callee does not expose',
      '{ app: api, port: grpc }',
      /values\/base\.yaml:\d+:\d+: applications\.web\.networkPolicy\.dependencies\[0\]\.port: api does not expose "grpc" \(its ports: http 8080\)$/,
    ],
    [
      'a port number the callee does not expose',
      '{ app: api, port: 9090 }',
      /values\/base\.yaml:\d+:\d+: applications\.web\.networkPolicy\.dependencies\[0\]\.port: api does not expose 9090 \(its ports: http 8080\)$/,
    ],
    ['a dependency on itself', '{ app: web }', /values\/base\.yaml:\d+:\d+: applications\.web\.networkPolicy\.dependencies\[0\]\.app: an application does not depend on itself$/],
    ['namespace labels beside app', '{ app: api, namespaceLabels: { team: shop } }', /applications\.web\.networkPolicy\.dependencies\[0\]\.namespaceLabels: is derived from app \(api\): remove it$/],
    [
      'a port name without app',
      '{ name: cache, port: http, namespaceLabels: { team: shop } }',
      /applications\.web\.networkPolicy\.dependencies\[0\]\.port: expected a port number; a port name only works with app, got "http"$/,
    ],
  ])('%s', (_name, dependency, expected) => {
    const lines = synthProblems(valuesWith(webDependency(dependency)));
    expect(
      lines.some((line) => expected.test(line)),
      lines.join('\n'),
    ).toBe(true);
  });

  it('applications that wait for each other at start (waitForDependencies on both sides of a cycle)', () => {
    const lines = synthProblems(
      valuesWith((base) =>
        base
          .replace(API_POSTGRESQL, `${API_POSTGRESQL}        - { app: web }\n`)
          .replace('        - app: api\n          port: http\n', '        - app: api\n          port: http\n    waitForDependencies: { enabled: true }\n'),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /values\/base\.yaml:\d+:\d+: applications\.api\.networkPolicy\.dependencies\[1\]\.app: api, web wait for each other at start \(waitForDependencies\.enabled on each\): none would start; disable waitForDependencies on one of them$/,
      ),
    );
  });

  it('accepts a cycle of NetworkPolicies alone (only one side waits)', () => {
    const valuesDir = valuesWith((base) => base.replace(API_POSTGRESQL, `${API_POSTGRESQL}        - { app: web }\n`));
    expect(() => synthesize({ valuesDir })).not.toThrow();
  });

  it('dependents written by hand', () => {
    const lines = synthProblems(valuesWith((base) => base.replace('        - app: api\n          port: http\n', '        - app: api\n          port: http\n      dependents: []\n')));
    expect(lines).toContainEqual(expect.stringMatching(/applications\.web\.networkPolicy\.dependents: is derived by synth from the other applications’ dependencies: remove it$/));
  });
});
