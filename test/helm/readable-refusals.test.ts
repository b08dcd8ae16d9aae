/**
 * Every refusal says why (issue 22 §3), in synth and in the charts with Helm 3 and Helm 4.
 * - No chart's values.schema.json has a keyword whose Helm message gives no reason: `not` ("Must not
 *   validate the schema (not)", "'not' failed"), `anyOf`/`oneOf` ("Must validate at least one schema"),
 *   `if`. The `not`s are checks of templates/validate-values.yaml (lib/values/readable-schema.ts), in the
 *   words synth uses; the unions are one schema of several types, or an enum.
 * - Each kind of refusal that was one of those gives synth's message, and the same in both Helms (a
 *   check moved to the templates), or a Helm message that names the value and what is expected.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { deepMerge } from '../../lib/values/merge';
import { charts, distDir } from '../support/dist';
import { helm, helmVersions } from '../support/helm';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const UNREADABLE = ['not', 'anyOf', 'oneOf', 'if'];

function keywordsIn(node: unknown, path: string, found: string[]): string[] {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) keywordsIn(item, `${path}/${i}`, found);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      // `properties` names values, not keywords: a value called `not` would be fine.
      if (UNREADABLE.includes(key) && !path.endsWith('/properties')) found.push(`${path}/${key}`);
      keywordsIn(value, `${path}/${key}`, found);
    }
  }
  return found;
}

it.each(charts())('%s: values.schema.json has no not, anyOf, oneOf or if', (chart) => {
  const schema = JSON.parse(readFileSync(join(distDir, 'helm', chart, 'values.schema.json'), 'utf8'));
  expect(keywordsIn(schema, '', [])).toEqual([]);
});

interface Refusal {
  readonly name: string;
  readonly chart: string;
  /** The values section of values/dev.yaml that holds it (an application's, or `monitoring`). */
  readonly section: string;
  /** The values given (YAML flow text for synth, the same as -f for Helm). */
  readonly values: Record<string, unknown>;
  /** What synth and both Helms say (templates/validate-values.yaml), after the section's path. */
  readonly same?: string;
  /** Otherwise: what synth says, and what each Helm's schema message must hold. */
  readonly synth?: string;
  readonly helm?: readonly RegExp[];
}

const SMALL = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } };
const sidecar = (fields: Record<string, unknown>) => ({
  name: 'proxy',
  image: 'envoyproxy/envoy:v1.33.2',
  resources: SMALL,
  probes: { liveness: { type: 'tcp', port: 9000 }, readiness: { type: 'tcp', port: 9000 } },
  ...fields,
});

const refusals: readonly Refusal[] = [
  { name: 'the latest tag', chart: 'api', section: 'applications.api', values: { image: { tag: 'latest' } }, same: 'image.tag: "latest" is not allowed here (pin an exact version, never "latest")' },
  {
    name: 'a sidecar image with the latest tag',
    chart: 'api',
    section: 'applications.api',
    values: { sidecars: [sidecar({ image: 'envoyproxy/envoy:latest' })] },
    same: 'sidecars[0].image: "envoyproxy/envoy:latest" is not allowed here (pin an exact version, never "latest")',
  },
  {
    name: 'the latest tag of a backup image',
    chart: 'worker',
    section: 'applications.worker',
    values: { backups: { images: { rclone: { tag: 'latest' } } } },
    same: 'backups.images.rclone.tag: "latest" is not allowed here (pin an exact version, never "latest")',
  },
  {
    name: 'the latest tag of a monitoring image',
    chart: 'monitoring',
    section: 'monitoring',
    values: { grafana: { image: { tag: 'latest' } } },
    same: 'grafana.image.tag: "latest" is not allowed here (pin an exact version, never "latest")',
  },
  {
    name: 'a label key with a prefix over 253 characters',
    chart: 'api',
    section: 'applications.api',
    values: { podLabels: { [`${'a'.repeat(254)}/x`]: 'v' } },
    same: `podLabels.${'a'.repeat(254)}/x: invalid key: "${'a'.repeat(254)}/x" has a prefix (before "/") of more than 253 characters`,
  },
  {
    name: 'a pod label the chart sets',
    chart: 'worker',
    section: 'applications.worker',
    values: { podLabels: { 'app.kubernetes.io/instance': 'x' } },
    same: 'podLabels.app.kubernetes.io/instance: invalid key: "app.kubernetes.io/instance" is set by the chart itself (app.kubernetes.io/component, app.kubernetes.io/instance, app.kubernetes.io/managed-by, app.kubernetes.io/name, app.kubernetes.io/part-of, app.kubernetes.io/version, helm.sh/chart); choose another key',
  },
  {
    name: 'a cluster-scoped extra object',
    chart: 'api',
    section: 'applications.api',
    values: { extraObjects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }] },
    same: 'extraObjects[0].kind: "Namespace" is a cluster-scoped kind: extra objects go to the release namespace',
  },
  {
    name: 'a PDB minimum that is neither a count nor a percentage',
    chart: 'api',
    section: 'applications.api',
    values: { pdb: { enabled: true, minAvailable: 'half' } },
    synth: 'pdb.minAvailable: expected a percentage of at most 100%, got "half"',
    helm: [/pdb[./]minAvailable/, /does not match pattern/i],
  },
  {
    name: 'an extra port named by digits only',
    chart: 'api',
    section: 'applications.api',
    values: { service: { extraPorts: [{ name: '8081', port: 8081, targetPort: 8081 }] } },
    synth: 'service.extraPorts[0].name: expected a port name: lower-case letters, digits and single "-" between them, at least one letter, at most 15 characters, got "8081"',
    helm: [/service[./]extraPorts[./]0[./]name/, /does not match pattern/i],
  },
  {
    name: 'a preStop hook on a named port other than http',
    chart: 'api',
    section: 'applications.api',
    values: { preStopSleepSeconds: 0, lifecycle: { preStop: { httpGet: { path: '/drain', port: 'admin' } } } },
    synth: 'lifecycle.preStop.httpGet.port: expected http (the application’s port), got "admin"',
    helm: [/lifecycle[./]preStop[./]httpGet[./]port/, /\^http\$/],
  },
  {
    name: 'a team of an unknown component',
    chart: 'monitoring',
    section: 'monitoring',
    values: { alertmanager: { teams: [{ name: 'web', component: 'frontend' }] } },
    synth: 'alertmanager.teams[0].component: expected one of: application, infrastructure, database, security, monitoring, got "frontend"',
    helm: [/alertmanager[./]teams[./]0[./]component/, /application.*infrastructure.*database.*security.*monitoring/],
  },
];

it('synth names the values of a union of literals (gitops.engine)', () => {
  const lines = synthProblems(valuesCopyWith(roots, 'dev.yaml', (text) => `${text}\ngitops: { engine: argo }\n`));
  expect(lines).toContainEqual(expect.stringMatching(/values\/dev\.yaml:\d+:\d+: gitops\.engine: expected one of: argocd, flux, none, got "argo"$/));
});

const roots: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'readable-refusals-'));
roots.push(scratch);
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** values/dev.yaml with `values` under `section` (an application's section, or monitoring). */
function devWith(section: string, values: Record<string, unknown>): string {
  const nested = section.split('.').reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), values);
  return valuesCopyWith(roots, 'dev.yaml', (text) => stringify(deepMerge(parse(text), nested)));
}

describe('synth', () => {
  it.each(refusals.filter((r) => r.same ?? r.synth))('refuses $name', ({ section, values, same, synth }) => {
    const lines = synthProblems(devWith(section, values));
    const expected = `${section}.${same ?? synth}`;
    expect(
      lines.some((line) => line.endsWith(`: ${expected}`)),
      `${lines.join('\n')}\nexpected: ${expected}`,
    ).toBe(true);
  });
});

describe.each(helmVersions)('$label', ({ binary }) => {
  it.each(refusals.map((r, i) => ({ ...r, i })))('refuses $name, saying why', ({ chart, values, same, helm: patterns, i }) => {
    const file = join(scratch, `case-${i}.yaml`);
    writeFileSync(file, stringify(values));
    const chartDir = join(distDir, 'helm', chart);
    const result = helm(binary, ['template', chart, chartDir, '-n', `${chart}-dev`, '-f', join(chartDir, 'values-dev.yaml'), '-f', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    if (same !== undefined) {
      expect(result.stderr.split('\n')[0]).toMatch(/^Error: execution error at \([a-z]+\/templates\/validate-values\.yaml:\d+:\d+\): /);
      expect(result.stderr.split('\n')[0].replace(/^Error: execution error at \([^)]*\): /, '')).toBe(same);
    } else {
      for (const pattern of patterns ?? []) expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\((not|anyOf|oneOf)\)|'(not|anyOf|oneOf)' failed/);
    }
  });
});
