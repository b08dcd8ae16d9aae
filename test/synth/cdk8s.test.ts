/** The charts are ordinary cdk8s charts: cdk8s's own synthesis gives the objects of a release. */
import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppChart } from '../../charts/app-chart';
import { releaseScope, renderRelease } from '../../lib/chart/release';
import { loadEnvironment } from '../../lib/values/load';
import { projectRoot } from '../support/helm';

describe('AppChart under cdk8s', () => {
  const production = loadEnvironment(join(projectRoot, 'values'), 'production');
  const values = production.applications.get('api')!;
  const identity = { name: 'api', version: '0.1.0', appVersion: values.image.tag };

  it('Testing.synth gives the release objects: conditional objects present only when enabled, no Helm hooks', () => {
    const scope = releaseScope(identity, values, { name: 'api', namespace: 'api-production' });
    const chart = new AppChart(Testing.app(), 'api', { version: '0.1.0', defaultScope: scope });
    const synthesized = Testing.synth(chart) as Array<{ kind: string; metadata: { name: string } }>;
    expect(synthesized).toEqual(renderRelease(chart, scope).map((r) => r.object));
    expect(synthesized.map((o) => o.kind)).toContain('HorizontalPodAutoscaler');
    expect(synthesized.map((o) => o.kind)).not.toContain('Pod');
  });

  it('with autoscaling off, there is no HPA and the workload (here api’s production Rollout) sets replicas', () => {
    const scope = releaseScope(identity, { ...values, autoscaling: { ...values.autoscaling, enabled: false } }, { name: 'api', namespace: 'x' });
    const chart = new AppChart(Testing.app(), 'api', { version: '0.1.0', defaultScope: scope });
    const synthesized = Testing.synth(chart) as Array<{ kind: string; spec?: { replicas?: number } }>;
    expect(synthesized.map((o) => o.kind)).not.toContain('HorizontalPodAutoscaler');
    expect(synthesized.find((o) => o.kind === 'Rollout')!.spec!.replicas).toBe(3);
    expect(synthesized.map((o) => o.kind)).not.toContain('Deployment');
  });
});

describe('AppChart with cdk8s chart props and constructs', () => {
  const dev = loadEnvironment(join(projectRoot, 'values'), 'dev');
  const values = dev.applications.get('worker')!;
  const identity = { name: 'worker', version: '0.1.0', appVersion: values.image.tag };
  const scope = releaseScope(identity, values, { name: 'worker', namespace: 'worker-dev' });

  it('Testing.synth includes cdk8s-plus-27 objects beside the values-driven ones', () => {
    const chart = new AppChart(Testing.app(), 'worker', { version: '0.1.0', defaultScope: scope });
    new kplus.ConfigMap(chart, 'Extra', { metadata: { name: 'extra' }, data: { a: 'b' } });
    const synthesized = Testing.synth(chart) as Array<{ kind: string; metadata: { name: string; namespace?: string } }>;
    expect(synthesized.find((o) => o.metadata.name === 'extra')).toMatchObject({ kind: 'ConfigMap', metadata: { namespace: 'worker-dev' }, data: { a: 'b' } });
    expect(synthesized.map((o) => o.kind)).toContain('Deployment');
  });

  it('a chart-level namespace and labels apply to every object, the chart’s own included', () => {
    const chart = new AppChart(Testing.app(), 'worker', { version: '0.1.0', defaultScope: scope, namespace: 'shared', labels: { team: 'payments' } });
    new ApiObject(chart, 'Plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    const synthesized = Testing.synth(chart) as Array<{ kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } }>;
    for (const object of synthesized) {
      expect(object.metadata.labels?.team, `${object.kind}/${object.metadata.name}`).toBe('payments');
      if (object.kind !== 'Namespace') expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe('shared');
    }
    expect(synthesized.length).toBeGreaterThan(8);
  });

  it('a chart namespace that is not a namespace name is refused', () => {
    expect(() => new AppChart(Testing.app(), 'worker', { version: '0.1.0', defaultScope: scope, namespace: 'Bad_NS' })).toThrow(
      'worker: the chart namespace "Bad_NS" is not a namespace name (a DNS label of at most 63 characters)',
    );
  });
});
