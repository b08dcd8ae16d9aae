/**
 * values.schema.json stops bad values before anything is rendered: `helm template` exits non-zero and
 * says which value is wrong and why. Helm 3 (gojsonschema) and Helm 4 (santhosh-tekuri/jsonschema)
 * word their messages differently; each case holds the meaningful part of both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { charts, distDir } from '../support/dist';
import { helm, helmVersions } from '../support/helm';

type HelmLabel = (typeof helmVersions)[number]['label'];

interface Rejection {
  readonly name: string;
  /** --set arguments. */
  readonly set?: readonly string[];
  /** A values file given with -f. */
  readonly values?: Record<string, unknown>;
  /** What each Helm version says about the value, after "- ". */
  readonly message: Readonly<Record<HelmLabel, string>>;
}

/** Every chart's schema refuses keys it does not know, so that a typo never goes unnoticed. */
const genericRejections: readonly Rejection[] = [
  {
    name: 'an unknown top-level key (--set foo=bar)',
    set: ['foo=bar'],
    message: { 'Helm 3': '(root): Additional property foo is not allowed', 'Helm 4': "at '': additional properties 'foo' not allowed" },
  },
];

/** The application charts share one values schema, hence one list of rejections. */
const appRejections: readonly Rejection[] = [
  {
    name: 'an unknown nested key (--set image.foo=bar)',
    set: ['image.foo=bar'],
    message: { 'Helm 3': 'image: Additional property foo is not allowed', 'Helm 4': "at '/image': additional properties 'foo' not allowed" },
  },
  {
    name: 'a string for an integer (--set replicaCount=abc)',
    set: ['replicaCount=abc'],
    message: { 'Helm 3': 'replicaCount: Invalid type. Expected: integer, given: string', 'Helm 4': "at '/replicaCount': got string, want integer" },
  },
  {
    name: 'a number for a map (-f with resources: 3)',
    values: { resources: 3 },
    message: { 'Helm 3': 'resources: Invalid type. Expected: object, given: integer', 'Helm 4': "at '/resources': got number, want object" },
  },
  {
    name: 'a negative replica count (--set replicaCount=-1)',
    set: ['replicaCount=-1'],
    message: { 'Helm 3': 'replicaCount: Must be greater than or equal to 0', 'Helm 4': "at '/replicaCount': minimum: got -1, want 0" },
  },
  {
    name: 'a negative replica count (-f with replicaCount: -1)',
    values: { replicaCount: -1 },
    message: { 'Helm 3': 'replicaCount: Must be greater than or equal to 0', 'Helm 4': "at '/replicaCount': minimum: got -1, want 0" },
  },
  {
    name: 'an init container name of 64 characters (a container name is a DNS label)',
    values: { initContainers: [{ name: 'c'.repeat(64), image: 'busybox:1.36.1', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } } }] },
    message: { 'Helm 3': 'initContainers.0.name: String length must be less than or equal to 63', 'Helm 4': "at '/initContainers/0/name': maxLength: got 64, want 63" },
  },
  {
    name: 'a fullnameOverride of 39 characters (no room for -allow-ingress-controller within 63)',
    values: { fullnameOverride: 'f'.repeat(39) },
    message: { 'Helm 3': 'fullnameOverride: String length must be less than or equal to 38', 'Helm 4': "at '/fullnameOverride': maxLength: got 39, want 38" },
  },
  {
    name: 'a nameOverride of 53 characters (no room for the -smoke-test label within 63)',
    values: { nameOverride: 'n'.repeat(53) },
    message: { 'Helm 3': 'nameOverride: String length must be less than or equal to 52', 'Helm 4': "at '/nameOverride': maxLength: got 53, want 52" },
  },
];

const rejectionsByChart: Readonly<Record<string, readonly Rejection[]>> = {
  api: appRejections,
  worker: appRejections,
};

const scratch = mkdtempSync(join(tmpdir(), 'helm-rejections-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cases = charts().flatMap((chart) => [...genericRejections, ...(rejectionsByChart[chart] ?? [])].map((rejection, index) => ({ chart, index, rejection, name: rejection.name })));

describe.each(helmVersions)('$label', ({ label, binary }) => {
  it.each(cases)('$chart refuses $name', ({ chart, index, rejection }) => {
    const args = ['template', chart, join(distDir, 'helm', chart)];
    if (rejection.values) {
      const file = join(scratch, `${chart}-${index}.yaml`);
      writeFileSync(file, stringify(rejection.values));
      args.push('-f', file);
    }
    for (const value of rejection.set ?? []) args.push('--set', value);

    const result = helm(binary, args);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe("Error: values don't meet the specifications of the schema(s) in the following chart(s):");
    expect(lines[1]).toBe(`${chart}:`);
    // Exactly one problem: the bad value, nothing reported about the values around it.
    expect(lines.filter((line) => line.startsWith('- '))).toEqual([`- ${rejection.message[label]}`]);
    expect(result.status).toBe(1);
  });
});
