/**
 * Progressive delivery in the output (lib/delivery/): for every environment and application, the
 * workload the values ask for (rolling: a Deployment; canary and blueGreen: an Argo Rollout with the
 * Deployment's pod template), the canary steps, pauses and thresholds read back from the values, the
 * blue-green settings, the Services, the HPA's target, strict validation of every Rollout and
 * AnalysisTemplate against the Argo Rollouts CRD schemas, and the strategy switched with `--set`
 * in Helm 3 and Helm 4, rendered as a synth with the same values would.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../charts/platform';
import { loadPlatformValues } from '../../lib/synth/synthesize';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import type { AppValues } from '../../lib/values/schema';
import { prometheusInClusterUrl } from '../../lib/monitoring/stack/ports';
import { type K8sObject, distDir, environments, plainObjects, releaseNamespace, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { edit, scratchProject, synthProblems } from '../support/synth-cli';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';

/** A manifest's spec as the assertions below read it: any depth of fields, checked by the expectations. */
// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary nested fields of the parsed YAML
type Spec = Record<string, any>;
const valuesOf = new Map(loadPlatformValues({ valuesDir: join(projectRoot, 'values') }).environments.map((env) => [env.environment, env.applications]));
const cases = environments().flatMap((environment) => [...(valuesOf.get(environment)?.keys() ?? [])].map((app) => [environment, app] as const));
const kindOf = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as Array<K8sObject & { spec: Spec }>;

describe('the workload of each application follows rollout.strategy', () => {
  it('ships all three: api canary in production and blue-green in staging, worker rolling everywhere', () => {
    const strategy = (environment: string, app: string) => valuesOf.get(environment)?.get(app)?.rollout.strategy;
    expect(strategy('production', 'api')).toBe('canary');
    expect(strategy('staging', 'api')).toBe('blueGreen');
    for (const environment of environments()) expect(strategy(environment, 'worker')).toBe('rolling');
  });

  it.each(cases)('%s/%s', (environment, app) => {
    const v = valuesOf.get(environment)!.get(app)! as AppValues;
    const objects = plainObjects(environment, app);
    const [rollout] = kindOf(objects, 'Rollout');
    const services = kindOf(objects, 'Service')
      .map((s) => s.metadata.name)
      .sort();
    const hpa = kindOf(objects, 'HorizontalPodAutoscaler')[0];
    if (v.rollout.strategy === 'rolling') {
      expect(kindOf(objects, 'Rollout')).toHaveLength(0);
      expect(kindOf(objects, 'AnalysisTemplate')).toHaveLength(0);
      expect(kindOf(objects, 'Deployment')).toHaveLength(1);
      expect(services).toEqual([app]);
      if (hpa) expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
      return;
    }
    expect(kindOf(objects, 'Deployment')).toHaveLength(0);
    expect(rollout.metadata.name).toBe(app);
    expect(rollout.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app } });
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
    if (hpa) expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: app });
    else expect(rollout.spec.replicas).toBe(v.replicaCount);
    // The same pods as the Deployment of the same values: render them with rolling and compare.
    const strategy = rollout.spec.strategy;
    if (v.rollout.strategy === 'canary') {
      expect(Object.keys(strategy)).toEqual(['canary']);
      expect(services).toEqual([app, `${app}-canary`]);
      expect(strategy.canary.stableService).toBe(app);
      expect(strategy.canary.canaryService).toBe(`${app}-canary`);
      // Two steps per phase: the weight, then the analysis that lasts the phase with its thresholds.
      expect(strategy.canary.steps).toEqual(
        v.rollout.canary.phases.flatMap((phase) => [
          { setWeight: phase.weight },
          {
            analysis: {
              templates: [{ templateName: `${app}-release-analysis` }],
              args: [
                { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
                { name: 'count', value: String(phase.minutes + 1) },
                { name: 'minutes', value: String(phase.minutes) },
                { name: 'max-error-ratio', value: String(phase.maxErrorRatio) },
                { name: 'max-p95-seconds', value: String(phase.maxP95Seconds) },
              ],
            },
          },
        ]),
      );
      // The router's objects: NGINX copies the Ingresses; the Gateway API plugin weighs both Services in every
      // rule of the HTTPRoutes, which name the canary Service only then.
      const routes = kindOf(objects, 'HTTPRoute').filter((r) => !r.metadata.name.endsWith('-https-redirect'));
      const backends = routes.flatMap((r) => r.spec.rules.map((rule: Spec) => rule.backendRefs.map((b: Spec) => b.name)));
      const router = v.rollout.canary.trafficRouting;
      if (router === 'nginx') expect(strategy.canary.trafficRouting).toEqual({ nginx: { stableIngresses: [app, `${app}-admin`] } });
      else if (router === 'gatewayAPI') {
        expect(routes.map((r) => r.metadata.name).sort()).toEqual([app, `${app}-admin`]);
        expect(strategy.canary.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { namespace: rollout.metadata.namespace, httpRoutes: [{ name: app }, { name: `${app}-admin` }] } } });
        for (const names of backends) expect(names).toEqual([app, `${app}-canary`]);
      } else expect(strategy.canary.trafficRouting).toBeUndefined();
      if (router !== 'gatewayAPI') for (const names of backends) expect(names).toEqual([app]);
    } else {
      const bg = v.rollout.blueGreen;
      expect(Object.keys(strategy)).toEqual(['blueGreen']);
      expect(services).toEqual([app, `${app}-preview`]);
      expect(strategy.blueGreen).toMatchObject({ activeService: app, previewService: `${app}-preview`, autoPromotionEnabled: bg.autoPromotionEnabled, scaleDownDelaySeconds: bg.scaleDownDelaySeconds });
      expect(strategy.blueGreen.prePromotionAnalysis).toEqual({ templates: [{ templateName: `${app}-smoke-test` }] });
      const args = Object.fromEntries(strategy.blueGreen.postPromotionAnalysis.args.filter((a: Spec) => 'value' in a).map((a: Spec) => [a.name, a.value]));
      expect(args).toEqual({
        count: String(bg.postPromotion.minutes + 1),
        minutes: String(bg.postPromotion.minutes),
        'max-error-ratio': String(bg.postPromotion.maxErrorRatio),
        'max-p95-seconds': String(bg.postPromotion.maxP95Seconds),
      });
      const [smoke] = kindOf(objects, 'AnalysisTemplate').filter((t) => t.metadata.name === `${app}-smoke-test`);
      const pod = smoke.spec.metrics[0].provider.job.spec.template.spec;
      expect(pod.containers[0].command.slice(4)).toEqual([v.probes.readiness.path, v.probes.liveness.path, ...bg.smokeTest.paths]);
      expect(pod.containers[0].env).toContainEqual({ name: 'BASE_URL', value: `http://${app}-preview:${v.service.port}` });
      // One policy per side, neither wider than its side needs: the smoke-test pods may only call the
      // application's pods on the http port; the application's pods only accept the smoke test on it.
      const policies = kindOf(objects, 'NetworkPolicy');
      const smokePods = { 'app.kubernetes.io/name': `${app}-smoke-test`, 'app.kubernetes.io/instance': app };
      const appPods = kindOf(objects, 'Rollout')[0].spec.selector.matchLabels;
      const ports = [{ protocol: 'TCP', port: v.containerPort }];
      const selecting = (labels: Record<string, string>) =>
        policies.filter((p) => {
          const selector = p.spec.podSelector;
          const expressionsHold = (selector.matchExpressions ?? []).every((e: Spec) => e.operator === 'In' && e.values.includes(labels[e.key]));
          return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) && expressionsHold;
        });
      expect(smoke.spec.metrics[0].provider.job.spec.template.metadata.labels).toMatchObject(smokePods);
      // The policies naming pods (not the namespace-wide default deny and DNS).
      const forSmoke = selecting(smokePods).filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length > 0);
      expect(forSmoke.map((p) => p.metadata.name)).toEqual([`${app}-smoke-test-egress`]);
      expect(forSmoke[0].spec).toEqual({ podSelector: { matchLabels: smokePods }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: appPods } }], ports }] });
      const allow = policies.find((p) => p.metadata.name === `${app}-allow-smoke-test`);
      expect(allow?.spec).toEqual({ podSelector: { matchLabels: appPods }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: smokePods } }], ports }] });
      // No policy gives the application's pods egress to themselves on the port, nor the smoke test any ingress.
      for (const p of selecting(appPods)) for (const rule of p.spec.egress ?? []) expect(rule.to ?? []).not.toContainEqual({ podSelector: { matchLabels: appPods } });
      for (const p of selecting(smokePods)) expect(p.spec.ingress ?? []).toEqual([]);
    }
  });

  it.each(environments())('%s: every Rollout and AnalysisTemplate passes strict validation against the Argo Rollouts CRD schemas and the policy checks', async (environment) => {
    const { documents, problems } = await loadManifests([join(distDir, 'manifests', environment)]);
    expect(problems).toEqual([]);
    const kinds = documents.map((d) => (d.doc as K8sObject).kind);
    if (environment !== 'dev') expect(kinds).toEqual(expect.arrayContaining(['Rollout', 'AnalysisTemplate']));
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });
});

describe('the strategy switched with --set, as a synth with the same values', () => {
  let root: string;
  const SWITCHES = [
    { environment: 'dev', set: ['rollout.strategy=canary'], overlay: '\napplications:\n  api:\n    rollout: { strategy: canary }\n' },
    {
      environment: 'dev',
      set: ['rollout.strategy=blueGreen', 'rollout.blueGreen.autoPromotionEnabled=true'],
      overlay: '\napplications:\n  api:\n    rollout: { strategy: blueGreen, blueGreen: { autoPromotionEnabled: true } }\n',
    },
    { environment: 'production', set: ['rollout.strategy=rolling'], overlay: null },
  ];
  const dirs = new Map<number, string>();
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'rollout-switch-'));
    SWITCHES.forEach((change, index) => {
      const dir = join(root, String(index));
      cpSync(join(projectRoot, 'values'), join(dir, 'values'), { recursive: true });
      const file = join(dir, 'values', `${change.environment}.yaml`);
      const text = readFileSync(file, 'utf8');
      // dev's cluster gets the Argo Rollouts controller when one of its applications uses it (synth requires it).
      const withController = text.replace('\nmonitoring:\n', '\nmonitoring:\n  argoRollouts: { enabled: true }\n');
      writeFileSync(file, change.overlay ? withController + change.overlay : text.replace('      strategy: canary\n', '      strategy: rolling\n'));
      for (const [path, content] of synthesize({ valuesDir: join(dir, 'values'), environments: [change.environment] })) {
        mkdirSync(dirname(join(dir, 'dist', path)), { recursive: true });
        writeFileSync(join(dir, 'dist', path), content);
      }
      dirs.set(index, dir);
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const plainIn = (dir: string, environment: string) => {
    const path = join(dir, 'dist', 'manifests', environment, 'api');
    return readdirSync(path)
      .sort()
      .flatMap((file) => parseDocuments(readFileSync(join(path, file), 'utf8')) as K8sObject[]);
  };

  it('the Rollout runs exactly the pod template the Deployment of the same values runs', () => {
    const deployment = plainIn(dirs.get(2)!, 'production').find((o) => o.kind === 'Deployment') as K8sObject & { spec: Spec };
    const rollout = kindOf(plainObjects('production', 'api'), 'Rollout')[0];
    expect(rollout.spec.template).toEqual(deployment.spec.template);
    expect(rollout.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(SWITCHES.map((change, index) => [`${change.environment} --set ${change.set.join(' --set ')}`, index] as const))('%s', (_, index) => {
      const change = SWITCHES[index];
      const chartDir = join(distDir, 'helm', 'api');
      const args = ['api', chartDir, '-f', join(chartDir, `values-${change.environment}.yaml`), '-n', `api-${change.environment}`, ...change.set.flatMap((s) => ['--set', s])];
      const rendered = helmTemplate(binary, args) as K8sObject[];
      const plain = plainIn(dirs.get(index)!, change.environment);
      expect(plain.some((o) => o.kind === (change.set[0].endsWith('rolling') ? 'Deployment' : 'Rollout'))).toBe(true);
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain)));
    });
  });
});

describe.each(helmVersions)('$label: the callers of the application (smoke test, helm test) get one NetworkPolicy per side', ({ binary }) => {
  it('staging api: egress for the caller, ingress for the application, as in the plain manifests', () => {
    const chartDir = join(distDir, 'helm', 'api');
    const rendered = helmTemplate(binary, ['api', chartDir, '-f', join(chartDir, 'values-staging.yaml'), '-n', 'api-staging']) as Array<K8sObject & { spec: Spec }>;
    const policy = (name: string) => rendered.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
    for (const name of ['api-allow-smoke-test', 'api-smoke-test-egress']) expect(policy(name)?.spec).toEqual(plainObjects('staging', 'api').find((o) => o.metadata.name === name)?.spec);
    const v = valuesOf.get('staging')!.get('api')! as AppValues;
    const appPods = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };
    const testPods = rendered.find((o) => o.kind === 'Pod' && o.metadata.name === 'api-test-connection')?.metadata.labels ?? {};
    const caller = { 'app.kubernetes.io/name': testPods['app.kubernetes.io/name'], 'app.kubernetes.io/instance': 'api' };
    const ports = [{ protocol: 'TCP', port: v.containerPort }];
    expect(policy('api-test-connection')?.spec).toEqual({ podSelector: { matchLabels: appPods }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: caller } }], ports }] });
    expect(policy('api-test-connection-egress')?.spec).toEqual({ podSelector: { matchLabels: caller }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: appPods } }], ports }] });
  }, 60_000);
});

describe('README', () => {
  it('the canary example shows the traffic routing and Services production api is generated with', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### A canary release'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const shown = parse(block).strategy.canary;
    const generated = kindOf(plainObjects('production', 'api'), 'Rollout')[0].spec.strategy.canary;
    for (const key of ['stableService', 'canaryService', 'maxSurge', 'maxUnavailable', 'trafficRouting']) expect(shown[key], key).toEqual(generated[key]);
  });
});

describe('the Argo Rollouts controller declared where applications need it', () => {
  it('refuses a canary or blue-green application in an environment whose monitoring does not declare the controller, with file and line', () => {
    const { root, values } = scratchProject();
    try {
      edit(join(values, 'staging.yaml'), (text) => text.replace('  argoRollouts: { enabled: true }\n', '  argoRollouts: { enabled: false }\n'));
      const lines = synthProblems(values);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^.*values\/staging\.yaml:\d+:\d+: monitoring\.argoRollouts\.enabled: expected true: api release\(s\) with Argo Rollouts \(rollout\.strategy\), whose analysis queries Prometheus$/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the release analysis queries the platform’s Prometheus', () => {
  /** Grafana's Prometheus data source URL, as the monitoring output of `environment` writes it. */
  const grafanaPrometheusUrl = (environment: string) => {
    const config = plainObjects(environment, 'monitoring').find((o) => o.kind === 'ConfigMap' && typeof (o as { data?: Record<string, string> }).data?.['datasources.yaml'] === 'string') as
      | (K8sObject & { data: Record<string, string> })
      | undefined;
    const sources = (parseDocuments(config!.data['datasources.yaml'])[0] as { datasources: Array<{ type: string; url: string }> }).datasources;
    return sources.find((s) => s.type === 'prometheus')!.url;
  };

  it.each(environments())('%s: every AnalysisTemplate’s Prometheus address is the in-cluster URL of the monitoring stack’s Prometheus (Grafana’s data source)', (environment) => {
    const expected = grafanaPrometheusUrl(environment);
    expect(expected).toBe(prometheusInClusterUrl(releaseNamespace(environment, 'monitoring')));
    expect(expected).toMatch(/\/prometheus$/);
    const addresses = [...(valuesOf.get(environment)?.keys() ?? [])].flatMap((app) =>
      kindOf(plainObjects(environment, app), 'AnalysisTemplate').flatMap((t) => (t.spec.metrics as Spec[]).filter((m) => m.provider.prometheus).map((m) => m.provider.prometheus.address)),
    );
    if (environment !== 'dev') expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toBe(expected);
  });

  it('refuses an address without the route prefix once, where it is written, and one set for a single application there; accepts any address with monitoring.mode operator', () => {
    const { root, values } = scratchProject();
    try {
      edit(join(values, 'base.yaml'), (text) => text.replace('prometheusAddress: http://prometheus.monitoring.svc:9090/prometheus', 'prometheusAddress: http://prometheus.monitoring.svc:9090'));
      const lines = synthProblems(values);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^.*values\/base\.yaml:\d+:7: defaults\.rollout\.analysis\.prometheusAddress: expected http:\/\/prometheus\.monitoring\.svc:9090\/prometheus \(the Prometheus of the monitoring stack.*\), got http:\/\/prometheus\.monitoring\.svc:9090$/,
      );
      edit(join(values, 'base.yaml'), (text) => text.replace('prometheusAddress: http://prometheus.monitoring.svc:9090\n', 'prometheusAddress: http://prometheus.monitoring.svc:9090/prometheus\n'));
      edit(join(values, 'production.yaml'), (text) =>
        text.replace('    rollout:\n      strategy: canary\n', '    rollout:\n      strategy: canary\n      analysis: { prometheusAddress: "http://prometheus.other.svc:9090/prometheus" }\n'),
      );
      const single = synthProblems(values);
      expect(single).toHaveLength(1);
      expect(single[0]).toMatch(
        /^.*values\/production\.yaml:\d+:\d+: applications\.api\.rollout\.analysis\.prometheusAddress: expected http:\/\/prometheus\.monitoring\.svc:9090\/prometheus .*got http:\/\/prometheus\.other\.svc:9090\/prometheus$/,
      );
      edit(join(values, 'base.yaml'), (text) =>
        text.replace('  mode: standalone\n', '  mode: operator\n').replace('  controllers:\n', '  controllers:\n    prometheusOperator: { version: "0.85.0", namespace: monitoring }\n'),
      );
      expect(() => synthesize({ valuesDir: values })).not.toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
