/**
 * The first deploy does not deadlock (issue 19 §3): a migration Job (Helm pre-install/pre-upgrade hook,
 * Argo CD PreSync hook) that reads a Secret the chart itself makes gets a copy of its own, made by a hook
 * before it (lib/secrets/migration-copies.ts), in both outputs; `applications.worker.migration` in
 * production is the case, with its neighbours: envFrom of a made Secret, a SealedSecret sealed
 * namespace-wide, an existing Secret (read as it is), and a strictly sealed SealedSecret (refused by
 * synth and by Helm 3 and 4). Any other hook that reads what the release makes after it is refused by
 * synth's order check (lib/references/resolve.ts), naming Helm's and Argo CD's order.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { withoutHelmOnly, withoutPlainOnly } from '../helm/helm-only';
import { type K8sObject, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { synthInto, synthProblems, valuesCopyWith } from '../support/synth-cli';

const CIPHERTEXT = 'AgCq7Hm2bVx9+TzLpR4sWn8KdE3fJ6gY1uIoPaSdFgHjKlZxCvBnMqWeRtYuIoPz==';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** values/ with `entries` set in production.yaml (YAML paths). */
function productionWith(entries: ReadonlyArray<readonly [readonly string[], unknown]>): string {
  return valuesCopyWith(roots, 'production.yaml', (text) => {
    const doc = parseDocument(text);
    for (const [path, value] of entries) doc.setIn(path, value);
    return doc.toString();
  });
}

const worker = ['applications', 'worker'];
const MIGRATION: readonly [readonly string[], unknown] = [[...worker, 'migration'], { enabled: true, command: ['/app/worker', 'migrate'] }];

describe('the worker’s migration in production reads Secrets its chart makes', () => {
  let out: string;
  let objects: K8sObject[];
  const file = (name: string) => objects.find((o) => (o as K8sObject & { file: string }).file === name);

  beforeAll(() => {
    const values = valuesCopyWith(roots, 'base.yaml', (text) => {
      const doc = parseDocument(text);
      // A second Secret the chart makes, read through envFrom; the Redis password sealed namespace-wide.
      doc.setIn([...worker, 'secrets', 'worker-settings'], {
        externalSecret: { storeRef: { name: 'platform-secrets', kind: 'ClusterSecretStore' }, refreshInterval: '1h', data: [{ secretKey: 'DATABASE_URL', remoteKey: 'shop/worker/settings' }] },
      });
      doc.setIn([...worker, 'secrets', 'worker-redis'], { sealedSecret: { encryptedData: { password: CIPHERTEXT }, scope: 'namespace-wide' } });
      doc.setIn([...worker, 'envFrom'], [{ secretRef: { name: 'worker-settings' } }]);
      return doc.toString();
    });
    const production = join(values, 'production.yaml');
    const doc = parseDocument(readFileSync(production, 'utf8'));
    doc.setIn(MIGRATION[0], MIGRATION[1]);
    writeFileSync(production, doc.toString());
    out = mkdtempSync(join(tmpdir(), 'migration-order-'));
    roots.push(out);
    synthInto(values, out);
    const dir = join(out, 'manifests', 'production', 'worker');
    objects = readdirSync(dir).map((name) => ({ ...(parse(readFileSync(join(dir, name), 'utf8')) as K8sObject), file: name }));
  }, 60_000);

  it('copies exactly the made Secrets it reads, as hooks before the Job in Helm and Argo CD', () => {
    const copies = objects.filter((o) => o.metadata.name.endsWith('-migration') && o.kind !== 'Job' && o.kind !== 'NetworkPolicy');
    expect(copies.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual(['ExternalSecret worker-database-migration', 'ExternalSecret worker-settings-migration', 'SealedSecret worker-redis-migration']);
    const job = file('job-migration.yaml') as K8sObject;
    const jobAnnotations = job.metadata.annotations ?? {};
    for (const copy of copies) {
      const a = copy.metadata.annotations ?? {};
      expect(a['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      expect(Number(a['helm.sh/hook-weight'])).toBeLessThan(Number(jobAnnotations['helm.sh/hook-weight']));
      expect(a['helm.sh/hook-delete-policy']).toBe('before-hook-creation,hook-succeeded');
      expect(a['argocd.argoproj.io/hook']).toBe('PreSync');
      expect(Number(a['argocd.argoproj.io/sync-wave'])).toBeLessThan(Number(jobAnnotations['argocd.argoproj.io/sync-wave']));
      // Not HookSucceeded: Argo CD would delete it (and its Secret) under the running Job (argo-cd#10077).
      expect(a['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
    }
    // The running pods' Secrets are the originals, never hooks.
    for (const name of ['externalsecret-worker-database.yaml', 'externalsecret-worker-settings.yaml', 'sealedsecret-worker-redis.yaml']) {
      expect(file(name)?.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    }
    // The copy of a namespace-wide SealedSecret is unsealed under its own name.
    expect(file('sealedsecret-worker-redis-migration.yaml')?.metadata.annotations?.['sealedsecrets.bitnami.com/namespace-wide']).toBe('true');
    expect(file('sealedsecret-worker-redis.yaml')?.metadata.annotations?.['sealedsecrets.bitnami.com/namespace-wide']).toBe('true');
  });

  it('the Job reads the copies; the Deployment the originals', () => {
    const container = (o: K8sObject) =>
      (o.spec as { template: { spec: { containers: { env?: { valueFrom?: { secretKeyRef?: { name: string } } }[]; envFrom?: { secretRef?: { name: string } }[] }[] } } }).template.spec.containers[0];
    const secretsOf = (o: K8sObject) => [
      ...(container(o).env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
      ...(container(o).envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])),
    ];
    expect(secretsOf(file('job-migration.yaml') as K8sObject).sort()).toEqual(['worker-database-migration', 'worker-redis-migration', 'worker-settings-migration']);
    expect(secretsOf(file('deployment.yaml') as K8sObject).sort()).toEqual(['worker-database', 'worker-redis', 'worker-settings']);
  });

  it.each(helmVersions)('$label renders the same copies and Job from the chart (one template each)', ({ binary }) => {
    const chart = join(out, 'helm', 'worker');
    const rendered = helmTemplate(binary, ['worker', chart, '-f', join(chart, 'values-production.yaml'), '-n', 'worker-production']) as K8sObject[];
    const plain = objects.map(({ file: _, ...o }) => o as K8sObject);
    expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain)));
  });

  it('existing Secrets only: the Job reads them as they are and no copy is made', () => {
    const values = productionWith([MIGRATION, [[...worker, 'secretEnv'], [{ name: 'REDIS_PASSWORD', secretName: 'worker-redis', key: 'password' }]]]);
    const outDir = mkdtempSync(join(tmpdir(), 'migration-existing-'));
    roots.push(outDir);
    synthInto(values, outDir);
    const dir = join(outDir, 'manifests', 'production', 'worker');
    expect(
      readdirSync(dir)
        .filter((name) => name.startsWith('externalsecret-') || name.startsWith('sealedsecret-'))
        .filter((name) => name.endsWith('-migration.yaml')),
    ).toEqual([]);
    expect(readFileSync(join(dir, 'job-migration.yaml'), 'utf8')).toContain('name: worker-redis\n');
  }, 60_000);
});

describe('a migration reading a strictly sealed SealedSecret is refused (its copy could not be unsealed)', () => {
  const message =
    'secrets.worker-redis.sealedSecret.scope: the migration (a Helm pre-install/pre-upgrade and Argo CD PreSync hook) reads this Secret, which the SealedSecret makes only after the hooks (argoproj/argo-cd#9891); its copy for the migration needs ciphertext sealed namespace-wide: kubeseal --scope namespace-wide, then scope: namespace-wide (or give the migration an existing Secret)';

  it('by synth, at the value', () => {
    const values = productionWith([MIGRATION, [[...worker, 'secrets', 'worker-redis'], { sealedSecret: { encryptedData: { password: CIPHERTEXT } } }]]);
    // worker-redis is not in base.yaml's secrets: declare it there too, as every Secret name.
    const withBase = valuesCopyWith(roots, 'base.yaml', (text) =>
      text.replace(
        '    secrets:\n      worker-database:\n',
        '    secrets:\n      worker-redis:\n        sealedSecret: { encryptedData: { password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAx1Zk2JkAbCdEfGhIjKlMnOpQrStUvWxYz== } }\n      worker-database:\n',
      ),
    );
    const production = readFileSync(join(values, 'production.yaml'), 'utf8');
    writeFileSync(join(withBase, 'production.yaml'), production);
    expect(synthProblems(withBase).map((p) => p.replace(/^.*?values\//, 'values/'))).toEqual([
      expect.stringMatching(new RegExp(`^values/production\\.yaml:\\d+:\\d+: applications\\.worker\\.${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)),
    ]);
  }, 60_000);

  it.each(helmVersions)('by $label, in the same words', ({ binary }) => {
    const dir = mkdtempSync(join(tmpdir(), 'migration-strict-'));
    roots.push(dir);
    const values = join(dir, 'values.yaml');
    writeFileSync(
      values,
      // externalSecret: null removes the chart's source (Helm: a null value deletes a key), leaving the SealedSecret alone.
      'migration: { enabled: true, command: [/app/worker, migrate] }\nsecrets:\n  worker-database:\n    externalSecret: null\n    sealedSecret: { encryptedData: { password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAx1Zk2JkAbCdEfGhIjKlMnOpQrStUvWxYz== } }\n',
    );
    const chart = join(process.cwd(), 'dist', 'helm', 'worker');
    const result = helm(binary, ['template', 'worker', chart, '-f', join(chart, 'values-production.yaml'), '-f', values, '-n', 'worker-production']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message.replaceAll('worker-redis', 'worker-database'));
  });
});

describe('any other hook that reads what the release makes after it is refused', () => {
  it('an extra pre-install Job reading the chart’s ExternalSecret: both engines’ order named', () => {
    const values = productionWith([
      [
        [...worker, 'extraObjects'],
        [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'seed', annotations: { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '0' } },
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [{ name: 'seed', image: 'busybox:1.36.1', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'worker-database', key: 'password' } } }] }],
                },
              },
            },
          },
        ],
      ],
    ]);
    const problems = synthProblems(values).map((p) => p.replace(/^.*?values\//, 'values/'));
    expect(problems).toEqual([
      expect.stringMatching(
        /^values\/base\.yaml:\d+:\d+: applications\.worker\.secretEnv\[0\]\.secretName: Job worker-production\/seed is a delivery hook that reads Secret worker-database, which ExternalSecret worker-production\/worker-database makes; Helm creates it as an object of the release, after this pre-install\/pre-upgrade hook \(weight 0\); Argo CD applies it in Sync wave 0, after this hook’s PreSync wave 0: the hook waits for it forever \(Helm docs: Chart Hooks; argoproj\/argo-cd#9891\) \(Job worker-production\/seed at spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.secretKeyRef \(manifests\/production\/worker\/extra-job-seed\.yaml\)\)$/,
      ),
    ]);
  }, 60_000);
});
