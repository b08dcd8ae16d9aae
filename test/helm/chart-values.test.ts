/**
 * Values as Kubernetes and Helm users write them (issue 22 §3), set in values/ for one environment and
 * given to Helm alone: commonLabels and commonAnnotations (every object, pod templates' labels, never the
 * selectors), the container's command and args, image.registry and global.imageRegistry, extra
 * NetworkPolicy rules (exactly as written), Downward API variables (fieldRef, resourceFieldRef). The
 * plain manifests carry them, `helm template` of the emitted charts renders the same objects with Helm 3
 * and Helm 4, the output passes strict schemas and the policy checks; mistakes are refused by synth and
 * both Helms in the same words.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { deepMerge } from '../../lib/values/merge';
import { type K8sObject, distDir, plainObjects, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';

const IN_DEV = {
  global: { imageRegistry: 'mirror.example.com' },
  applications: {
    api: {
      commonLabels: { team: 'shop', 'cost-center': 'cc-42' },
      commonAnnotations: { 'example.com/owner': 'platform-team' },
      image: { registry: 'registry.example.com' },
      command: ['/app/shop-api'],
      args: ['serve', '--port=8080'],
      downwardEnv: {
        POD_NAME: { fieldPath: 'metadata.name' },
        POD_IP: { fieldPath: 'status.podIP' },
        NODE_NAME: { fieldPath: 'spec.nodeName' },
        CPU_LIMIT_MILLIS: { resource: 'limits.cpu', divisor: '1m' },
        MEMORY_REQUEST: { resource: 'requests.memory' },
      },
      networkPolicy: {
        extraIngress: [{ from: [{ cidr: '10.8.0.0/16' }, { namespaceLabels: { team: 'payments' }, podLabels: { app: 'billing' } }], ports: [{ port: 8080 }] }],
        extraEgress: [{ to: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'search' } }], ports: [{ port: 9200, protocol: 'TCP' }] }],
      },
    },
    worker: { image: { registry: 'registry.example.com' } },
  },
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'chart-values-'));
  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  const dev = join(root, 'values', 'dev.yaml');
  writeFileSync(dev, stringify(deepMerge(parse(readFileSync(dev, 'utf8')), IN_DEV)));
  synthInto(join(root, 'values'), join(root, 'dist'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const plain = (environment: string, chart = 'api') => plainObjects(environment, chart, join(root, 'dist'));

type Container = { name: string; image: string; command?: string[]; args?: string[]; env?: unknown[] };
type Workload = K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } } };
const workload = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout') as Workload;
const policy = (objects: K8sObject[], suffix: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith(suffix)) as K8sObject & { spec: Record<string, unknown> };

describe('in dev, the plain manifests', () => {
  it('label and annotate every object with commonLabels and commonAnnotations, and the pods with the labels, selectors unchanged', () => {
    const objects = plain('dev');
    expect(objects.length).toBeGreaterThan(15);
    for (const object of objects) {
      expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).toMatchObject({ team: 'shop', 'cost-center': 'cc-42' });
      expect(object.metadata.annotations, `${object.kind} ${object.metadata.name}`).toMatchObject({ 'example.com/owner': 'platform-team' });
    }
    const api = workload(objects);
    expect(api.spec.template.metadata.labels).toMatchObject({ team: 'shop', 'app.kubernetes.io/name': 'api' });
    expect(api.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
    // Other applications and environments keep their own labels.
    expect(plain('dev', 'worker').some((o) => o.metadata.labels?.team !== undefined)).toBe(false);
    expect(plain('production').some((o) => o.metadata.labels?.team !== undefined)).toBe(false);
  });

  it('run the container with command and args, from the registry global.imageRegistry names (in place of image.registry)', () => {
    const container = workload(plain('dev')).spec.template.spec.containers[0];
    expect(container.image).toBe('mirror.example.com/ghcr.io/example/shop-api:1.4.2');
    expect(container.command).toEqual(['/app/shop-api']);
    expect(container.args).toEqual(['serve', '--port=8080']);
    expect(workload(plain('dev', 'worker')).spec.template.spec.containers[0].image).toBe('mirror.example.com/ghcr.io/example/shop-worker:2.0.1');
    // production: image.registry alone.
    expect(workload(plain('production', 'worker')).spec.template.spec.containers[0].image).toBe('ghcr.io/example/shop-worker:2.0.1');
    // The migration runs the application's image.
    const migration = plain('dev').find((o) => o.kind === 'Job') as K8sObject & { spec: { template: { spec: { containers: Container[] } } } };
    expect(migration.spec.template.spec.containers[0].image).toBe('mirror.example.com/ghcr.io/example/shop-api:1.4.2');
  });

  it('give the container the Downward API variables, in name order, after its Secret variables', () => {
    expect(workload(plain('dev')).spec.template.spec.containers[0].env).toEqual([
      { name: 'CPU_LIMIT_MILLIS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MEMORY_REQUEST', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
  });

  it('admit the extra rules exactly as written, in policies of their own', () => {
    const objects = plain('dev');
    expect(policy(objects, '-extra-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ ipBlock: { cidr: '10.8.0.0/16' } }, { namespaceSelector: { matchLabels: { team: 'payments' } }, podSelector: { matchLabels: { app: 'billing' } } }],
          ports: [{ port: 8080 }],
        },
      ],
    });
    expect(policy(objects, '-extra-egress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'search' } } }], ports: [{ port: 9200, protocol: 'TCP' }] }],
    });
    expect(policy(plain('production'), '-extra-ingress')).toBeUndefined();
  });

  it('pass strict schema validation and the policy checks', async () => {
    const { documents, problems } = await loadManifests([join(root, 'dist', 'manifests', 'dev')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });
});

describe.each(helmVersions)('$label', ({ binary }) => {
  it.each(['api', 'worker'].flatMap((chart) => ['dev', 'production'].map((environment) => ({ chart, environment }))))('renders $chart in $environment as the plain manifests', ({ chart, environment }) => {
    const chartDir = join(root, 'dist', 'helm', chart);
    const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `${chart}-${environment}`]) as K8sObject[];
    expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment, chart))));
  });

  it('takes them with Helm alone (--set), on the shipped chart', () => {
    const objects = helmTemplate(binary, [
      'api',
      join(distDir, 'helm', 'api'),
      '-n',
      'shop',
      '--set',
      'commonLabels.team=shop,image.registry=registry.example.com',
      '--set-json',
      'command=["/bin/api"]',
      '--set-json',
      'downwardEnv={"POD_NAME":{"fieldPath":"metadata.name"}}',
    ]) as K8sObject[];
    expect(objects.every((o) => o.metadata.labels?.team === 'shop')).toBe(true);
    const container = workload(objects).spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example.com/ghcr.io/example/shop-api:1.4.2');
    expect(container.command).toEqual(['/bin/api']);
    expect(container.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });
});

/** Mistakes, refused by synth (values/dev.yaml) and by both Helms (-f on the shipped chart), in the same words. */
const refusals = [
  {
    name: 'a common label the chart sets (the selector’s)',
    values: { commonLabels: { 'app.kubernetes.io/instance': 'other' } },
    message: /commonLabels\.app\.kubernetes\.io\/instance: invalid key: "app\.kubernetes\.io\/instance" is set by the chart itself \(.*\); choose another key$/,
  },
  {
    name: 'a label in both commonLabels and podLabels',
    values: { commonLabels: { team: 'a' }, podLabels: { team: 'b' } },
    message: /podLabels\.team: invalid key: it is also a key of commonLabels, and both are written into the same object; set it in one of them$/,
  },
  {
    name: 'a Downward API variable with a field and a resource',
    values: { downwardEnv: { POD: { fieldPath: 'metadata.name', resource: 'limits.cpu' } } },
    message: /downwardEnv\.POD: expected exactly one of fieldPath \(a field of the pod\) or resource \(of the container\)$/,
  },
  {
    name: 'a Downward API variable the chart sets itself',
    values: { downwardEnv: { LOG_LEVEL: { fieldPath: 'metadata.name' } } },
    message: /downwardEnv\.LOG_LEVEL: "LOG_LEVEL" is set by the chart itself; a variable comes from one place$/,
  },
  {
    name: 'an extra rule’s source that is both a network and namespaces',
    values: { networkPolicy: { extraIngress: [{ from: [{ cidr: '10.0.0.0/8', namespaceLabels: { team: 'x' } }], ports: [{ port: 80 }] }] } },
    message: /networkPolicy\.extraIngress\[0\]\.from\[0\]: expected exactly one of cidr \(outside the cluster\) or namespaceLabels \(in the cluster\)$/,
  },
];

describe('refusals', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const dir of roots) rmSync(dir, { recursive: true, force: true });
  });

  it.each(refusals)('synth refuses $name', ({ values, message }) => {
    const dir = valuesCopyWith(roots, 'dev.yaml', (text) => stringify(deepMerge(parse(text), { applications: { api: values } })));
    const lines = synthProblems(dir);
    expect(
      lines.some((line) => message.test(line)),
      lines.join('\n'),
    ).toBe(true);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(refusals.map((r, i) => ({ ...r, i })))('refuses $name', ({ values, message, i }) => {
      const file = join(tmpdir(), `chart-values-${process.pid}-${i}.yaml`);
      writeFileSync(file, stringify(values));
      const result = helm(binary, ['template', 'api', join(distDir, 'helm', 'api'), '-f', file]);
      rmSync(file);
      expect(result.status).toBe(1);
      expect(result.stderr.split('\n')[0]).toMatch(message);
    });

    it('refuses an extra rule without ports (it would admit every port)', () => {
      const result = helm(binary, ['template', 'api', join(distDir, 'helm', 'api'), '--set-json', 'networkPolicy.extraEgress=[{"to":[{"cidr":"10.0.0.0/8"}],"ports":[]}]']);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/networkPolicy[./]extraEgress[./]0[./]ports/);
    });
  });
});
