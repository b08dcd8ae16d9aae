/**
 * Property: every string the YAML writer writes, as a value or as a key, reads back as the same string
 * with a YAML 1.2 parser (the `yaml` library and js-yaml) and with Helm's Go parser (sigs.k8s.io/yaml,
 * reached through Helm's `fromYaml`), in the plain rendering and in the Helm template rendering, for
 * values written literally and for values that come from values.yaml. Strings are drawn from the whole
 * of Unicode with control characters, line breaks, leading and trailing spaces, YAML indicators and
 * template delimiters over-represented. Seeded, so a failure is reproducible.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as loadYaml12 } from 'js-yaml';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { refs } from '../../lib/template/manifest';
import { writeTemplate, writeYaml } from '../../lib/template/yaml-writer';
import { engineHelpers } from '../../lib/template/expr';
import { helm, helmVersions } from '../support/helm';
import { YAML_FOR_HELM } from '../../lib/helm/yaml-options';
import { hasUnsafeCharacters } from '../../lib/template/yaml-scalars';

const SEED = 20261129;

/** Pieces that have broken YAML writers: line breaks, indentation, indicators, escapes, delimiters. */
const TRICKY = [
  '\n',
  '\n\n',
  '\n\n\n',
  '\r',
  '\r\n',
  '\t',
  ' ',
  '  ',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '#',
  ': ',
  ' #',
  '- ',
  '? ',
  '|',
  '>',
  '&a',
  '*a',
  '!',
  '%',
  '@',
  '`',
  '"',
  "'",
  '\\',
  '{',
  '}',
  '[',
  ']',
  ',',
  '---',
  '...',
  '{{',
  '}}',
  '{{- ',
  ' -}}',
  '{{/*',
  'true',
  'no',
  'on',
  'Y',
  '~',
  'null',
  '0x1F',
  '010',
  '1e3',
  '.inf',
  '1:20',
  '=',
  '<<',
  '😀',
  'é',
  // Go's parser reads these as numbers (ParseInt with base prefixes in either case, "_" dropped).
  '0X1f',
  '0o10',
  '0O10',
  '0B101',
  '+0o10',
  '-0o10',
  '0o7_7',
  '1_000',
  '08',
  '+.inf',
  '.NaN',
];

const piece = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TRICKY) }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }, { weight: 2, arbitrary: fc.string({ maxLength: 8 }) });
const text = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));

/** Strings that can be written as UTF-8 (a lone surrogate cannot, and the writer refuses it). */
const strings = (runs: number) => fc.sample(text, { numRuns: runs, seed: SEED }).filter((s) => !/[\ud800-\udfff]/u.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));

describe('strings through the YAML writer', () => {
  it('read back the same with YAML 1.2 parsers (yaml, js-yaml), as values and as keys', () => {
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
        const written = writeYaml({ apiVersion: 'v1', kind: 'ConfigMap', data: { value: s, list: [s], nested: { [s === '' ? 'empty' : s]: s } } });
        for (const read of [parse(written), loadYaml12(written)] as Array<{ data: { value: string; list: string[]; nested: Record<string, string> } }>) {
          expect(read.data.value).toBe(s);
          expect(read.data.list).toEqual([s]);
          expect(read.data.nested).toEqual({ [s === '' ? 'empty' : s]: s });
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  it('values files for Helm escape what the yaml library would write raw', () => {
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
        const written = stringify({ [s]: s }, YAML_FOR_HELM);
        expect(written).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/);
        // merge: false, as in Go's parser a quoted "<<" is a string (the yaml library merges it anyway).
        expect(parse(written, { version: '1.1', merge: false })).toEqual({ [s]: s });
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('refuses a lone surrogate with a message', () => {
    expect(() => writeYaml({ a: 'x\ud800y' })).toThrow('holds a lone UTF-16 surrogate, which cannot be written as UTF-8');
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it('read back the same with Helm’s Go parser, plain and templated, literal and from values.yaml', () => {
      const samples = strings(400);
      const v = refs<Record<string, string>>();
      const literal = Object.fromEntries(samples.map((s, i) => [`k${i}`, s]));
      const keys = Object.fromEntries(samples.filter((s) => s !== '').map((s, i) => [s, `v${i}`]));
      // Values refuse the characters that only an escape can carry (lib/values/kubernetes-names.ts):
      // Helm's toJson would write DEL and C1 raw. Literal strings in templates may hold any of them.
      const safe = samples.filter((s) => !hasUnsafeCharacters(s));
      const fromValues = Object.fromEntries(safe.map((_, i) => [`k${i}`, (v as unknown as Record<string, unknown>)[`s${i}`]]));
      const dir = mkdtempSync(join(tmpdir(), 'yaml-strings-'));
      try {
        mkdirSync(join(dir, 'templates'));
        mkdirSync(join(dir, 'files'));
        writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: strings\nversion: 0.1.0\n');
        // values.yaml as the charts' values files are written (lib/helm/yaml-options.ts).
        // Keys too: a values file's keys are strings Helm must read back as written.
        const valueKeys = Object.fromEntries(safe.filter((s) => s !== '').map((s) => [s, s]));
        writeFileSync(join(dir, 'values.yaml'), stringify({ ...Object.fromEntries(safe.map((s, i) => [`s${i}`, s])), valueKeys }, YAML_FOR_HELM));
        writeFileSync(join(dir, 'files', 'plain.yaml'), writeYaml({ literal, keys }));
        writeFileSync(join(dir, 'files', 'template.yaml'), writeTemplate({ literal, keys, fromValues } as never, { chartName: 'strings' }));
        writeFileSync(join(dir, 'templates', '_helpers.tpl'), engineHelpers('strings'));
        writeFileSync(
          join(dir, 'templates', 'out.yaml'),
          [
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata:',
            '  name: out',
            'data:',
            '  plain: {{ .Files.Get "files/plain.yaml" | fromYaml | toJson | b64enc | quote }}',
            '  template: {{ tpl (.Files.Get "files/template.yaml") . | fromYaml | toJson | b64enc | quote }}',
            '  valueKeys: {{ .Values.valueKeys | toJson | b64enc | quote }}',
            '',
          ].join('\n'),
        );
        const result = helm(binary, ['template', 'strings', dir]);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        const out = parse(result.stdout.replace(/^---\n# Source: .*\n/m, '')) as { data: { plain: string; template: string; valueKeys: string } };
        const decode = (b64: string) => JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as Record<string, unknown>;
        const plain = decode(out.data.plain);
        const templated = decode(out.data.template);
        expect(plain.Error).toBeUndefined();
        expect(templated.Error).toBeUndefined();
        expect(plain).toEqual({ literal, keys });
        expect(templated).toEqual({ literal, keys, fromValues: Object.fromEntries(safe.map((s, i) => [`k${i}`, s])) });
        expect(decode(out.data.valueKeys)).toEqual(valueKeys);
        expect(safe.length).toBeGreaterThan(100);
        expect(samples.length - safe.length).toBeGreaterThan(20);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
