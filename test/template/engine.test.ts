/**
 * The manifest engine's two renderings agree: a tree evaluated in JavaScript and the same tree written
 * as a Helm template and rendered by the real Helm 3 and Helm 4 give deep-equal objects.
 */
import { describe, expect, it } from 'vitest';
import { type Scope, and, fmt, ifElse, not, release, sha256OfJson, withDefault } from '../../lib/template/expr';
import { evaluateManifest } from '../../lib/template/evaluate';
import { type Node, type Refs, each, refs, spread, when } from '../../lib/template/manifest';
import { writeYaml } from '../../lib/template/yaml-writer';
import { helmVersions, renderTree } from '../support/helm';

interface Values {
  enabled: boolean;
  replicas: number;
  name: string;
  digest?: string;
  labels: Record<string, string>;
  hosts: Array<{ host: string; paths: string[] }>;
  note: string;
  empty: string[];
  big: number;
  ratio: number;
}

const v: Refs<Values> = refs<Values>();

const tree: Node = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: fmt`${release.name}-${v.name}`,
    namespace: release.namespace,
    labels: { 'app.kubernetes.io/name': 'demo', ...spread(v.labels) },
    annotations: { ...spread(v.labels) },
  },
  data: {
    replicas: fmt`${v.replicas}`,
    big: fmt`max-age=${v.big}`,
    ratio: fmt`${v.ratio}`,
    mode: ifElse(v.enabled, 'on', 'off'),
    image: ifElse(v.digest, fmt`repo@${v.digest}`, 'repo:1.0'),
    fallback: withDefault(v.digest, 'none'),
    checksum: sha256OfJson(v.labels),
    literal: 'a {{ not a template }} b',
    multiline: 'line one\n  indented {{ x }}\nlast\n',
    yes: 'yes',
    number: '0123',
    optional: when(and(v.enabled, not(v.digest)), 'present'),
  },
  list: [when(v.enabled, 'first'), each(v.hosts, 'host', (h) => ({ host: h.host, paths: each(h.paths, 'path', (p) => ({ path: p })) })), 'last'],
  onlyOptional: [when(v.digest, 'x')],
  emptyRange: [each(v.empty, 'item', (i) => i)],
  emptyStatic: {},
  replicas: v.replicas,
};

const cases: Array<{ name: string; values: Values }> = [
  {
    name: 'everything present',
    values: {
      enabled: true,
      replicas: 3,
      name: 'web',
      digest: 'sha256:abc',
      labels: { team: 'core', 'x-y': '<&>' },
      hosts: [
        { host: 'a.example.com', paths: ['/', '/api'] },
        { host: 'b.example.com', paths: [] },
      ],
      note: 'n',
      empty: [],
      big: 31536000,
      ratio: 0.1,
    },
  },
  {
    name: 'optional parts absent',
    values: { enabled: false, replicas: 0, name: 'x', labels: {}, hosts: [], note: '', empty: [], big: 1e21, ratio: 0.000001 },
  },
];

function renderWithHelm(binary: string, values: Values): unknown {
  const docs = renderTree(binary, tree, values);
  expect(docs).toHaveLength(1);
  return docs[0];
}

describe.each(helmVersions)('$label renders what JavaScript evaluates', ({ binary }) => {
  it.each(cases)('$name', ({ values }) => {
    const scope: Scope = {
      values,
      release: { name: 'rel', namespace: 'ns', service: 'Helm' },
      chart: { name: 'demo', version: '0.1.0', appVersion: '1.0' },
      vars: new Map(),
    };
    const expected = evaluateManifest(tree, scope);
    expect(renderWithHelm(binary, values)).toEqual(expected);
  });
});

describe('evaluation', () => {
  const scope = (values: Values): Scope => ({
    values,
    release: { name: 'rel', namespace: 'ns', service: 'Helm' },
    chart: { name: 'demo', version: '0.1.0', appVersion: '1.0' },
    vars: new Map(),
  });

  it('drops optional parts and keeps static empties', () => {
    const out = evaluateManifest(tree, scope(cases[1].values)) as Record<string, unknown>;
    expect(out.onlyOptional).toBeUndefined();
    expect(out.emptyRange).toBeUndefined();
    expect(out.emptyStatic).toEqual({});
    expect(out.list).toEqual(['last']);
    expect((out.metadata as Record<string, unknown>).annotations).toBeUndefined();
  });

  it('rejects an unguarded missing value with the path', () => {
    const bad: Node = { apiVersion: 'v1', kind: 'X', digest: v.digest };
    expect(() => evaluateManifest(bad, scope(cases[1].values))).toThrow('.Values.digest has no value');
  });

  it('writes plain YAML that parses back to the same object', async () => {
    const { parse } = await import('yaml');
    const out = evaluateManifest(tree, scope(cases[0].values));
    expect(parse(writeYaml(out))).toEqual(out);
  });
});
