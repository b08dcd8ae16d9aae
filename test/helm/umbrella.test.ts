/**
 * Releases anywhere (issue 22 §1): dependencies between applications resolve to the release that runs
 * the callee (lib/app/callee.ts), with Helm 3 and Helm 4, from the charts' own values.yaml:
 * - an umbrella chart with api, web and worker as dependencies, in one release and namespace: by the
 *   release's namespace and instance; the namespace gets one ResourceQuota and one LimitRange (the
 *   others switched off), and the NetworkPolicies admit web → api and no other connection between the
 *   applications (read from the policies as lib/network-graph does);
 * - each chart installed on its own in one namespace (releases named after the applications): the same;
 * - in two namespaces, by the declared `namespace` (and `release`);
 * - a render that cannot resolve (a port by name, which only synth knows) fails naming the value.
 * Synth's own layout (each application in `<app>-<env>`) is wiring.test.ts's.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AppChart } from '../../charts/app-chart';
import { releaseScope } from '../../lib/chart/release';
import { networkGraph } from '../../lib/network-graph/graph';
import { withoutHelmOnly } from './helm-only';
import { distDir, type K8sObject, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';

const APPS = ['api', 'web', 'worker'];
const scratch = mkdtempSync(join(tmpdir(), 'umbrella-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An umbrella chart of the three applications (each with `condition: <app>.enabled`), with `values` as its values.yaml. */
function umbrella(name: string, values: Record<string, unknown>): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'charts'), { recursive: true });
  for (const app of APPS) cpSync(join(distDir, 'helm', app), join(dir, 'charts', app), { recursive: true });
  const dependencies = APPS.map((app) => `  - name: ${app}\n    version: ">=0.0.0-0"\n    condition: ${app}.enabled\n`).join('');
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n${dependencies}`);
  writeFileSync(join(dir, 'values.yaml'), stringify(values));
  return dir;
}

const namespace = (name: string): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });

/** The connections between the applications' workloads that the NetworkPolicies admit, as `from → to (ports; sides)`. */
function connections(objects: K8sObject[], namespaces: string[]): string[] {
  const graph = networkGraph('umbrella', [...objects, ...namespaces.map(namespace)]);
  const apps = new Set(graph.nodes.filter((n) => n.kind === 'workload' && APPS.includes(n.label)).map((n) => n.id));
  return graph.edges.filter((e) => apps.has(e.from) && apps.has(e.to)).map((e) => `${e.from} → ${e.to} (${e.ports}; ${e.sides.join('+')})`);
}

/** The plain rendering (cdk8s synth of the chart) of the chart's values.yaml, released as `release` in `namespace`. */
function plainDefaults(app: string, release: string, namespace: string): K8sObject[] {
  const values = parse(readFileSync(join(distDir, 'helm', app, 'values.yaml'), 'utf8')) as { image: { tag: string } };
  const scope = releaseScope({ name: app, version: '0.1.0', appVersion: values.image.tag }, values, { name: release, namespace });
  return Testing.synth(new AppChart(Testing.app(), app, { version: '0.1.0', defaultScope: scope })) as K8sObject[];
}

const ONE_OF_EACH = { quota: { enabled: false }, limitRange: { enabled: false } };

describe.each(helmVersions)('$label', ({ label, binary }) => {
  const tag = label.replace(' ', '');

  it('an umbrella chart of every application in one namespace: web → api and nothing more, one quota and one LimitRange', () => {
    const chart = umbrella(`${tag}-shop`, { web: ONE_OF_EACH, worker: ONE_OF_EACH });
    const objects = helmTemplate(binary, ['shop', chart, '-n', 'shop']) as K8sObject[];
    expect(connections(objects, ['shop'])).toEqual(['workload:shop/web → workload:shop/api (TCP 8080; egress+ingress)']);
    expect(objects.filter((o) => o.kind === 'ResourceQuota').map((o) => o.metadata.name)).toEqual(['shop-api-quota']);
    expect(objects.filter((o) => o.kind === 'LimitRange').map((o) => o.metadata.name)).toEqual(['shop-api-limits']);
    // Every object in the release namespace, the three applications' pods selected by this release.
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['shop']));
    const webEgress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'shop-web-allow-dependencies') as K8sObject & { spec: { egress: unknown[] } };
    expect(webEgress.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'shop' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('without the switches, each chart brings its own quota and LimitRange (what the switches are for)', () => {
    const objects = helmTemplate(binary, ['shop', umbrella(`${tag}-plain`, {}), '-n', 'shop']) as K8sObject[];
    expect(objects.filter((o) => o.kind === 'ResourceQuota')).toHaveLength(3);
    expect(connections(objects, ['shop'])).toEqual(['workload:shop/web → workload:shop/api (TCP 8080; egress+ingress)']);
  });

  it('an application left out by its condition leaves its callers’ rule without pods, and nothing else', () => {
    const objects = helmTemplate(binary, ['shop', umbrella(`${tag}-no-api`, { api: { enabled: false } }), '-n', 'shop']) as K8sObject[];
    expect(objects.some((o) => o.metadata.name.startsWith('shop-api'))).toBe(false);
    expect(connections(objects, ['shop'])).toEqual([]);
  });

  it('each chart installed on its own in one namespace, as the README names the releases: web → api', () => {
    const objects = APPS.flatMap((app) => helmTemplate(binary, [app, join(distDir, 'helm', app), '-n', 'shop']) as K8sObject[]);
    expect(connections(objects, ['shop'])).toEqual(['workload:shop/web → workload:shop/api (TCP 8080; egress+ingress)']);
  });

  it('the plain rendering of the same values locates the callee as Helm does (each chart on its own)', () => {
    for (const app of APPS) {
      const rendered = withoutHelmOnly(helmTemplate(binary, [app, join(distDir, 'helm', app), '-n', 'shop']) as K8sObject[]);
      const policies = (objects: K8sObject[]) => sortObjects(objects.filter((o) => o.kind === 'NetworkPolicy' || o.kind === 'Deployment'));
      expect(policies(rendered)).toEqual(policies(plainDefaults(app, app, 'shop')));
    }
  });

  it('in two namespaces, by the namespace and release declared on each side', () => {
    const api = helmTemplate(binary, [
      'backend',
      join(distDir, 'helm', 'api'),
      '-n',
      'back',
      '--set-json',
      'networkPolicy.dependents=[{"app":"web","namespace":"front","release":"frontend","port":8080,"protocol":"TCP"}]',
    ]) as K8sObject[];
    const web = helmTemplate(binary, [
      'frontend',
      join(distDir, 'helm', 'web'),
      '-n',
      'front',
      '--set-json',
      'networkPolicy.dependencies=[{"app":"api","namespace":"back","release":"backend","port":8080,"servicePort":80}]',
      '--set',
      'waitForDependencies.enabled=true',
    ]) as K8sObject[];
    expect(connections([...api, ...web], ['back', 'front'])).toEqual(['workload:front/web → workload:back/api (TCP 8080; egress+ingress)']);
    // The wait is for api's Service in its release and namespace.
    const deployment = web.find((o) => o.kind === 'Deployment') as K8sObject & { spec: { template: { spec: { initContainers: Array<{ args: string[] }> } } } };
    expect(deployment.spec.template.spec.initContainers[0].args).toEqual(['backend-api.back.svc:80']);
  });

  it('a dependency it cannot resolve (a port by name, which only synth knows) fails, naming the value', () => {
    const result = helm(binary, ['template', 'web', join(distDir, 'helm', 'web'), '--set-json', 'networkPolicy.dependencies=[{"app":"api","port":"http"}]']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("networkPolicy.dependencies[0].port: expected the number of the port of api's pods (npm run synth resolves a port name, http by default; with Helm alone, give the number)");
  });
});
