/**
 * Keys that are not text (issue 20, "every refusal names a file and a line"; "the chart refuses what
 * synth refuses"): a YAML key that is a list, a map or null names no field. Synth read `? [a, b] : c`
 * as the key "a,b" and reported it without a line, `{ [a]: c }` as "[object Object]", and kept `~: c`
 * as a variable named "null", while Helm refuses each of them in a -f file. Now synth refuses each at
 * the key's line and column, and Helm 3 and 4 refuse the same file.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distDir } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'non-text-keys-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MESSAGE = (kind: string) => `a key here is ${kind}: every key of the values is text (Helm refuses other keys); quote it, or write it as a text key`;

/** Each input: the overlay's text (an environment qa), the problem synth reports, the same keys for the api chart. */
const cases: readonly { name: string; overlay: string; expected: string; chartValues: string }[] = [
  { name: 'a list as a top-level key (explicit key)', overlay: '? [a, b]\n: c\n', expected: `qa.yaml:1:3: ${MESSAGE('a list')}`, chartValues: '? [a, b]\n: c\n' },
  { name: 'a list as a key in a flow map', overlay: 'defaults: { [a, b]: c }\n', expected: `qa.yaml:1:13: defaults: ${MESSAGE('a list')}`, chartValues: '{ [a, b]: c }\n' },
  { name: 'a map as a key of env', overlay: 'defaults:\n  env:\n    ? { x: 1 }\n    : c\n', expected: `qa.yaml:3:7: defaults.env: ${MESSAGE('a map')}`, chartValues: 'env:\n  ? { x: 1 }\n  : c\n' },
  { name: 'a null key of env (~)', overlay: 'defaults: { env: { ~: c } }\n', expected: `qa.yaml:1:20: defaults.env: ${MESSAGE('null')}`, chartValues: 'env: { ~: c }\n' },
  { name: 'a null key of env (null)', overlay: 'applications:\n  api:\n    env:\n      null: c\n', expected: `qa.yaml:4:7: applications.api.env: ${MESSAGE('null')}`, chartValues: 'env:\n  null: c\n' },
];

let copies = 0;
describe('synth refuses a key that is not text, at its line', () => {
  it.each(cases)('$name', ({ overlay, expected }) => {
    const dir = join(scratch, `values-${copies++}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    writeFileSync(join(dir, 'qa.yaml'), overlay);
    expect(synthProblems(dir).map((line) => line.replace(/^.*?values-\d+\//, ''))).toEqual([expected]);
  });

  it('accepts the same names quoted: text keys', () => {
    const dir = join(scratch, `values-${copies++}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    writeFileSync(join(dir, 'qa.yaml'), "defaults: { env: { 'null': c } }\nprerequisites: { secrets: { worker-qa: { worker-redis: { keys: [password] } } } }\n");
    expect(() => synthProblems(dir)).toThrow(/did not fail/);
  });
});

describe.each(helmVersions)('$label refuses the same keys in a -f file', ({ binary }) => {
  it.each(cases)('$name', ({ chartValues }) => {
    const file = join(scratch, `helm-${copies++}.yaml`);
    writeFileSync(file, chartValues);
    const chart = join(distDir, 'helm', 'api');
    const result = helm(binary, ['template', 'api', chart, '-n', 'api-production', '-f', join(chart, 'values-production.yaml'), '-f', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error converting YAML to JSON: (unsupported map key|yaml: invalid map key)/);
  });
});
