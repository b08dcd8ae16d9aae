/**
 * The migration hook's image pull Secrets are Secrets it reads (issue 19 §3): a pull Secret that the
 * chart makes (an ExternalSecret or SealedSecret of `secrets`, given in image.pullSecrets or
 * global.imagePullSecrets) exists only after the pre-install/PreSync hooks, so the Job's pod could not
 * pull its image and the first install never ends. The Job reads the migration's own copy, as it does
 * for secretEnv and envFrom (lib/secrets/migration-copies.ts), in the plain manifests and in the chart
 * with Helm 3 and 4; a strictly sealed one, which cannot be copied, is refused by both.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { distDir, type K8sObject, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';

const CIPHERTEXT = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAx1Zk2JkAbCdEfGhIjKlMnOpQrStUvWxYz==';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const api = ['applications', 'api'];

/** values/ whose api makes the pull Secret `registry` (`source`), read through `where` (image.pullSecrets, or the top-level global). */
function valuesWithPullSecret(source: Record<string, unknown>, where: 'image' | 'global'): string {
  return valuesCopyWith(roots, 'base.yaml', (text) => {
    const doc = parseDocument(text);
    doc.setIn([...api, 'secrets', 'registry'], source);
    if (where === 'image') doc.setIn([...api, 'image', 'pullSecrets'], ['registry']);
    else doc.setIn(['global'], { imagePullSecrets: ['registry'] });
    return doc.toString();
  });
}

const pullSecretsOf = (o: K8sObject) => ((o.spec as { template: { spec: { imagePullSecrets?: { name: string }[] } } }).template.spec.imagePullSecrets ?? []).map((s) => s.name);

describe('a pull Secret the api chart makes, in image.pullSecrets', () => {
  it('the migration Job pulls with its copy, a hook before it; the Deployment with the original; Helm 3 and 4 render the same', () => {
    const external = { externalSecret: { storeRef: { name: 'platform-secrets', kind: 'ClusterSecretStore' }, refreshInterval: '1h', data: [{ secretKey: '.dockerconfigjson', remoteKey: 'shop/registry' }] } };
    const out = mkdtempSync(join(tmpdir(), 'migration-pull-'));
    roots.push(out);
    synthInto(valuesWithPullSecret(external, 'image'), out);
    const dir = join(out, 'manifests', 'production', 'api');
    const objects = readdirSync(dir).map((name) => parse(readFileSync(join(dir, name), 'utf8')) as K8sObject);
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as K8sObject;
    expect(pullSecretsOf(named('Job', 'api-migration'))).toEqual(['registry-migration']);
    expect(pullSecretsOf(named('Rollout', 'api'))).toEqual(['registry']);
    const copy = named('ExternalSecret', 'registry-migration');
    expect(copy.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(copy.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    expect(named('ExternalSecret', 'registry').metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    for (const { binary } of helmVersions) {
      const chart = join(out, 'helm', 'api');
      const rendered = helmTemplate(binary, ['api', chart, '-f', join(chart, 'values-production.yaml'), '-n', 'api-production']) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(objects)));
    }
  }, 120_000);
});

describe.each(['image', 'global'] as const)('a strictly sealed pull Secret the api chart makes, in %s pull Secrets', (where) => {
  it('is refused by synth, at the value', () => {
    const problems = synthProblems(valuesWithPullSecret({ sealedSecret: { encryptedData: { '.dockerconfigjson': CIPHERTEXT } } }, where)).map((p) => p.replace(/^.*?values\//, 'values/'));
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) expect(line).toMatch(/^values\/base\.yaml:\d+:\d+: applications\.api\.secrets\.registry\.sealedSecret\.scope: the migration .* reads this Secret/);
  }, 60_000);
});

describe.each(helmVersions)('$label: the shipped api chart', ({ binary }) => {
  const chart = join(distDir, 'helm', 'api');
  const template = (values: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'migration-pull-helm-'));
    roots.push(dir);
    writeFileSync(join(dir, 'values.yaml'), values);
    return helm(binary, ['template', 'api', chart, '-f', join(chart, 'values-production.yaml'), '-f', join(dir, 'values.yaml'), '-n', 'api-production']);
  };

  it.each([
    ['image.pullSecrets', 'image: { pullSecrets: [api-admin-htpasswd] }'],
    ['global.imagePullSecrets', 'global: { imagePullSecrets: [api-admin-htpasswd] }'],
  ])('a made Secret given to %s: the Job pulls with the copy the chart makes before it', (_, values) => {
    const result = template(values);
    expect(result.status, result.stderr).toBe(0);
    const objects = (result.stdout.split(/^---$/m).map((d) => parse(d)) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);
    expect(pullSecretsOf(objects.find((o) => o.kind === 'Job' && o.metadata.name === 'api-migration') as K8sObject)).toEqual(['api-admin-htpasswd-migration']);
    expect(objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).toContain('api-admin-htpasswd-migration');
  });

  it('a strictly sealed pull Secret is refused with synth’s words', () => {
    const result = template(`image: { pullSecrets: [api-admin-htpasswd] }\nsecrets:\n  api-admin-htpasswd:\n    externalSecret: null\n    sealedSecret: { encryptedData: { auth: ${CIPHERTEXT} } }\n`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('secrets.api-admin-htpasswd.sealedSecret.scope: the migration (a Helm pre-install/pre-upgrade and Argo CD PreSync hook) reads this Secret');
  });
});
