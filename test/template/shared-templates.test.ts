/**
 * Templates written once per distinct tree (lib/template/shared-templates.ts) are the writer's own
 * output for each chart name: for every object of the shipped applications' charts, and for trees
 * that differ only where a careless key would not see it (a literal's length, a spread, a `when`
 * without `otherwise`), and for chart names that are YAML words.
 */
import { Testing } from 'cdk8s';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppChart } from '../../charts/app-chart';
import { chartObjects, releaseScope } from '../../lib/chart/release';
import { Literal, fmt, release } from '../../lib/template/expr';
import { type Node, type Refs, each, refs, spread, when } from '../../lib/template/manifest';
import { sharedTemplate } from '../../lib/template/shared-templates';
import { writeTemplate } from '../../lib/template/yaml-writer';
import { loadEnvironment } from '../../lib/values/load';
import { projectRoot } from '../support/helm';

const base = loadEnvironment(join(projectRoot, 'values'), null);

describe('shared templates', () => {
  it("equal the writer's text for every object of every shipped application, under its own and other chart names", () => {
    let compared = 0;
    for (const [name, values] of base.applications) {
      const identity = { name, version: '0.1.0', appVersion: values.image.tag };
      const chart = new AppChart(Testing.app(), name, { version: '0.1.0', defaultScope: releaseScope(identity, values, { name, namespace: name }) });
      for (const object of chartObjects(chart)) {
        if (object.plainOnly) continue;
        for (const chartName of [name, 'on', 'true', 'x', `${name}-copy`]) {
          expect(sharedTemplate(object.manifest, chartName, object.condition, 0), `${name} ${object.template} as ${chartName}`).toBe(writeTemplate(object.manifest, { chartName }, object.condition));
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  interface Values {
    name: string;
    labels: Record<string, string>;
    hosts: string[];
    on: boolean;
  }
  const v: Refs<Values> = refs<Values>();
  const trees: Record<string, () => Node> = {
    plain: () => ({ kind: 'ConfigMap', metadata: { name: fmt`${release.name}-${v.name}` }, data: { a: 'b' } }),
    'longer literal': () => ({ kind: 'ConfigMap', metadata: { name: fmt`${release.name}-${v.name}` }, data: { a: 'bb' } }),
    'literal as two': () => ({ kind: 'ConfigMap', metadata: { name: fmt`${release.name}-${v.name}` }, data: { a: 'b', b: '' } }),
    'a number, not a string': () => ({ kind: 'ConfigMap', metadata: { name: fmt`${release.name}-${v.name}` }, data: { a: 5 } }),
    "the string '5'": () => ({ kind: 'ConfigMap', metadata: { name: fmt`${release.name}-${v.name}` }, data: { a: '5' } }),
    'spread first': () => ({ kind: 'ConfigMap', metadata: { labels: { ...spread(v.labels), a: 'b' } } }),
    'spread last': () => ({ kind: 'ConfigMap', metadata: { labels: { a: 'b', ...spread(v.labels) } } }),
    'when without otherwise': () => ({ kind: 'ConfigMap', data: { a: when(v.on, 'x') } }),
    'when with otherwise': () => ({ kind: 'ConfigMap', data: { a: when(v.on, 'x', 'y') } }),
    each: () => ({ kind: 'ConfigMap', list: [each(v.hosts, 'host', (h) => ({ host: h }))] }),
    'each, another variable': () => ({ kind: 'ConfigMap', list: [each(v.hosts, 'item', (h) => ({ host: h }))] }),
    'a literal with the placeholder': () => ({ kind: 'ConfigMap', data: { a: '~chart~name~' } }),
  };

  it('tell apart trees that differ anywhere the writer reads, and keep a literal that looks like the placeholder', () => {
    const texts = new Map<string, string>();
    for (const [what, make] of Object.entries(trees)) {
      // Built twice: a spread's key differs per call, the text must not.
      const [first, second] = [make(), make()];
      const text = sharedTemplate(first, 'demo', undefined, 0);
      expect(text, what).toBe(writeTemplate(first, { chartName: 'demo' }));
      expect(sharedTemplate(second, 'demo', undefined, 0), what).toBe(text);
      expect(sharedTemplate(second, 'other', undefined, 0), what).toBe(writeTemplate(second, { chartName: 'other' }));
      texts.set(what, text);
    }
    expect(new Set(texts.values()).size).toBe(texts.size);
    expect(texts.get('a literal with the placeholder')).toContain('~chart~name~');
  });

  it("keep a value that holds the placeholder's text inside an expression, in every chart that shares the tree", () => {
    // A value built into an expression's Go text (as a precomputed configuration text is), found by a
    // new tester in the monitoring chart: the chart name was put in place of the value's text.
    const make = (): Node => ({ kind: 'ConfigMap', metadata: { name: fmt`${release.name}-${v.name}` }, data: { url: new Literal('https://hooks.example.com/~chart~name~/notify') } });
    for (const chartName of ['first', 'second', 'third', 'fourth']) {
      const text = sharedTemplate(make(), chartName, undefined, 0);
      expect(text, chartName).toBe(writeTemplate(make(), { chartName }));
      expect(text, chartName).toContain('https://hooks.example.com/~chart~name~/notify');
    }
  });

  it('write a tree whose literals hold the chart name, or another chart’s name holding this one’s, as the writer does', () => {
    // A Secret named after its application (its ExternalSecret is met in no other chart), and a literal
    // that holds the name of one chart only by chance (api in api-gateway).
    const named = (chartName: string): Node => ({ kind: 'ExternalSecret', metadata: { name: `${chartName}-admin` }, spec: { target: { name: 'api-gateway' } } });
    for (const round of [1, 2, 3]) {
      for (const chartName of ['api', 'api-gateway', 'worker', 'api-2', 'gateway']) {
        for (const tree of [named(chartName), named('api'), named('worker')]) {
          expect(sharedTemplate(tree, chartName, undefined, 0), `${chartName}, round ${round}`).toBe(writeTemplate(tree, { chartName }));
        }
      }
    }
  });
});
