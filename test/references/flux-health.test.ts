/**
 * Flux becomes Ready with Rollouts and the other custom kinds `wait: true` waits on (issue 19 §3,
 * fluxcd/flux2#4632): each chart's Kustomization carries `healthCheckExprs` for the custom kinds it
 * writes (lib/gitops/health-checks.ts), valid against the Kustomization v1 schema (test/gitops), and
 * each expression, evaluated as kustomize-controller does (fluxcd/pkg runtime/cel StatusEvaluator:
 * inProgress, then failed, then current; none true is InProgress), with a CEL implementation
 * (@bufbuild/cel, as lib/validation/cel uses), gives the status an operator expects of real objects'
 * status. Flux's minimum version follows (2.5: healthCheckExprs), declared or refused.
 */
import { type CelValue, celEnv, isCelError, parse as parseCel, plan } from '@bufbuild/cel';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../charts/platform';
import { HEALTH_CHECK_EXPRESSIONS } from '../../lib/gitops/health-checks';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const env = celEnv({});

/** The status Flux gives `object` by the expressions of its kind (an evaluation error counts as not Current: Flux keeps waiting). */
function fluxStatus(key: string, object: Record<string, unknown>): 'InProgress' | 'Failed' | 'Current' {
  const exprs = HEALTH_CHECK_EXPRESSIONS[key];
  for (const [field, status] of [
    ['inProgress', 'InProgress'],
    ['failed', 'Failed'],
    ['current', 'Current'],
  ] as const) {
    const text = exprs[field];
    if (text === undefined) continue;
    const result = plan(env, parseCel(text))(object as Record<string, CelValue>);
    if (isCelError(result)) return 'InProgress';
    if (result === true) return status;
  }
  return 'InProgress';
}

const conditions = (type: string, status: string) => ({
  conditions: [
    { type: 'Other', status: 'True' },
    { type, status },
  ],
});

describe('the expressions give the status of real objects', () => {
  const rollout = (status: Record<string, unknown> | undefined, generation = 4) => ({ metadata: { generation }, ...(status ? { status } : {}) });

  it('Rollout: Healthy or Paused (a canary phase, a promotion waiting for a person) once this generation is seen; Degraded fails', () => {
    const key = 'argoproj.io/Rollout';
    expect(fluxStatus(key, rollout(undefined))).toBe('InProgress');
    expect(fluxStatus(key, rollout({}))).toBe('InProgress');
    // The controller has not seen generation 4 yet: whatever the phase of the last one.
    expect(fluxStatus(key, rollout({ observedGeneration: '3', phase: 'Healthy' }))).toBe('InProgress');
    expect(fluxStatus(key, rollout({ observedGeneration: '4', phase: 'Progressing' }))).toBe('InProgress');
    expect(fluxStatus(key, rollout({ observedGeneration: '4', phase: 'Healthy' }))).toBe('Current');
    expect(fluxStatus(key, rollout({ observedGeneration: '4', phase: 'Paused' }))).toBe('Current');
    expect(fluxStatus(key, rollout({ observedGeneration: '4', phase: 'Degraded' }))).toBe('Failed');
  });

  it.each([
    ['external-secrets.io/ExternalSecret', 'Ready'],
    ['bitnami.com/SealedSecret', 'Synced'],
    ['cert-manager.io/Certificate', 'Ready'],
    ['cert-manager.io/ClusterIssuer', 'Ready'],
  ])('%s: its %s condition (none yet is in progress, not failed)', (key, type) => {
    expect(fluxStatus(key, { metadata: {} })).toBe('InProgress');
    expect(fluxStatus(key, { status: {} })).toBe('InProgress');
    expect(fluxStatus(key, { status: { conditions: [] } })).toBe('InProgress');
    expect(fluxStatus(key, { status: conditions(type, 'True') })).toBe('Current');
    expect(fluxStatus(key, { status: conditions(type, 'False') })).toBe('Failed');
    expect(fluxStatus(key, { status: conditions('SomethingElse', 'True') })).toBe('InProgress');
  });

  it.each([
    ['gateway.networking.k8s.io/HTTPRoute', 'parents'],
    ['gateway.envoyproxy.io/BackendTrafficPolicy', 'ancestors'],
    ['gateway.envoyproxy.io/SecurityPolicy', 'ancestors'],
  ])('%s: accepted by every parent (a policy the Gateway refuses, e.g. an unsupported rate limit, fails)', (key, list) => {
    const accepted = (status: string) => ({
      conditions: [
        { type: 'Accepted', status },
        { type: 'ResolvedRefs', status: 'True' },
      ],
    });
    expect(fluxStatus(key, { status: {} })).toBe('InProgress');
    expect(fluxStatus(key, { status: { [list]: [] } })).toBe('InProgress');
    expect(fluxStatus(key, { status: { [list]: [accepted('True')] } })).toBe('Current');
    expect(fluxStatus(key, { status: { [list]: [accepted('True'), accepted('False')] } })).toBe('Failed');
  });

  it('Velero Schedule: Enabled, or FailedValidation', () => {
    expect(fluxStatus('velero.io/Schedule', { status: { phase: 'New' } })).toBe('InProgress');
    expect(fluxStatus('velero.io/Schedule', { status: { phase: 'Enabled' } })).toBe('Current');
    expect(fluxStatus('velero.io/Schedule', { status: { phase: 'FailedValidation' } })).toBe('Failed');
  });
});

describe('each chart’s Kustomization checks exactly the custom kinds it writes', () => {
  const withFlux = (text: string) => text.replace('  engine: argocd\n', '  engine: flux\n').replace('    argoCD: {', '    flux: { version: "2.6.4", namespace: flux-system }\n    argoCD: {');

  it('production: api (Rollout, the admin users’ ExternalSecret, HTTPRoutes, Envoy Gateway policies), worker (ExternalSecrets), monitoring (ClusterIssuer, HTTPRoutes, policies with the TLS policy, Velero Schedules)', () => {
    const files = synthesize({ valuesDir: valuesCopyWith(roots, 'base.yaml', withFlux), environments: ['production'] });
    const kinds = (chart: string) => (parse(files.get(`environments/production/gitops/kustomization-${chart}.yaml`) ?? '').spec.healthCheckExprs ?? []).map((e: { kind: string }) => e.kind);
    expect(kinds('api')).toEqual(['Rollout', 'ExternalSecret', 'BackendTrafficPolicy', 'SecurityPolicy', 'HTTPRoute']);
    expect(kinds('worker')).toEqual(['ExternalSecret']);
    expect(kinds('web')).toEqual(['BackendTrafficPolicy', 'HTTPRoute']);
    expect(kinds('monitoring')).toEqual(['ClusterIssuer', 'BackendTrafficPolicy', 'ClientTrafficPolicy', 'SecurityPolicy', 'HTTPRoute', 'Schedule']);
    const api = parse(files.get('environments/production/gitops/kustomization-api.yaml') ?? '');
    expect(api.spec.wait).toBe(true);
    expect(api.spec.healthCheckExprs.find((e: { kind: string }) => e.kind === 'Rollout')).toEqual({ kind: 'Rollout', ...HEALTH_CHECK_EXPRESSIONS['argoproj.io/Rollout'] });
    // The root Kustomization waits for nothing: no expressions.
    expect(parse(files.get('environments/production/gitops/kustomization-root.yaml') ?? '').spec.healthCheckExprs).toBeUndefined();
  }, 60_000);

  it('Flux older than 2.5 (no healthCheckExprs) is refused, with the source of the figure', () => {
    const problems = synthProblems(valuesCopyWith(roots, 'base.yaml', (text) => withFlux(text).replace('flux: { version: "2.6.4"', 'flux: { version: "2.4.0"')));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /base\.yaml:\d+:\d+: prerequisites\.controllers\.flux\.version: Flux 2\.4\.0 is older than 2\.5\.0, which dev needs for Kustomization spec\.healthCheckExprs \(CEL health checks of custom resources\) \(Flux v2\.5\.0, kustomize-controller v1\.5\.0 changelog: healthCheckExprs \(RFC-0009, fluxcd\/kustomize-controller#1344\)\)$/,
      ),
    );
  }, 60_000);
});
