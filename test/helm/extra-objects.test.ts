/**
 * extraObjects (lib/app/extra-objects.ts): whole objects from values in both outputs, in the release
 * namespace with the chart's labels; the same objects with Helm 3 and Helm 4; strict schema validation
 * and the policy checks over them; and the refusals (a kind and name of the chart's own, a cluster-scoped
 * kind, a label the chart sets, two of one kind and name) in synth, with file and line, and in Helm.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { distDir, type K8sObject, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { synthInto, synthProblems } from '../support/synth-cli';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';

const EXTRA_IN_DEV = `
applications:
  api:
    extraObjects:
      - apiVersion: v1
        kind: ConfigMap
        metadata: { name: api-feature-flags, labels: { team: checkout } }
        data: { CHECKOUT_V2: "true", LIMIT: "10" }
      - apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: { name: api-read-config, annotations: { owner: checkout } }
        rules:
          - { apiGroups: [""], resources: [configmaps], resourceNames: [api-feature-flags], verbs: [get, watch] }
`;

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A copy of values/ with `text` appended to dev.yaml. */
function valuesWithDev(text: string): string {
  const root = mkdtempSync(join(tmpdir(), 'extra-objects-'));
  roots.push(root);
  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  writeFileSync(join(root, 'values', 'dev.yaml'), readFileSync(join(root, 'values', 'dev.yaml'), 'utf8') + text);
  return join(root, 'values');
}

describe('extra objects of api in dev', () => {
  let dist: string;
  beforeAll(() => {
    const valuesDir = valuesWithDev(EXTRA_IN_DEV);
    dist = join(dirname(valuesDir), 'dist');
    synthInto(valuesDir, dist);
  });
  const plain = (environment: string): K8sObject[] => {
    const dir = join(dist, 'manifests', environment, 'api');
    return readdirSync(dir)
      .sort()
      .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
  };

  it('are in the plain manifests, one file each, in the release namespace with the chart’s labels beside their own', () => {
    expect(readdirSync(join(dist, 'manifests', 'dev', 'api')).filter((file) => file.startsWith('extra-'))).toEqual(['extra-configmap-api-feature-flags.yaml', 'extra-role-api-read-config.yaml']);
    const flags = plain('dev').find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'api-feature-flags');
    expect(flags).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'api-feature-flags',
        namespace: 'api-dev',
        labels: { team: 'checkout', 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s' },
      },
      data: { CHECKOUT_V2: 'true', LIMIT: '10' },
    });
    const role = plain('dev').find((o) => o.kind === 'Role')!;
    expect(role.metadata.annotations).toEqual({ owner: 'checkout' });
    expect(plain('production').some((o) => o.metadata.name === 'api-feature-flags')).toBe(false);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(['dev', 'production'])('renders api in %s as the plain manifests', (environment) => {
      const chartDir = join(dist, 'helm', 'api');
      const rendered = helmTemplate(binary, ['api', chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `api-${environment}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment))));
    });
  });

  it('pass strict schema validation and the policy checks', async () => {
    const { documents, problems } = await loadManifests([join(dist, 'manifests', 'dev', 'api')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });

  it('are checked by strict schema validation like any object: an unknown field is reported', async () => {
    const bad = valuesWithDev(EXTRA_IN_DEV.replace('data: { CHECKOUT_V2: "true", LIMIT: "10" }', 'dta: { CHECKOUT_V2: "true" }'));
    const out = join(dirname(bad), 'dist');
    synthInto(bad, out);
    const { documents } = await loadManifests([join(out, 'manifests', 'dev', 'api', 'extra-configmap-api-feature-flags.yaml')]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding).join('\n')).toMatch(/dta/);
  });
});

const refusals = [
  {
    name: 'an object of the chart’s kind and name',
    object: '{ apiVersion: v1, kind: ConfigMap, metadata: { name: api-config }, data: { A: b } }',
    synth: /^.*values\/dev\.yaml:\d+:\d+: applications\.api\.extraObjects\[0\]\.metadata\.name: ConfigMap api-config is already an object of the chart \(configmap\.yaml\)$/,
    helm: 'extraObjects[0].metadata.name: ConfigMap api-config is already an object of the chart (configmap.yaml)',
  },
  {
    name: 'a cluster-scoped kind',
    object: '{ apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: { name: api-reader }, rules: [] }',
    synth: /values\/dev\.yaml:\d+:\d+: applications\.api\.extraObjects\[0\]\.kind: "ClusterRole" is a cluster-scoped kind: extra objects go to the release namespace$/,
    helm: 'extraObjects[0].kind: "ClusterRole" is a cluster-scoped kind: extra objects go to the release namespace',
  },
  {
    name: 'a label the chart sets',
    object: '{ apiVersion: v1, kind: ConfigMap, metadata: { name: flags, labels: { app.kubernetes.io/instance: other } }, data: {} }',
    synth: /values\/dev\.yaml:\d+:\d+: applications\.api\.extraObjects\[0\]\.metadata\.labels\.app\.kubernetes\.io\/instance: is set by the chart: remove it$/,
    helm: 'extraObjects[0].metadata.labels.app.kubernetes.io/instance: is set by the chart: remove it',
  },
  {
    name: 'a namespace of its own',
    object: '{ apiVersion: v1, kind: ConfigMap, metadata: { name: flags, namespace: kube-system }, data: {} }',
    synth: /values\/dev\.yaml:\d+:\d+: applications\.api\.extraObjects\[0\]\.metadata\.namespace: unknown key \(expected one of: name, labels, annotations\)$/,
    helm: /namespace/,
  },
];

describe('refusals', () => {
  it.each(refusals)('synth refuses $name, with file and line', ({ object, synth }) => {
    const lines = synthProblems(valuesWithDev(`applications:\n  api:\n    extraObjects:\n      - ${object}\n`));
    expect(
      lines.some((line) => synth.test(line)),
      lines.join('\n'),
    ).toBe(true);
  });

  it('synth refuses two objects of one kind and name', () => {
    const object = '{ apiVersion: v1, kind: ConfigMap, metadata: { name: flags }, data: {} }';
    const lines = synthProblems(valuesWithDev(`applications:\n  api:\n    extraObjects:\n      - ${object}\n      - ${object}\n`));
    expect(lines).toContainEqual(expect.stringMatching(/applications\.api\.extraObjects\[1\]\.metadata\.name: ConfigMap flags is already an earlier extra object$/));
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(refusals)('refuses $name', ({ object, helm: message }) => {
      const scratch = mkdtempSync(join(tmpdir(), 'extra-objects-helm-'));
      roots.push(scratch);
      const file = join(scratch, 'values.yaml');
      writeFileSync(file, `extraObjects:\n  - ${object}\n`);
      const chartDir = join(distDir, 'helm', 'api');
      const result = helm(binary, ['template', 'api', chartDir, '-n', 'api-dev', '-f', join(chartDir, 'values-dev.yaml'), '-f', file]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      if (typeof message === 'string') expect(result.stderr).toContain(message);
      else expect(result.stderr).toMatch(message);
    });
  });
});
