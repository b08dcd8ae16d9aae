/**
 * No secret value in any output: every plain manifest, every file of every Helm chart (values.yaml and
 * each environment's values, templates), and every chart rendered by Helm with every environment's
 * values go through secretlint's recommended preset and the platform's own rules (test/secrets/scan.ts).
 * Planted secrets, through the values a user would write them in, make the scan fail.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { synthesize } from '../../charts/platform';
import { charts, distDir, environments, releaseNamespace } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';
import { type Finding, scanObject, scanText } from './scan';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Findings in a YAML text of objects (manifests, rendered charts, values files). */
async function scanYaml(text: string, where: string): Promise<Finding[]> {
  const found = await scanText(text, where);
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as unknown;
    if (object && typeof object === 'object') found.push(...scanObject(object, where));
  }
  return found;
}

/** Findings in the outputs of a synth (files relative to dist/, as `synthesize` returns them). */
async function scanOutput(files: ReadonlyMap<string, string>): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const [path, text] of files) {
    // Templates are Go template text, not YAML: secretlint reads them as text.
    found.push(...(path.includes('/templates/') || !/\.ya?ml$/.test(path) ? await scanText(text, path) : await scanYaml(text, path)));
  }
  return found;
}

/** A synth of a copy of values/ changed by `plant`, scanned. */
async function plantedFindings(plant: (base: ReturnType<typeof parseDocument>) => void): Promise<Finding[]> {
  const values = join(mkdtempSync(join(tmpdir(), 'planted-')), 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const base = parseDocument(readFileSync(join(values, 'base.yaml'), 'utf8'));
  plant(base);
  writeFileSync(join(values, 'base.yaml'), base.toString());
  return scanOutput(synthesize({ valuesDir: values, environments: ['production'] }));
}

describe('no secret in the outputs', () => {
  it('finds nothing in dist/ (every manifest and every chart file)', async () => {
    const files = new Map(filesUnder(distDir).map((path) => [relative(distDir, path), readFileSync(path, 'utf8')] as const));
    expect(files.size).toBeGreaterThan(400);
    expect(await scanOutput(files)).toEqual([]);
  }, 60_000);

  const [helm3] = helmVersions;
  it.each(charts().flatMap((chart) => environments().map((environment) => ({ chart, environment }))))(
    `finds nothing in $chart rendered by ${helm3.label} with the $environment values`,
    async ({ chart, environment }) => {
      const chartDir = join(distDir, 'helm', chart);
      const result = helm(helm3.binary, ['template', chart, chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', releaseNamespace(environment, chart)]);
      expect(result.status, result.stderr).toBe(0);
      expect(await scanYaml(result.stdout, `${chart}/${environment}`)).toEqual([]);
    },
  );

  it('finds a Secret with data', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: not-a-reference}\n';
    expect((await scanYaml(secret, 'planted.yaml')).map((f) => f.rule)).toContain('platform:secret-with-data');
  });

  it('finds a password written in env (it reaches the ConfigMap)', async () => {
    const planted = await plantedFindings((base) => base.setIn(['applications', 'worker', 'env', 'SMTP_PASSWORD'], 'correct-horse-battery'));
    expect(planted).toContainEqual({
      where: 'manifests/production/worker/configmap.yaml ConfigMap/worker-config',
      rule: 'platform:credential-field',
      message: '.data.SMTP_PASSWORD: a credential written as a literal',
    });
  });

  it('finds credentials in a URL (secretlint basic auth)', async () => {
    const planted = await plantedFindings((base) => base.setIn(['defaults', 'env', 'UPSTREAM_URL'], 'http://collector:s3cr3tpassw0rd@upstream.shop.internal:8080'));
    expect(planted.map((f) => f.rule)).toContain('secretlint:@secretlint/secretlint-rule-basicauth');
    expect(planted.some((f) => f.where === 'manifests/production/api/configmap.yaml')).toBe(true);
  });

  it('finds a private key in an annotation (secretlint) and a token assigned in an annotation text', async () => {
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi4ZJ8j4UFXzMW1V5qHgh0Xfu3T', 'g1hxS/1qNJNqXe3yXn8sXwFvC5H4uhO0JX1jOs0Qq0jGCw==', '-----END RSA PRIVATE KEY-----'].join(
      '\n',
    );
    const planted = await plantedFindings((base) => {
      base.setIn(['applications', 'api', 'podAnnotations', 'example.com/key'], key);
      base.setIn(['applications', 'api', 'podAnnotations', 'example.com/config'], 'url=https://hooks.example.com token=9f8e7d6c5b4a39281706');
    });
    expect(planted.map((f) => f.rule)).toContain('secretlint:@secretlint/secretlint-rule-privatekey');
    // In the pod template of api's workload: a Deployment, or the Argo Rollout of a canary or blue-green release.
    expect(planted).toContainEqual(
      expect.objectContaining({ where: expect.stringMatching(/^manifests\/production\/api\/(deployment\.yaml Deployment|rollout\.yaml Rollout)\/api$/), rule: 'platform:credential-assignment' }),
    );
  });

  it('accepts references: secretKeyRef, *_file settings, secret names and keys', () => {
    const deployment = {
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }], config: 'smtp_auth_password_file: /etc/secrets/smtp\npassword = $__file{/etc/secrets/p}' },
    };
    expect(scanObject(deployment, 'x')).toEqual([]);
    expect(scanObject({ ...deployment, spec: { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] } }, 'x')).toHaveLength(1);
  });
});
