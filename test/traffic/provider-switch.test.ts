/**
 * Switching the traffic provider: with the other provider in each environment (dev and production on
 * Ingress, staging on the Gateway API), synth writes the other objects, they pass strict validation
 * (Gateway API and Envoy Gateway CRD schemas, Kubernetes 1.27 and 1.33) and the policy checks, and
 * `helm template` of the committed charts with `--set traffic.provider=...` renders exactly them, with
 * Helm 3 and Helm 4, for every chart.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../charts/platform';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { type K8sObject, charts, distDir, environments, releaseNamespace, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { edit } from '../support/synth-cli';

/** The provider each environment gets here: the other one than in values/. */
const SWAPPED: Record<string, 'gatewayAPI' | 'ingress'> = { dev: 'ingress', production: 'ingress', staging: 'gatewayAPI' };
/** A canary's traffic router goes with the provider (a rule refuses the other): api's in production moves to NGINX. */
const ROUTER_SWAPPED: Record<string, Record<string, string>> = { production: { api: 'nginx' } };

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'traffic-switch-'));
  const values = join(root, 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  edit(join(values, 'staging.yaml'), (t) => t.replace('traffic: { provider: ingress }', 'traffic: { provider: gatewayAPI }'));
  for (const env of ['dev', 'production']) edit(join(values, `${env}.yaml`), (t) => t.replace(/^environment: \{ (.*) \}$/m, 'environment: { $1, traffic: { provider: ingress } }'));
  // Their clusters then run the NGINX ingress controller (a prerequisite, lib/references/).
  edit(join(values, 'base.yaml'), (t) => t.replace('  controllers:\n', '  controllers:\n    ingressNginx: { version: "1.13.1", namespace: ingress-nginx, ingressClasses: [nginx] }\n'));
  edit(join(values, 'production.yaml'), (t) => t.replace('canary: { trafficRouting: gatewayAPI }', `canary: { trafficRouting: ${ROUTER_SWAPPED.production.api} }`));
  for (const [path, content] of synthesize({ valuesDir: values })) {
    mkdirSync(dirname(join(root, 'dist', path)), { recursive: true });
    writeFileSync(join(root, 'dist', path), content);
  }
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plain(environment: string, chart: string): K8sObject[] {
  const dir = join(root, 'dist', 'manifests', environment, chart);
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
}

const kinds = (objects: K8sObject[]) => [...new Set(objects.map((o) => o.kind))].filter((k) => ['Ingress', 'HTTPRoute', 'BackendTrafficPolicy', 'SecurityPolicy', 'Certificate'].includes(k)).sort();
const solver = (environment: string) =>
  (plain(environment, 'monitoring').find((o) => o.kind === 'ClusterIssuer') as unknown as { spec: { acme: { solvers: Array<{ http01: object }> } } }).spec.acme.solvers[0].http01;

describe('the other provider in every environment', () => {
  it('writes the other provider’s objects', () => {
    // On Ingress a Certificate per TLS host set (cert-manager); on the Gateway API the listener's certificate is the platform's.
    expect(kinds(plain('dev', 'api'))).toEqual(['Certificate', 'Ingress']);
    expect(kinds(plain('production', 'monitoring'))).toEqual(['Certificate', 'Ingress']);
    expect(kinds(plain('staging', 'api'))).toEqual(['BackendTrafficPolicy', 'HTTPRoute', 'SecurityPolicy']);
    expect(kinds(plain('staging', 'monitoring'))).toEqual(['BackendTrafficPolicy', 'HTTPRoute', 'SecurityPolicy']);
    expect(kinds(plain('staging', 'worker'))).toEqual([]);
    // The ClusterIssuer stays, its HTTP-01 solver on the environment's entry.
    expect(solver('production')).toEqual({ ingress: { ingressClassName: 'nginx' } });
    expect(solver('staging')).toEqual({
      gatewayHTTPRoute: { parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName: 'http' }] },
    });
  });

  it('passes strict schema validation and the policy checks', { timeout: 60_000 }, async () => {
    const { documents, problems } = await loadManifests([join(root, 'dist', 'manifests')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });

  const cases = charts().flatMap((chart) => environments().map((environment) => ({ chart, environment, provider: SWAPPED[environment] })));
  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(cases)('renders $chart in $environment with --set traffic.provider=$provider like that synth', ({ chart, environment, provider }) => {
      const chartDir = join(distDir, 'helm', chart);
      const namespace = releaseNamespace(environment, chart);
      const router = ROUTER_SWAPPED[environment]?.[chart];
      const args = ['--set', `traffic.provider=${provider}`, ...(router ? ['--set', `rollout.canary.trafficRouting=${router}`] : [])];
      const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', namespace, ...args]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment, chart))));
    });
  });
});
