/**
 * values-<env>.yaml written pair by pair (lib/helm/values-docs.ts helmYaml) is what the yaml
 * library writes for the whole map, for every overlay of the shipped values and for the cases where
 * a map's text is not its pairs' texts (an object met twice, -0, NaN), which are written whole.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPlatformValues } from '../../lib/synth/synthesize';
import { helmYaml } from '../../lib/helm/values-docs';
import { YAML_FOR_HELM } from '../../lib/helm/yaml-options';
import { diffValues } from '../../lib/values/merge';
import { projectRoot } from '../support/helm';

const whole = (values: Record<string, unknown>) => stringify(values, YAML_FOR_HELM);

describe('values-<env>.yaml written pair by pair', () => {
  it('is the whole map’s text for every environment overlay of the shipped values, written twice', () => {
    const { base, environments } = loadPlatformValues({ valuesDir: join(projectRoot, 'values') });
    let compared = 0;
    for (const [name, values] of base.applications) {
      for (const env of environments) {
        const overlay = diffValues(values as Record<string, unknown>, env.applications.get(name) as Record<string, unknown>) as Record<string, unknown> | undefined;
        if (overlay === undefined) continue;
        expect(helmYaml(overlay), `${name} ${env.environment}`).toBe(whole(overlay));
        expect(helmYaml(overlay)).toBe(whole(overlay));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('quotes, nests and keeps block scalars as the library does', () => {
    const cases: Record<string, unknown>[] = [
      { yes: 'no', on: 'off', y: 'n', hex: '0x1f', octal: '0o10', under: '1_0', merge: '<<', '<<': 1, float: '1e3', empty: '' },
      { text: 'line one\nline two\n\n', kept: 'trailing\n\n\n', folded: `${'long '.repeat(40)}end`, control: 'del \x7f nel \x85 ls \u2028 bom \ufeff' },
      { list: [1, 'two', [3, [4]], { five: 5 }, [], {}], map: { nested: { deeper: { deepest: null } } }, emptyList: [], emptyMap: {} },
      { 'key with spaces': 1, 'key: colon': 2, '- dash': 3, '#hash': 4, '"quoted"': 5, 123: 'numeric key', '': 'empty key' },
      { number: 1.5, negative: -2, big: 1e21, small: 1e-7, boolean: false, nothing: null },
    ];
    for (const values of cases) {
      expect(helmYaml(values)).toBe(whole(values));
      expect(helmYaml(values)).toBe(whole(values));
    }
  });

  it('writes whole what is not JSON data: an object under two keys (anchor and alias), -0, NaN', () => {
    const shared = { cpu: '1', memory: '1Gi' };
    const cases: Record<string, unknown>[] = [{ requests: shared, limits: shared }, { zero: -0 }, { nan: Number.NaN, inf: Number.POSITIVE_INFINITY }];
    for (const values of cases) expect(helmYaml(values)).toBe(whole(values));
    expect(helmYaml({ requests: shared, limits: shared })).toContain('*');
  });
});
