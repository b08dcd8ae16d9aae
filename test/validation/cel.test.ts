/**
 * The CRDs' CEL rules (x-kubernetes-validations), evaluated as the API server does on create: planted
 * violations are reported with the rule's own message, rules the library cannot evaluate are listed,
 * transition rules are kept apart, and the values a rule sees are defaulted, typed and escaped.
 */
import { describe, expect, it } from 'vitest';
import { formatUnevaluatedRule, validateManifests } from '../../lib/validation';
import { compileRules, evaluateRules } from '../../lib/validation/cel/crd-rules';
import { fixture, lines, schemaLocations } from './helpers';

describe('CEL rules of the CRDs in validate', () => {
  it('reports each planted violation with the rule message, file, document, object and field', async () => {
    const result = await validateManifests(await fixture('cel/httproute.yaml'), { schemaLocations });
    expect(lines(result.schemaErrors)).toEqual([]);
    const at = (document: number, object: string, field: string, message: string) => `cel/httproute.yaml (document ${document}): ${object}: ${field}: ${message} [cel-violation]`;
    const path = (i: number, message: string) => at(1, 'HTTPRoute/shop/web', `spec.rules[0].matches[${i}].path`, `${message} when type one of ['Exact', 'PathPrefix']`);
    expect(lines(result.apiServerFindings)).toEqual([
      path(0, "must not contain '//'"),
      path(1, "must not contain '%2F'"),
      path(2, "must not contain '/./'"),
      // No type: the CRD's default (PathPrefix) applies before the rules, as on the API server.
      path(3, "must not end with '/..'"),
      at(1, 'HTTPRoute/shop/web', 'spec.rules[0].timeouts', 'backendRequest timeout cannot be longer than request timeout'),
      at(2, 'ClusterIssuer/venafi', 'spec.venafi', 'exactly one of tpp, cloud, or ngts must be configured'),
    ]);
    expect(result.celRules.unevaluated).toEqual([]);
    expect(result.celRules.rules).toBeGreaterThan(100);
    expect(result.celRules.reached).toBeGreaterThan(10);
  });

  it('keeps the Rollout selector rule (oldSelf) apart: it applies to updates only', async () => {
    const result = await validateManifests(await fixture('valid'), { schemaLocations });
    expect(result.apiServerFindings).toEqual([]);
    const rollout = await validateManifests(
      [{ file: 'rollout.yaml', doc: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } } } }],
      { schemaLocations },
    );
    expect(rollout.celRules.transition.map(formatUnevaluatedRule)).toEqual(['Rollout argoproj.io/v1alpha1: spec.selector: transition rule (oldSelf): applies to updates only: self == oldSelf']);
    expect(rollout.apiServerFindings).toEqual([]);
  });
});

/** A CRD-like schema with one rule at `spec`. */
function specRule(rule: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  return {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          count: { type: 'integer' },
          ratio: { type: 'number' },
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          mode: { type: 'string', default: 'Auto' },
          'max-surge': { type: 'string' },
          namespace: { type: 'string' },
          items: { type: 'array', items: { type: 'string' } },
          numbers: { type: 'array', items: { type: 'integer' } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          address: { type: 'string' },
          ...spec,
        },
        'x-kubernetes-validations': [rule],
      },
    },
  };
}

const run = (rule: Record<string, unknown> | string, spec: Record<string, unknown>) => {
  const compiled = compileRules(specRule(typeof rule === 'string' ? { rule, message: 'broken' } : rule));
  const violations = evaluateRules(compiled, { spec });
  return { unevaluated: [...compiled.reached.values()].filter(Boolean), violations };
};
const holds = (rule: string, spec: Record<string, unknown>) => {
  const { unevaluated, violations } = run(rule, spec);
  expect(unevaluated).toEqual([]);
  return violations.length === 0;
};

describe('the values a rule sees', () => {
  it('applies schema defaults before the rules', () => {
    expect(holds("self.mode == 'Auto'", {})).toBe(true);
    expect(holds("self.mode == 'Auto'", { mode: 'Manual' })).toBe(false);
  });

  it('types integers as int, numbers as double, int-or-string as either', () => {
    expect(holds('self.count == 3 && type(self.count) == int', { count: 3 })).toBe(true);
    expect(holds('type(self.ratio) == double && self.ratio == 2.0', { ratio: 2 })).toBe(true);
    expect(holds('type(self.port) == int', { port: 8080 })).toBe(true);
    expect(holds("type(self.port) == string && self.port == 'http'", { port: 'http' })).toBe(true);
  });

  it('escapes property names as the API server does, not map keys', () => {
    expect(holds("self.max__dash__surge == '25%'", { 'max-surge': '25%' })).toBe(true);
    expect(holds("self.__namespace__ == 'shop'", { namespace: 'shop' })).toBe(true);
    expect(holds("self.labels['app.kubernetes.io/name'] == 'web'", { labels: { 'app.kubernetes.io/name': 'web' } })).toBe(true);
  });

  it('reports an absent field read without has() as an evaluation error, as the API server does', () => {
    const { violations } = run('self.count > 0', {});
    expect(violations).toEqual([{ path: ['spec'], rule: 'self.count > 0', message: 'broken (evaluation error: field not found: count)' }]);
  });
});

describe('messages and paths', () => {
  it('uses messageExpression, then message, then the rule text', () => {
    expect(run({ rule: 'self.count < 3', messageExpression: "'count is ' + string(self.count)" }, { count: 5 }).violations[0].message).toBe('count is 5');
    expect(run({ rule: 'self.count < 3', message: 'too many' }, { count: 5 }).violations[0].message).toBe('too many');
    expect(run({ rule: 'self.count < 3' }, { count: 5 }).violations[0].message).toBe('failed rule: self.count < 3');
  });

  it('appends the rule fieldPath to the node path', () => {
    expect(run({ rule: 'self.count < 3', message: 'm', fieldPath: '.count' }, { count: 5 }).violations[0].path).toEqual(['spec', 'count']);
    expect(run({ rule: 'self.count < 3', message: 'm', fieldPath: ".labels['a.b']" }, { count: 5 }).violations[0].path).toEqual(['spec', 'labels', 'a.b']);
  });
});

describe('the Kubernetes CEL library', () => {
  it('has the lists functions (k8s.io/apiserver/pkg/cel/library/lists.go)', () => {
    expect(holds('self.numbers.isSorted() && self.numbers.sum() == 6 && self.numbers.min() == 1 && self.numbers.max() == 3', { numbers: [1, 2, 3] })).toBe(true);
    expect(holds('self.numbers.isSorted()', { numbers: [2, 1] })).toBe(false);
    expect(holds("self.items.indexOf('b') == 1 && self.items.lastIndexOf('b') == 2 && self.items.indexOf('z') == -1", { items: ['a', 'b', 'b'] })).toBe(true);
    expect(run('self.numbers.min() == 0', { numbers: [] }).violations[0].message).toBe('broken (evaluation error: min called on empty list)');
  });

  it('has isIP and isCIDR (ip.go, cidr.go): no zones, no IPv4-mapped IPv6, no leading zeros', () => {
    for (const [address, ok] of [
      ['10.0.0.1', true],
      ['2001:db8::1', true],
      ['010.0.0.1', false],
      ['::ffff:10.0.0.1', false],
      ['fe80::1%eth0', false],
      ['10.0.0', false],
    ] as const) {
      expect(holds('isIP(self.address)', { address }), address).toBe(ok);
    }
    for (const [cidr, ok] of [
      ['10.0.0.0/8', true],
      ['2001:db8::/32', true],
      ['10.0.0.0/33', false],
      ['10.0.0.0/08', false],
      ['10.0.0.0', false],
    ] as const) {
      expect(holds('isCIDR(self.address)', { address: cidr }), cidr).toBe(ok);
    }
  });

  it('lists a rule calling a function the library lacks, with the function, and never runs it', () => {
    const { unevaluated, violations } = run("url(self.address).getHost() == 'example.com'", { address: 'https://example.com' });
    expect(unevaluated).toEqual([{ at: 'spec', rule: "url(self.address).getHost() == 'example.com'", reason: 'the CEL library lacks getHost(), url()' }]);
    expect(violations).toEqual([]);
  });

  it('evaluates regular expressions as RE2 (inline flags included)', () => {
    expect(holds('self.address.matches(r"""^(?i)[a-z]+$""")', { address: 'ABC' })).toBe(true);
    expect(holds("self.address.lowerAscii().split('.').size() == 3", { address: 'A.B.C' })).toBe(true);
  });
});
