/**
 * Any cdk8s construct in an application chart reaches both outputs: a cdk8s-plus-27 ConfigMap (with
 * values-driven strings), a plain ApiObject, an imported CRD object (cert-manager Certificate, the
 * README's example) and an
 * Include; chart-level labels, `metadata.addLabel`/`addAnnotation` and `addJsonPatch` hold on the
 * chart's own objects. Proven as the shipped charts are: the plain manifests of every environment
 * equal `helm template` of the emitted chart with Helm 3 and Helm 4, `helm lint --strict` passes,
 * and the manifests pass strict schema validation (Kubernetes 1.27 and 1.33, CRD schemas).
 */
import { ApiObject, Include, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppChart } from '../../charts/app-chart';
import { synthesize } from '../../charts/platform';
import { Certificate } from '../../imports/cert-manager.io';
import { names } from '../../lib/app/names';
import { release } from '../../lib/template/expr';
import { onlyWhen } from '../../lib/chart/conditions';
import { TemplatedObject } from '../../lib/chart/templated-object';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { type K8sObject, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { readFileSync } from 'node:fs';
import type { AppValues } from '../../lib/values/schema';
import { refs } from '../../lib/template/manifest';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, which must stay as written
const SHELL_TEXT = 'echo ${HOME} ${Expr[0]}';
const TEMPLATE_TEXT = 'Hello {{ .Values.name }} and {{- not an action }}';

/** What a user adds to charts/app-chart.ts, here through the platform's extension hook. */
function extendApi(chart: AppChart): void {
  if (chart.appName !== 'api') return;
  const v = refs<AppValues>();

  const extra = new kplus.ConfigMap(chart, 'Extra', {
    metadata: { name: `${names.fullname}-extra` },
    data: { a: 'b', template: TEMPLATE_TEXT, level: `${v.logLevel}`, replicas: `${v.replicaCount}`, shell: SHELL_TEXT },
  });
  extra.metadata.addLabel('app.kubernetes.io/name', `${names.name}`);

  new ApiObject(chart, 'Reader', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'config-reader' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
  });

  // As in the README: an imported CRD class (imports/, `npm run import:crds`) with values-driven strings.
  new Certificate(chart, 'InternalTls', {
    metadata: { name: `${names.fullname}-internal` },
    spec: { secretName: `${names.fullname}-internal-tls`, dnsNames: [`${names.fullname}.${release.namespace}.svc`], issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer' } },
  });

  new Include(chart, 'Vendor', { url: join(__dirname, 'fixtures', 'included.yaml') });

  // Only where autoscaling is on (production in the shipped values).
  const optional = new kplus.ConfigMap(chart, 'ScalingNotes', { metadata: { name: 'scaling-notes' }, data: { note: 'scaled by the HPA' } });
  onlyWhen(optional, v.autoscaling.enabled);

  const deployment = objectOfKind(chart, 'Deployment');
  deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
  deployment.metadata.addAnnotation('example.com/owner', 'payments');
  objectOfKind(chart, 'Service').metadata.addLabel('example.com/tier', 'backend');
}

function objectOfKind(chart: AppChart, kind: string): TemplatedObject {
  const found = chart.node.findAll().find((c) => TemplatedObject.isTemplatedObject(c) && c.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as TemplatedObject;
}

let out: string;
let files: Map<string, string>;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'cdk8s-constructs-'));
  // The Certificate's ClusterIssuer is the cluster's: declared, as every reference the output does not write (lib/references/).
  const values = join(out, 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const base = readFileSync(join(values, 'base.yaml'), 'utf8');
  writeFileSync(join(values, 'base.yaml'), base.replace('gatewayAPI: true }', 'gatewayAPI: true, clusterIssuers: [internal-ca] }'));
  files = synthesize({ valuesDir: values, extendApplication: extendApi, applicationLabels: { 'example.com/cost-center': 'platform' } });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), content);
  }
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function plain(environment: string): K8sObject[] {
  const dir = join(out, 'manifests', environment, 'api');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

describe('cdk8s constructs in an application chart', () => {
  it.each(ENVIRONMENTS)('are in the plain manifests of %s, in the release namespace', (environment) => {
    const objects = plain(environment);
    const namespace = `api-${environment}`;
    const extra = find(objects, 'ConfigMap', 'api-extra');
    expect(extra).toMatchObject({ metadata: { namespace, labels: { 'app.kubernetes.io/name': 'api', 'example.com/cost-center': 'platform' } }, data: { a: 'b', template: TEMPLATE_TEXT } });
    expect(find(objects, 'Role', 'config-reader')).toMatchObject({ metadata: { namespace }, rules: [{ resources: ['configmaps'] }] });
    expect(find(objects, 'Certificate', 'api-internal')).toMatchObject({
      apiVersion: 'cert-manager.io/v1',
      metadata: { namespace },
      spec: { secretName: 'api-internal-tls', dnsNames: [`api.${namespace}.svc`], issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer' } },
    });
    expect(find(objects, 'ConfigMap', 'vendor-settings')).toMatchObject({ metadata: { namespace }, data: { greeting: 'Hello {{ .Values.name }}' } });
    expect(objects.every((o) => o.metadata.labels?.['helm.sh/chart'] === undefined)).toBe(true);
  });

  it('take values-driven strings from the environment (logLevel)', () => {
    const data = (environment: string, name: string) => (find(plain(environment), 'ConfigMap', name)?.data ?? {}) as Record<string, string>;
    const levels = ENVIRONMENTS.map((environment) => data(environment, 'api-extra').level);
    const expected = ENVIRONMENTS.map((environment) => data(environment, 'api-config').LOG_LEVEL);
    expect(levels).toEqual(expected);
    expect(new Set(levels).size).toBeGreaterThan(1);
    // A value that is a number in values is still text in a string field; shell-like text stays as written.
    expect(data('production', 'api-extra').replicas).toBe('3');
    expect(data('production', 'api-extra').shell).toBe(SHELL_TEXT);
  });

  it('honour onlyWhen: the object exists where the condition holds', () => {
    for (const environment of ENVIRONMENTS) {
      const objects = plain(environment);
      const scaled = objects.some((o) => o.kind === 'HorizontalPodAutoscaler');
      expect(find(objects, 'ConfigMap', 'scaling-notes') !== undefined).toBe(scaled);
    }
    expect(find(plain('production'), 'ConfigMap', 'scaling-notes')).toBeDefined();
    expect(find(plain('dev'), 'ConfigMap', 'scaling-notes')).toBeUndefined();
  });

  it('apply chart labels, addLabel, addAnnotation and addJsonPatch to the chart’s own objects', () => {
    // The patches are on the Deployment construct: environments where api runs as an Argo Rollout have none.
    const rolling = ENVIRONMENTS.filter((environment) => plain(environment).some((o) => o.kind === 'Deployment'));
    expect(rolling).toContain('dev');
    for (const environment of rolling) {
      const objects = plain(environment);
      const deployment = objects.find((o) => o.kind === 'Deployment')!;
      expect(deployment.metadata.annotations).toEqual({ 'example.com/owner': 'payments' });
      expect(deployment.metadata.labels?.['example.com/cost-center']).toBe('platform');
      expect(deployment.metadata.labels?.['app.kubernetes.io/name']).toBe('api');
      expect((deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec.enableServiceLinks).toBe(false);
      const service = objects.find((o) => o.kind === 'Service')!;
      expect(service.metadata.labels?.['example.com/tier']).toBe('backend');
      expect(objects.every((o) => o.metadata.labels?.['example.com/cost-center'] === 'platform')).toBe(true);
    }
  });

  it('write a static template in which literal {{ is escaped', () => {
    const template = files.get('helm/api/templates/configmap-vendor-settings.yaml');
    expect(template).toContain('{{ "{{" }}');
    expect(template).toContain('namespace: {{ $.Release.Namespace | toJson }}');
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(ENVIRONMENTS)('renders the chart for %s as the plain manifests', (environment) => {
      const chartDir = join(out, 'helm', 'api');
      const rendered = helmTemplate(binary, ['api', chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `api-${environment}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment))));
      expect(rendered.find((o) => o.metadata.name === 'api-extra')?.metadata.labels?.['helm.sh/chart']).toMatch(/^api-/);
    });

    it('lints the chart (--strict)', () => {
      const chartDir = join(out, 'helm', 'api');
      const result = helm(binary, ['lint', '--strict', chartDir, '-f', join(chartDir, 'values-production.yaml')]);
      expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(result.status).toBe(0);
    });
  });

  it('pass strict schema validation and the policy checks', { timeout: 30_000 }, async () => {
    const { documents, problems } = await loadManifests([join(out, 'manifests')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });
});
