/**
 * What a user overrides at `helm template`/`helm install` time takes effect in the objects, with Helm 3
 * and Helm 4, and the output stays valid under the strict Kubernetes schemas of 1.27 and 1.33.
 * Every chart gets the generic cases; the application charts (api, worker) also get their own list.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatFinding, validateManifests } from '../../lib/validation';
import { schemaLocations } from '../support/schemas';
import { charts, distDir, environments, type K8sObject, releaseNamespace } from '../support/dist';
import { helmTemplate, helmVersions } from '../support/helm';

const kubernetesVersions = ['1.27.0', '1.33.0'];

interface Release {
  readonly name: string;
  readonly namespace: string;
}

interface Render {
  readonly chart: string;
  readonly release: Release;
  readonly objects: K8sObject[];
  /** The same chart rendered with the same environment and release, without the overrides. */
  readonly baseline: K8sObject[];
}

interface OverrideCase {
  readonly name: string;
  /** Start from dist/helm/<chart>/values-<environment>.yaml (default: values.yaml alone). */
  readonly environment?: string;
  /** A values file given with -f (after the environment's). */
  readonly values?: Record<string, unknown>;
  /** --set arguments. */
  readonly set?: readonly string[];
  /** Default: the chart's name and the namespace of its release in the environment (or the first one). */
  readonly release?: Partial<Release>;
  readonly check: (render: Render) => void;
}

// Kubernetes shapes, as far as the assertions read them.
type Labels = Record<string, string>;
type Container = { name: string; image: string; envFrom: { configMapRef: { name: string } }[] };
type PodSpec = { containers: Container[]; serviceAccountName: string; nodeSelector?: Labels; tolerations?: unknown[] };
type Deployment = K8sObject & {
  spec: { replicas?: number; selector: { matchLabels: Labels }; template: { metadata: { labels: Labels; annotations: Labels }; spec: PodSpec } };
};
type IngressRule = { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } };
type Ingress = K8sObject & { spec: { tls?: { hosts: string[]; secretName: string }[]; rules: IngressRule[] } };
type PodDisruptionBudget = K8sObject & { spec: { selector: { matchLabels: Labels }; minAvailable?: number | string; maxUnavailable?: number | string } };
type NetworkPolicy = K8sObject & { spec: { egress?: { to: unknown[]; ports: { port: number }[] }[] } };
type Service = K8sObject & { spec: { selector: Labels } };

const VERSION = 'app.kubernetes.io/version';
const INSTANCE = 'app.kubernetes.io/instance';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function ofKind<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function named<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = ofKind<T>(objects, kind).filter((o) => o.metadata.name === name);
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`${kind}/${name}`]);
  return found[0];
}

/** The workload of the pods: the Deployment, or the Argo Rollout in its place (api in production), which has the same replicas, selector and template. */
function deployment(objects: K8sObject[]): Deployment {
  const found = [...ofKind<Deployment>(objects, 'Deployment'), ...ofKind<Deployment>(objects, 'Rollout')];
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every label map in the objects (metadata and pod templates), selectors excluded. */
function labelMaps(objects: K8sObject[]): Labels[] {
  const maps: Labels[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'labels') maps.push(value as Labels);
      else visit(value);
    }
  };
  objects.forEach(visit);
  return maps;
}

/** Every label selector (`matchLabels` and Service selectors), in object order. */
function selectors(objects: K8sObject[]): Labels[] {
  const found: Labels[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'matchLabels') found.push(value as Labels);
      // NetworkPolicy peers select other applications' pods (dependencies, dependents), not this release's.
      else if (key !== 'from' && key !== 'to') visit(value);
    }
  };
  for (const object of objects) {
    visit(object);
    if (object.kind === 'Service') found.push((object as Service).spec.selector);
  }
  return found;
}

/** The Helm fullname rule (lib/app/names.ts): the release name when it contains the chart name, else `<release>-<chart>`. */
function fullname(release: string, chart: string): string {
  return release.includes(chart) ? release : `${release}-${chart}`;
}

function defaultValues(chart: string): { image: { repository: string; tag: string } } {
  return parse(readFileSync(join(distDir, 'helm', chart, 'values.yaml'), 'utf8'));
}

/** Cases for any chart, whatever its values. */
const genericCases: OverrideCase[] = [
  {
    name: 'another release name',
    release: { name: 'shop-release' },
    check: ({ objects, baseline, release }) => {
      const namespaces = (list: K8sObject[]) => list.map((o) => o.metadata.namespace).sort();
      expect(namespaces(objects)).toContain(release.namespace);
      expect(namespaces(objects)).toEqual(namespaces(baseline));
      const instances = labelMaps(objects)
        .concat(selectors(objects))
        .map((labels) => labels[INSTANCE])
        .filter((value) => value !== undefined);
      expect(instances.length).toBeGreaterThan(objects.length);
      expect(new Set(instances)).toEqual(new Set(['shop-release']));
    },
  },
];

/** Cases for the application charts (lib/app), which share one values schema. */
function appCases(chart: string): OverrideCase[] {
  const { image } = defaultValues(chart);
  return [
    {
      name: '--set image.tag changes the image and the version label, not the selectors',
      set: ['image.tag=9.9.9'],
      check: ({ objects, baseline }) => {
        const pod = deployment(objects).spec.template;
        expect(pod.spec.containers[0].image).toBe(`${image.repository}:9.9.9`);
        expect(pod.metadata.labels[VERSION]).toBe('9.9.9');
        const versions = labelMaps(objects)
          .map((labels) => labels[VERSION])
          .filter((value) => value !== undefined);
        expect(versions.length).toBeGreaterThan(objects.length / 2);
        expect(new Set(versions)).toEqual(new Set(['9.9.9']));
        expect(selectors(objects)).toEqual(selectors(baseline));
        expect(selectors(objects).some((labels) => VERSION in labels)).toBe(false);
      },
    },
    {
      name: '--set image.digest pulls by digest and keeps the tag as version label',
      set: [`image.digest=${DIGEST}`],
      check: ({ objects }) => {
        const pod = deployment(objects).spec.template;
        expect(pod.spec.containers[0].image).toBe(`${image.repository}@${DIGEST}`);
        expect(pod.metadata.labels[VERSION]).toBe(image.tag);
      },
    },
    {
      name: '--set replicaCount with autoscaling disabled sets the Deployment replicas',
      set: ['replicaCount=7', 'autoscaling.enabled=false'],
      check: ({ objects }) => {
        expect(deployment(objects).spec.replicas).toBe(7);
        expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
      },
    },
    {
      name: '--set autoscaling.enabled=false on the production values drops the HPA for fixed replicas',
      environment: 'production',
      set: ['autoscaling.enabled=false'],
      check: ({ objects, baseline, release }) => {
        expect(named(baseline, 'HorizontalPodAutoscaler', fullname(release.name, chart))).toBeDefined();
        expect(deployment(baseline).spec.replicas).toBeUndefined();
        expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
        expect(deployment(objects).spec.replicas).toBe(3);
      },
    },
    {
      name: '--set networkPolicy.enabled=false leaves no NetworkPolicy at all',
      set: ['networkPolicy.enabled=false'],
      check: ({ objects, baseline }) => {
        expect(ofKind(baseline, 'NetworkPolicy').length).toBeGreaterThan(2);
        expect(ofKind(objects, 'NetworkPolicy')).toEqual([]);
        expect(objects.length).toBe(baseline.length - ofKind(baseline, 'NetworkPolicy').length);
      },
    },
    {
      name: 'a PodDisruptionBudget with minAvailable',
      set: ['replicaCount=3', 'pdb.enabled=true', 'pdb.minAvailable=2'],
      check: ({ objects, release }) => {
        const pdb = named<PodDisruptionBudget>(objects, 'PodDisruptionBudget', fullname(release.name, chart));
        expect(pdb.spec.minAvailable).toBe(2);
        expect(pdb.spec).not.toHaveProperty('maxUnavailable');
        expect(pdb.spec.selector.matchLabels).toEqual(deployment(objects).spec.selector.matchLabels);
      },
    },
    {
      name: 'podLabels and podAnnotations reach the pods only, never the selectors',
      set: ['podLabels.team=payments', 'podLabels.tier=backend', 'podAnnotations.example\\.com/owner=team-payments'],
      check: ({ objects, baseline }) => {
        const workload = deployment(objects);
        const before = deployment(baseline).spec.template.metadata;
        expect(workload.spec.template.metadata.labels).toEqual({ ...before.labels, team: 'payments', tier: 'backend' });
        expect(workload.spec.template.metadata.annotations).toEqual({ ...before.annotations, 'example.com/owner': 'team-payments' });
        expect(workload.metadata.labels).not.toHaveProperty('team');
        expect(selectors(objects)).toEqual(selectors(baseline));
      },
    },
    {
      name: 'nodeSelector and tolerations from a values file',
      values: {
        nodeSelector: { 'kubernetes.io/arch': 'arm64', 'node.example.com/pool': 'apps' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'apps', effect: 'NoSchedule' }],
      },
      check: ({ objects, baseline }) => {
        expect(deployment(baseline).spec.template.spec).not.toHaveProperty('nodeSelector');
        const pod = deployment(objects).spec.template.spec;
        expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64', 'node.example.com/pool': 'apps' });
        expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'apps', effect: 'NoSchedule' }]);
      },
    },
    {
      name: 'another release name and namespace (-n other) name and place the objects',
      release: { name: 'shop-api', namespace: 'other' },
      check: ({ objects, release }) => {
        expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['other']));
        const name = fullname(release.name, chart);
        const workload = deployment(objects);
        expect(workload.metadata).toMatchObject({ name, namespace: 'other' });
        expect(workload.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': chart, [INSTANCE]: 'shop-api' });
        expect(workload.spec.template.spec.serviceAccountName).toBe(name);
        expect(workload.spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: `${name}-config` } }]);
        expect(named(objects, 'ConfigMap', `${name}-config`).metadata.namespace).toBe('other');
        expect(named<Service>(objects, 'Service', name).spec.selector).toEqual(workload.spec.selector.matchLabels);
        expect(named(objects, 'NetworkPolicy', `${name}-default-deny`).metadata.namespace).toBe('other');
      },
    },
  ];
}

function ingressRules(ingress: Ingress): Record<string, string> {
  return Object.fromEntries(ingress.spec.rules.map((rule) => [rule.host, rule.http.paths.map((p) => `${p.path} -> ${p.backend.service.name}:${p.backend.service.port.name}`).join(', ')]));
}

const apiCases: OverrideCase[] = [
  {
    name: '--set ingress.enabled=false leaves no route, no policy of the Gateway and no entry NetworkPolicy',
    set: ['ingress.enabled=false'],
    check: ({ objects, baseline }) => {
      // values.yaml: the Gateway API (the default provider).
      expect(ofKind(baseline, 'HTTPRoute').length).toBe(3);
      for (const kind of ['HTTPRoute', 'BackendTrafficPolicy', 'SecurityPolicy', 'Ingress']) expect(ofKind(objects, kind)).toEqual([]);
      const policies = ofKind(objects, 'NetworkPolicy').map((o) => o.metadata.name);
      expect(policies).toContain('api-default-deny');
      expect(policies).not.toContain('api-allow-gateway');
      expect(named(baseline, 'NetworkPolicy', 'api-allow-gateway')).toBeDefined();
    },
  },
  {
    name: '--set ingress.enabled=false with the ingress provider leaves no Ingress and no ingress-controller NetworkPolicy',
    environment: 'staging',
    set: ['ingress.enabled=false'],
    check: ({ objects, baseline }) => {
      expect(ofKind(baseline, 'Ingress').length).toBe(2);
      expect(ofKind(objects, 'Ingress')).toEqual([]);
      const policies = ofKind(objects, 'NetworkPolicy').map((o) => o.metadata.name);
      expect(policies).not.toContain('api-allow-ingress-controller');
      expect(named(baseline, 'NetworkPolicy', 'api-allow-ingress-controller')).toBeDefined();
    },
  },
  {
    name: 'an extra host with TLS from a values file, on Ingress',
    environment: 'production',
    values: {
      traffic: { provider: 'ingress' },
      // production's canary goes with the provider: NGINX on Ingress (the Gateway API plugin is refused there).
      rollout: { canary: { trafficRouting: 'nginx' } },
      ingress: {
        hosts: [
          { host: 'api.example.com', paths: [{ path: '/', pathType: 'Prefix' }] },
          { host: 'shop.example.com', paths: [{ path: '/api', pathType: 'Prefix' }] },
        ],
        tls: { hosts: ['api.example.com', 'shop.example.com'] },
      },
    },
    check: ({ objects }) => {
      const ingress = named<Ingress>(objects, 'Ingress', 'api');
      expect(ingressRules(ingress)).toEqual({ 'api.example.com': '/ -> api:http', 'shop.example.com': '/api -> api:http' });
      expect(ingress.spec.tls).toEqual([{ hosts: ['api.example.com', 'shop.example.com'], secretName: 'api-tls' }]);
      const certificate = named<K8sObject & { spec: { dnsNames: string[]; issuerRef: { name: string } } }>(objects, 'Certificate', 'api-tls');
      expect(certificate.spec.dnsNames).toEqual(['api.example.com', 'shop.example.com']);
      expect(certificate.spec.issuerRef.name).toBe('letsencrypt-production');
    },
  },
  {
    name: 'an extra host with TLS from a values file, on the Gateway API',
    environment: 'production',
    values: {
      ingress: {
        hosts: [
          { host: 'api.example.com', paths: [{ path: '/', pathType: 'Prefix' }] },
          { host: 'shop.example.com', paths: [{ path: '/api', pathType: 'Exact' }] },
        ],
      },
    },
    check: ({ objects }) => {
      type Route = K8sObject & { spec: { hostnames: string[]; rules: { matches: unknown }[] } };
      const route = named<Route>(objects, 'HTTPRoute', 'api');
      expect(route.spec.hostnames).toEqual(['api.example.com', 'shop.example.com']);
      expect(route.spec.rules.map((r) => r.matches)).toEqual([[{ path: { type: 'PathPrefix', value: '/' } }], [{ path: { type: 'Exact', value: '/api' } }]]);
      expect(named<Route>(objects, 'HTTPRoute', 'api-https-redirect').spec.hostnames).toEqual(['api.example.com', 'shop.example.com']);
      expect(ofKind(objects, 'Ingress')).toEqual([]);
    },
  },
];

const workerCases: OverrideCase[] = [
  {
    name: 'an Ingress with TLS turned on from a values file',
    values: {
      traffic: { provider: 'ingress' },
      ingress: {
        enabled: true,
        hosts: [{ host: 'worker.example.com', paths: [{ path: '/hooks', pathType: 'Prefix' }] }],
        tls: { enabled: true, secretName: 'worker-tls', hosts: ['worker.example.com'] },
      },
    },
    check: ({ objects, baseline }) => {
      expect(ofKind(baseline, 'Ingress')).toEqual([]);
      const ingress = named<Ingress>(objects, 'Ingress', 'worker');
      expect(ingressRules(ingress)).toEqual({ 'worker.example.com': '/hooks -> worker:http' });
      expect(ingress.spec.tls).toEqual([{ hosts: ['worker.example.com'], secretName: 'worker-tls' }]);
      expect(named(objects, 'NetworkPolicy', 'worker-allow-ingress-controller')).toBeDefined();
    },
  },
  {
    name: 'an HTTPRoute with TLS turned on from a values file (the default provider)',
    values: {
      ingress: {
        enabled: true,
        hosts: [{ host: 'worker.example.com', paths: [{ path: '/hooks', pathType: 'Prefix' }] }],
        tls: { enabled: true, secretName: 'worker-tls', hosts: ['worker.example.com'] },
      },
    },
    check: ({ objects, baseline }) => {
      expect(ofKind(baseline, 'HTTPRoute')).toEqual([]);
      expect(
        ofKind(objects, 'HTTPRoute')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['worker', 'worker-https-redirect']);
      expect(named(objects, 'BackendTrafficPolicy', 'worker')).toBeDefined();
      expect(named(objects, 'NetworkPolicy', 'worker-allow-gateway')).toBeDefined();
      expect(ofKind(objects, 'NetworkPolicy').map((o) => o.metadata.name)).not.toContain('worker-allow-ingress-controller');
    },
  },
  {
    name: 'dependencies from a values file replace the whole list',
    values: { networkPolicy: { dependencies: [{ name: 'kafka', port: 9092, cidr: '10.30.0.0/16' }] } },
    check: ({ objects }) => {
      const policy = named<NetworkPolicy>(objects, 'NetworkPolicy', 'worker-allow-dependencies');
      expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9092 }] }]);
    },
  },
];

const casesByChart: Readonly<Record<string, readonly OverrideCase[]>> = {
  api: [...appCases('api'), ...apiCases],
  worker: [...appCases('worker'), ...workerCases],
};

const scratch = mkdtempSync(join(tmpdir(), 'helm-overrides-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function templateArgs(chart: string, overrides: Pick<OverrideCase, 'environment' | 'values' | 'set'>, release: Release, caseIndex: number): string[] {
  const chartDir = join(distDir, 'helm', chart);
  const args = [release.name, chartDir, '-n', release.namespace];
  if (overrides.environment) args.push('-f', join(chartDir, `values-${overrides.environment}.yaml`));
  if (overrides.values) {
    const file = join(scratch, `${chart}-${caseIndex}.yaml`);
    writeFileSync(file, stringify(overrides.values));
    args.push('-f', file);
  }
  for (const value of overrides.set ?? []) args.push('--set', value);
  return args;
}

async function expectStrictlyValid(objects: K8sObject[], what: string): Promise<void> {
  const result = await validateManifests(
    objects.map((doc) => ({ file: what, doc })),
    { schemaLocations, kubernetesVersions, policy: false },
  );
  expect(result.schemaErrors.map(formatFinding)).toEqual([]);
  expect(result.documents).toBe(objects.length);
}

const cases = charts().flatMap((chart) => [...genericCases, ...(casesByChart[chart] ?? [])].map((overrides, index) => ({ chart, index, overrides, name: overrides.name })));

describe.each(helmVersions)('$label', ({ binary }) => {
  it.each(cases)('$chart: $name', async ({ chart, index, overrides }) => {
    const release = { name: chart, namespace: releaseNamespace(overrides.environment ?? environments()[0], chart), ...overrides.release };
    const objects = helmTemplate(binary, templateArgs(chart, overrides, release, index)) as K8sObject[];
    const baseline = helmTemplate(binary, templateArgs(chart, { environment: overrides.environment }, release, index)) as K8sObject[];
    expect(objects.length).toBeGreaterThan(0);
    overrides.check({ chart, release, objects, baseline });
    await expectStrictlyValid(objects, `helm template ${chart} (${overrides.name})`);
  });
});
