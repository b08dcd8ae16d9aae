/**
 * values.schema.json as editors use it (issue 22 §3): a JSON-schema-aware validator (ajv with its
 * defaults, as the YAML language server runs it) finds no error in any of the chart's own values files,
 * values.yaml and each values-<env>.yaml taken alone; the schema carries the chart's defaults and
 * `required` only where there is none (lib/helm/schema-defaults.ts). A default removed with null is
 * still refused, by synth and by the chart with Helm 3 and Helm 4, in the same words.
 */
import Ajv from 'ajv';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { charts, distDir } from '../support/dist';
import { helm, helmVersions } from '../support/helm';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

type Schema = { properties?: Record<string, Schema>; required?: string[]; default?: unknown; type?: unknown };

const schemaOf = (chart: string): Schema => JSON.parse(readFileSync(join(distDir, 'helm', chart, 'values.schema.json'), 'utf8'));
const valuesFiles = (chart: string) => readdirSync(join(distDir, 'helm', chart)).filter((file) => /^values(-[a-z0-9-]+)?\.yaml$/.test(file));

describe.each(charts())('%s', (chart) => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schemaOf(chart));

  it.each(valuesFiles(chart))('%s validates clean against values.schema.json, alone', (file) => {
    const values = parse(readFileSync(join(distDir, 'helm', chart, file), 'utf8')) ?? {};
    validate(values);
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('the schema holds values.yaml as defaults, and requires only values without one', () => {
    const values = parse(readFileSync(join(distDir, 'helm', chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const schema = schemaOf(chart);
    let leaves = 0;
    const walk = (node: Schema, value: unknown, path: string) => {
      for (const key of node.required ?? []) expect(value !== null && typeof value === 'object' && key in value, `${path}${key} is required and has a default`).toBe(false);
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !node.properties) {
        expect(node.default, path).toEqual(value);
        leaves += 1;
        return;
      }
      for (const [key, inner] of Object.entries(value)) if (node.properties[key]) walk(node.properties[key], inner, `${path}${key}.`);
    };
    walk(schema, values, '');
    expect(leaves).toBeGreaterThan(50);
  });

  it('an editor still flags a wrong type and an unknown key', () => {
    expect(validate({ unknownKey: 1 })).toBe(false);
    expect(validate({ global: 'x' })).toBe(false);
  });
});

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const REMOVED = 'required value is missing (null removes the chart’s default)';

describe('a default removed with null', () => {
  it('synth refuses it in the words of the chart', () => {
    const values = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}\napplications:\n  api:\n    image: { tag: null }\n`.replace(/\napplications:\n([\s\S]*)\napplications:\n/, '\napplications:\n$1\n'));
    const lines = synthProblems(values);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`applications\\.api\\.image\\.tag: ${REMOVED.replace(/[()]/g, '\\$&')}$`)));
  });

  /** The values the chart checks after the merge (requireValues' tree), as dotted paths of leaves. */
  function requiredLeaves(chart: string): string[] {
    const text = readFileSync(join(distDir, 'helm', chart, 'templates', 'validate-values.yaml'), 'utf8');
    const tree = JSON.parse(JSON.parse(/requireValues" \(list \.Values \(fromJson ("(?:[^"\\]|\\.)*")\)/.exec(text)?.[1] ?? '""')) as Record<string, object>;
    const leaves: string[] = [];
    const walk = (node: Record<string, object>, path: string[]) => {
      for (const [entry, inner] of Object.entries(node)) {
        const at = [...path, entry.replace(/^\?/, '')];
        if (Object.keys(inner).length > 0) walk(inner as Record<string, object>, at);
        else if (!entry.startsWith('?')) leaves.push(at.join('.'));
      }
    };
    walk(tree, []);
    return leaves;
  }

  describe.each(helmVersions)('$label', ({ binary }) => {
    // Every 20th required value of each chart (all of them: 700 Helm runs), from the first.
    it.each(
      charts().flatMap((chart) =>
        requiredLeaves(chart)
          .filter((_, i) => i % 20 === 0)
          .map((path) => ({ chart, path })),
      ),
    )('$chart refuses --set $path=null', ({ chart, path }) => {
      const result = helm(binary, ['template', chart, join(distDir, 'helm', chart), '-n', `${chart}-dev`, '--set', `${path}=null`]);
      expect(result.status).toBe(1);
      expect(result.stderr.split('\n')[0].endsWith(`: ${path}: ${REMOVED}`), result.stderr).toBe(true);
    });

    it.each([
      ['api', 'image.tag=null', 'image.tag'],
      ['worker', 'resources.limits=null', 'resources.limits'],
      ['worker', 'secrets.worker-database.externalSecret.storeRef=null', 'secrets.worker-database.externalSecret.storeRef'],
      ['monitoring', 'grafana.image.repository=null', 'grafana.image.repository'],
    ])('%s refuses --set %s', (chart, set, path) => {
      const result = helm(binary, ['template', chart, join(distDir, 'helm', chart), '-n', `${chart}-dev`, '--set', set]);
      expect(result.status).toBe(1);
      expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^Error: execution error at \\(${chart}/templates/validate-values\\.yaml:\\d+:\\d+\\): `));
      expect(result.stderr.split('\n')[0].endsWith(`: ${path}: ${REMOVED}`)).toBe(true);
    });
  });
});
