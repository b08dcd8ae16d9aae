/**
 * Quantities as Kubernetes and Helm users write them (issue 22 §3): a string (`250m`) or a whole number
 * (`cpu: 2` in a values file, `--set resources.limits.cpu=1`), in synth and in the charts with Helm 3 and
 * Helm 4; the objects get the text the API server stores ("2"). A fraction (`cpu: 0.5`) and a
 * non-canonical number (`memory: 2000`, stored as 2k) are refused, in lists of containers too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';
import { type K8sObject, distDir, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions, parseDocuments } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';
import { nonCanonicalMessage } from '../../lib/values/quantity-rules';

type Container = { name: string; resources: { requests: Record<string, unknown>; limits: Record<string, unknown> } };
type Workload = K8sObject & { spec: { template: { spec: { containers: Container[]; volumes: Array<{ name: string; emptyDir?: Record<string, unknown> }> } } } };

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const scratch = mkdtempSync(join(tmpdir(), 'quantities-'));
roots.push(scratch);

function workload(objects: K8sObject[]): Workload {
  return objects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout') as Workload;
}

function valuesFile(name: string, values: Record<string, unknown>): string {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

describe('whole numbers in values/ (synth)', () => {
  let dist: string;
  beforeAll(() => {
    const values = valuesCopyWith(roots, 'base.yaml', (text) =>
      text
        .replace('    limits: { cpu: 500m, memory: 256Mi }\n  logLevel', '    limits: { cpu: 2, memory: 256Mi }\n  logLevel')
        .replace('    requests: { cpu: "2", memory: 4Gi }\n    limits: { cpu: "4", memory: 8Gi }', '    requests: { cpu: 2, memory: 4Gi }\n    limits: { cpu: 4, memory: 8Gi }')
        .replace('      - { name: cache, emptyDir: { sizeLimit: 256Mi } }', '      - { name: cache, emptyDir: { sizeLimit: 268435456 } }'),
    );
    dist = join(dirname(values), 'dist');
    synthInto(values, dist);
  });

  const plain = (environment: string, chart: string, file: string) => parseDocuments(readFileSync(join(dist, 'manifests', environment, chart, file), 'utf8')) as K8sObject[];

  it('writes them as the text the API server stores', () => {
    const api = workload(plain('dev', 'api', 'deployment.yaml'));
    expect(api.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '256Mi' });
    const quota = plain('dev', 'worker', 'resourcequota.yaml')[0] as K8sObject & { spec: { hard: Record<string, unknown> } };
    expect(quota.spec.hard).toMatchObject({ 'requests.cpu': '2', 'limits.cpu': '4' });
    const worker = workload(plain('dev', 'worker', 'deployment.yaml'));
    expect(worker.spec.template.spec.volumes.find((v) => v.name === 'cache')?.emptyDir).toEqual({ sizeLimit: '268435456' });
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(['api', 'worker'])('renders %s as the plain manifests from the values files that hold them', (chart) => {
      const chartDir = join(dist, 'helm', chart);
      expect(readFileSync(join(chartDir, 'values.yaml'), 'utf8')).toMatch(/ {4}cpu: 2\n/);
      const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, 'values-dev.yaml'), '-n', `${chart}-dev`]) as K8sObject[];
      const expected = ['deployment.yaml', 'resourcequota.yaml', 'limitrange.yaml'].flatMap((file) => plain('dev', chart, file));
      const kinds = new Set(expected.map((o) => o.kind));
      expect(sortObjects(withoutHelmOnly(rendered).filter((o) => kinds.has(o.kind)))).toEqual(sortObjects(withoutPlainOnly(expected)));
    });
  });
});

describe.each(helmVersions)('$label, Helm alone', ({ binary }) => {
  const render = (args: readonly string[]) => helmTemplate(binary, ['api', join(distDir, 'helm', 'api'), '-n', 'api-dev', ...args]) as K8sObject[];

  it('takes --set resources.limits.cpu=1 and writes "1"', () => {
    expect(workload(render(['--set', 'resources.limits.cpu=1'])).spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1', memory: '256Mi' });
  });

  it('takes cpu: 2 and a memory of 1073741824 bytes from -f (float64 in Helm) and writes them as text', () => {
    const file = valuesFile('whole', { resources: { requests: { cpu: 1, memory: 1073741824 }, limits: { cpu: 2, memory: 1073741824 } } });
    expect(workload(render(['-f', file])).spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '1073741824' }, limits: { cpu: '2', memory: '1073741824' } });
  });

  it('takes whole numbers in the quota and the LimitRange', () => {
    const file = valuesFile('namespace', { quota: { requests: { cpu: 3 } }, limitRange: { default: { cpu: 1 } } });
    const objects = render(['-f', file]);
    expect((objects.find((o) => o.kind === 'ResourceQuota') as K8sObject & { spec: { hard: Record<string, unknown> } }).spec.hard['requests.cpu']).toBe('3');
    expect((objects.find((o) => o.kind === 'LimitRange') as K8sObject & { spec: { limits: Array<{ default: unknown }> } }).spec.limits[0].default).toEqual({ cpu: '1', memory: '256Mi' });
  });

  it('refuses a fraction, which the API server would store in another form', () => {
    const result = helm(binary, ['template', 'api', join(distDir, 'helm', 'api'), '-f', valuesFile('fraction', { resources: { limits: { cpu: 0.5 } } })]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/resources[./]limits[./]cpu/);
  });

  it('refuses a whole number not in the canonical form (2000 is stored as 2k)', () => {
    const result = helm(binary, ['template', 'api', join(distDir, 'helm', 'api'), '--set', 'resources.limits.memory=2000']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(nonCanonicalMessage('resources.limits.memory', '2000'));
  });

  it('refuses a non-canonical quantity of a sidecar, naming the item', () => {
    const sidecar = {
      name: 'proxy',
      image: 'envoyproxy/envoy:v1.33.2',
      resources: { requests: { cpu: '0.5', memory: '16Mi' }, limits: { cpu: 1, memory: '16Mi' } },
      probes: { liveness: { type: 'tcp', port: 9000 }, readiness: { type: 'tcp', port: 9000 } },
    };
    const result = helm(binary, ['template', 'api', join(distDir, 'helm', 'api'), '-f', valuesFile('sidecar', { sidecars: [sidecar] })]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(nonCanonicalMessage('sidecars[0].resources.requests.cpu', '0.5'));
  });
});

describe('synth refusals', () => {
  it.each([
    ['a fraction', '{ cpu: 0.5, memory: 256Mi }', 'defaults.resources.limits.cpu: 0.5 is a fraction; a quantity is a string or a whole number: write "500m"'],
    ['a whole number not in the canonical form', '{ cpu: 500m, memory: 2000 }', 'defaults.resources.limits.memory: 2000 is stored by the API server as "2k"; write "2k"'],
    ['a negative number', '{ cpu: -1, memory: 256Mi }', 'defaults.resources.limits.cpu: expected a number >= 0, got -1'],
  ])('%s', (_name, limits, message) => {
    const values = valuesCopyWith(roots, 'base.yaml', (text) => text.replace('    limits: { cpu: 500m, memory: 256Mi }\n  logLevel', `    limits: ${limits}\n  logLevel`));
    const lines = synthProblems(values);
    expect(
      lines.some((line) => line.endsWith(message)),
      lines.join('\n'),
    ).toBe(true);
  });
});

it('the shipped charts’ values.yaml still write quantities as strings', () => {
  const values = parse(readFileSync(join(distDir, 'helm', 'api', 'values.yaml'), 'utf8')) as { resources: { limits: { cpu: unknown } } };
  expect(values.resources.limits.cpu).toBe('500m');
});
