/**
 * Environments may differ in shape: an application that one environment does not monitor, a second
 * ingress host in one environment, the ingress off in another. Synth accepts every environment whose
 * values are valid, and the monitoring chart renders each of them with Helm 3 and Helm 4 exactly as the
 * plain manifests (the generated Prometheus configuration has one variant per shape).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../../charts/platform';
import { withoutHelmOnly, withoutPlainOnly } from '../../helm/helm-only';
import { type K8sObject, sortObjects } from '../../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../../support/helm';

interface Variant {
  readonly name: string;
  /** Edits of values/<file>: text replaced, or appended when `find` is omitted. */
  readonly edits: ReadonlyArray<{ readonly file: string; readonly find?: string; readonly replace: string }>;
  /** What must be true of the plain Prometheus configuration of an environment. */
  readonly check: (prometheusYml: Record<string, string>) => void;
}

const variants: readonly Variant[] = [
  {
    name: 'a second ingress host for api in staging only (issue input)',
    edits: [
      {
        file: 'staging.yaml',
        // Under the api section staging.yaml already has (blue-green there).
        find: '\n  api:\n    rollout:\n',
        replace:
          '\n  api:\n    ingress:\n      hosts:\n        - { host: "{app}.{domain}", paths: [{ path: /, pathType: Prefix }] }\n        - { host: api2.staging.example.com, paths: [{ path: /, pathType: Prefix }] }\n    rollout:\n',
      },
    ],
    check: (config) => {
      expect(config.staging).toContain('http://api2.staging.example.com/'); // not a TLS host
      expect(config.production).not.toContain('api2');
    },
  },
  {
    name: 'the ingress of api off in dev',
    edits: [{ file: 'dev.yaml', replace: '\napplications:\n  api:\n    ingress: { enabled: false }\n' }],
    check: (config) => {
      expect(config.dev).not.toContain('https://api.dev.example.com');
      expect(config.staging).toContain('https://api.staging.example.com');
    },
  },
  {
    name: 'the monitoring routes off in dev (Gateway API) and staging (Ingress)',
    edits: [
      { file: 'dev.yaml', find: '  ingress: { host: ops.dev.example.com }\n', replace: '  ingress: { enabled: false, host: ops.dev.example.com }\n' },
      { file: 'staging.yaml', find: '  ingress:\n    host: ops.staging.example.com', replace: '  ingress:\n    enabled: false\n    host: ops.staging.example.com' },
    ],
    check: (config) => {
      // No route, no entry in the NetworkPolicies (the Helm comparison below); the sub paths stay.
      for (const env of ENVIRONMENTS) expect(config[env]).toContain('path_prefix: /alertmanager');
    },
  },
  {
    name: 'worker not monitored in dev (issue input)',
    edits: [{ file: 'dev.yaml', replace: '\napplications:\n  worker:\n    metrics: { enabled: false }\n' }],
    check: (config) => {
      expect(config.dev).not.toContain('worker-dev');
      expect(config.production).toContain('worker-production');
    },
  },
];

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function synthesizeVariant(variant: Variant): string {
  const root = mkdtempSync(join(tmpdir(), 'environment-shapes-'));
  roots.push(root);
  const values = join(root, 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  for (const { file, find, replace } of variant.edits) {
    const text = readFileSync(join(values, file), 'utf8');
    const edited = find === undefined ? text + replace : text.replace(find, replace);
    if (edited === text) throw new Error(`the edit of ${file} changed nothing`);
    writeFileSync(join(values, file), edited);
  }
  for (const [path, content] of synthesize({ valuesDir: values })) {
    mkdirSync(dirname(join(root, 'dist', path)), { recursive: true });
    writeFileSync(join(root, 'dist', path), content);
  }
  return join(root, 'dist');
}

function plain(dist: string, environment: string): K8sObject[] {
  const dir = join(dist, 'manifests', environment, 'monitoring');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
}

const synthesized = new Map<Variant, string>();
/** The variant's output directory, synthesized on first use (a failure fails the tests that need it). */
function distOf(variant: Variant): string {
  if (!synthesized.has(variant)) synthesized.set(variant, synthesizeVariant(variant));
  return synthesized.get(variant)!;
}

describe.each(variants)('$name', (variant) => {
  it('synthesizes, and the Prometheus configuration follows each environment', () => {
    const dist = distOf(variant);
    const config = Object.fromEntries(
      ENVIRONMENTS.map((env) => [env, (plain(dist, env).find((o) => o.metadata.name === 'prometheus-config') as unknown as { data: Record<string, string> }).data['prometheus.yml']]),
    );
    variant.check(config);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(ENVIRONMENTS)('renders the monitoring chart for %s as the plain manifests', (environment) => {
      const dist = distOf(variant);
      const chartDir = join(dist, 'helm', 'monitoring');
      const rendered = helmTemplate(binary, ['monitoring', chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', 'monitoring']) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(dist, environment))));
    });
  });
});
