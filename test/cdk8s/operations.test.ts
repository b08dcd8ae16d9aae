/**
 * cdk8s operations on the chart's own (values-driven) objects: applied in both renderings where they
 * mean the same in every release, refused with the construct path where they cannot, never ignored.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppChart } from '../../charts/app-chart';
import { synthesize } from '../../charts/platform';
import { names } from '../../lib/app/names';
import { TemplatedObject } from '../../lib/chart/templated-object';
import { parseDocuments, projectRoot } from '../support/helm';

const valuesDir = join(projectRoot, 'values');

function objectOfKind(chart: AppChart, kind: string): TemplatedObject {
  return chart.node.findAll().find((c) => TemplatedObject.isTemplatedObject(c) && c.kind === kind) as TemplatedObject;
}

/** Synthesizes with `edit` applied to the worker chart; returns the files or the error message. */
function synthWith(edit: (chart: AppChart) => void): Map<string, string> {
  return synthesize({ valuesDir, environments: ['dev', 'production'], extendApplication: (chart) => chart.appName === 'worker' && edit(chart) });
}

function failure(edit: (chart: AppChart) => void): string {
  try {
    synthWith(edit);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synth did not fail');
}

describe('JSON patches on values-driven objects', () => {
  it('replace a values-driven field with a fixed value in every release and in the template', () => {
    const files = synthWith((chart) =>
      objectOfKind(chart, 'Deployment').addJsonPatch(JsonPatch.replace('/spec/revisionHistoryLimit', 2), JsonPatch.replace('/spec/template/spec/terminationGracePeriodSeconds', 45)),
    );
    for (const env of ['dev', 'production']) {
      const [deployment] = parseDocuments(files.get(`manifests/${env}/worker/deployment.yaml`)!) as Array<{
        spec: { revisionHistoryLimit: number; template: { spec: { terminationGracePeriodSeconds: number } } };
      }>;
      expect(deployment.spec.revisionHistoryLimit).toBe(2);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    }
    expect(files.get('helm/worker/templates/deployment.yaml')).toContain('terminationGracePeriodSeconds: 45');
    expect(files.get('helm/worker/templates/deployment.yaml')).not.toContain('.Values.terminationGracePeriodSeconds');
  });

  it('append to a list that values fill, and remove a fixed field', () => {
    const files = synthWith((chart) =>
      objectOfKind(chart, 'Deployment').addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env/-', { name: 'EXTRA', value: '1' }), JsonPatch.remove('/spec/template/spec/containers/0/lifecycle')),
    );
    const [deployment] = parseDocuments(files.get('manifests/production/worker/deployment.yaml')!) as Array<{ spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }>;
    const container = deployment.spec.template.spec.containers[0];
    expect((container.env as Array<{ name: string }>).at(-1)).toEqual({ name: 'EXTRA', value: '1' });
    expect(container.lifecycle).toBeUndefined();
  });

  it('refuse an index into a list built from values, naming the construct path', () => {
    expect(failure((chart) => objectOfKind(chart, 'Deployment').addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/env/0/value', 'x')))).toBe(
      'worker/Deployment/Resource: JSON patch replace /spec/template/spec/containers/0/env/0/value: items of this list come from values, so index 0 is not the same item in every release',
    );
  });

  it('refuse a path through a value that comes from values', () => {
    expect(failure((chart) => objectOfKind(chart, 'Deployment').addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/resources/limits/cpu', '2')))).toMatch(
      /^worker\/Deployment\/Resource: JSON patch add \/spec\/template\/spec\/containers\/0\/resources\/limits\/cpu: the part before it is set from values/,
    );
  });

  it('refuse a path that does not exist, and a failing test operation', () => {
    expect(failure((chart) => objectOfKind(chart, 'Service').addJsonPatch(JsonPatch.replace('/spec/nothing', 1)))).toBe('worker/Service/Resource: JSON patch replace /spec/nothing: no such path in the object');
    expect(failure((chart) => objectOfKind(chart, 'Service').addJsonPatch(JsonPatch.test('/spec/type', 'NodePort')))).toMatch(
      /^worker\/Service\/Resource: JSON patch test \/spec\/type: the value is not "NodePort" in every release$/,
    );
  });
});

describe('JSON patches that would break what the chart relies on', () => {
  it.each([
    [
      'a label the chart sets, on the pods',
      JsonPatch.add('/spec/template/metadata/labels/app.kubernetes.io~1name', 'x'),
      'the label "app.kubernetes.io/name" is set by the chart (selectors and tooling rely on it)',
    ],
    [
      'a label the chart sets, on the object',
      JsonPatch.replace('/metadata/labels/app.kubernetes.io~1instance', 'x'),
      'the label "app.kubernetes.io/instance" is set by the chart (selectors and tooling rely on it)',
    ],
    ['the name', JsonPatch.replace('/metadata/name', 'renamed'), "the name and namespace of a chart's object are set by the chart"],
    ['the selector', JsonPatch.add('/spec/selector/matchLabels/extra', 'x'), 'selectors are set by the chart and never change between versions'],
    ['a field present only in some releases (replace)', JsonPatch.replace('/spec/replicas', 5), 'this part is present only in some releases (set from values), so the patch would not mean the same in all'],
    ['a field present only in some releases (remove)', JsonPatch.remove('/spec/replicas'), 'this part is present only in some releases (set from values), so the patch would not mean the same in all'],
  ])('refuse %s', (_what, patch, message) => {
    const op = patch._toJson() as { op: string; path: string };
    expect(failure((chart) => objectOfKind(chart, 'Deployment').addJsonPatch(patch))).toBe(`worker/Deployment/Resource: JSON patch ${op.op} ${op.path}: ${message}`);
  });
});

describe('objects of the same kind and name', () => {
  it('are refused with both construct paths (a cdk8s-plus ConfigMap named like the chart’s own)', () => {
    expect(failure((chart) => new kplus.ConfigMap(chart, 'Clash', { metadata: { name: 'worker-config' }, data: { a: 'b' } }))).toBe(
      'worker/Clash/Resource: ConfigMap worker-dev/worker-config is also the object of worker/Configuration/Resource, in the release worker (worker-dev); give one of them another name',
    );
  });
});

describe('labels and annotations', () => {
  it('refuse a label the chart sets itself (selectors rely on it)', () => {
    expect(failure((chart) => objectOfKind(chart, 'Deployment').metadata.addLabel('app.kubernetes.io/name', 'other'))).toBe(
      'worker/Deployment/Resource: metadata.labels "app.kubernetes.io/name" is set by the chart (selectors and tooling rely on it); choose another key',
    );
  });

  it('add an annotation next to the ones that values spread in', () => {
    const files = synthWith((chart) => objectOfKind(chart, 'ServiceAccount').metadata.addAnnotation('example.com/reviewed', 'yes'));
    const [account] = parseDocuments(files.get('manifests/dev/worker/serviceaccount.yaml')!) as Array<{ metadata: { annotations: Record<string, string> } }>;
    expect(account.metadata.annotations['example.com/reviewed']).toBe('yes');
    expect(files.get('helm/worker/templates/serviceaccount.yaml')).toMatch(/range \$key, \$value := \$\.Values\.serviceAccount\.annotations[\s\S]*example\.com\/reviewed: "?yes"?/);
  });
});

describe('objects that are not TemplatedObjects', () => {
  it('refuse an expression in a key', () => {
    expect(failure((chart) => new kplus.ConfigMap(chart, 'Keyed', { metadata: { name: 'keyed' }, data: { [`${names.name}`]: 'fixed' } }))).toBe(
      'worker/Keyed/Resource: the key /data/{{ (include "<chart>.name" $) }} holds an expression; only values may (keys are fixed in a chart)',
    );
  });

  it('refuse two objects that would share a file, naming both', () => {
    expect(
      failure((chart) => {
        new ApiObject(chart, 'One', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
        new ApiObject(chart, 'Two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
      }),
    ).toBe('worker/Two: its file configmap-same.yaml is already the file of worker/One; give one of them another name');
  });
});
