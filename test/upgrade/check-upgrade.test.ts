/**
 * `npm run check-upgrade`: the committed dist/ upgrades cleanly to a fresh synth; a previous output with
 * another Deployment selector or StatefulSet volumeClaimTemplates fails, naming file, object and field.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { distDir } from '../support/dist';
import { projectRoot } from '../support/helm';

const cli = join(projectRoot, 'build', 'check-upgrade.js');

function checkUpgrade(args: readonly string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch: string[] = [];

/** A scratch copy of dist/ (manifests only). */
function copyOfDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-upgrade-'));
  scratch.push(dir);
  cpSync(join(distDir, 'manifests'), join(dir, 'manifests'), { recursive: true });
  return dir;
}

function editYaml<T>(file: string, change: (object: T) => void): void {
  const object = parse(readFileSync(file, 'utf8')) as T;
  change(object);
  writeFileSync(file, stringify(object));
}

function statefulSet(storage: string): string {
  const labels = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'api-dev' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'postgres:16.4' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } }],
    },
  });
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), 'check-upgrade'], { cwd: projectRoot, encoding: 'utf8' });
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
});

describe('check-upgrade', () => {
  it('accepts a fresh synth over the dist/ committed at HEAD', () => {
    const result = checkUpgrade([]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^check-upgrade: no immutable field changes in [1-9]\d* objects compared with dist\/ at HEAD\n$/);
    expect(result.status).toBe(0);
  });

  it('accepts a fresh synth over the dist/ directory', () => {
    const result = checkUpgrade(['dist']);
    expect(result.stdout).toMatch(/no immutable field changes in [1-9]\d* objects compared with dist\n$/);
    expect(result.status).toBe(0);
  });

  it('refuses a Deployment selector change', () => {
    const previous = copyOfDist();
    editYaml<{ spec: { selector: { matchLabels: Record<string, string> } } }>(join(previous, 'manifests', 'production', 'worker', 'deployment.yaml'), (deployment) => {
      deployment.spec.selector.matchLabels['app.kubernetes.io/component'] = 'worker';
    });
    const result = checkUpgrade([previous]);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^dist\/manifests\/production\/worker\/deployment\.yaml: Deployment worker-production\/worker: spec\.selector is immutable: \{.*"app\.kubernetes\.io\/component":"worker".*\} -> \{.*\}$/,
    );
    expect(lines[1]).toMatch(/^check-upgrade: 1 change\(s\) that cannot be applied in place, in [1-9]\d* objects compared with (.*); Kubernetes would refuse the upgrade or traffic would be cut$/);
    expect(lines[1]).toContain(`compared with ${previous};`);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });

  it('explains the order of a switch from Deployment to Rollout, and back, without refusing it', () => {
    // The previous output: api in production as a Deployment (the pod template of its Rollout), no Rollout.
    const previous = copyOfDist();
    const apiDir = join(previous, 'manifests', 'production', 'api');
    const rollout = parse(readFileSync(join(apiDir, 'rollout.yaml'), 'utf8'));
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: rollout.metadata, spec: { selector: rollout.spec.selector, template: rollout.spec.template } };
    writeFileSync(join(apiDir, 'deployment.yaml'), stringify(deployment));
    rmSync(join(apiDir, 'rollout.yaml'));
    const forward = checkUpgrade([previous]);
    expect(forward.stdout.split('\n')[0]).toBe(
      'dist/manifests/production/api/rollout.yaml: Deployment api-production/api becomes a Rollout: apply the Rollout, its Services and AnalysisTemplates first and wait until it is Healthy (kubectl argo rollouts status api -n api-production), then delete the Deployment (kubectl delete deployment api -n api-production); see README "Switching a running application to a Rollout"',
    );
    expect(forward.stdout).toMatch(/no immutable field changes/);
    expect(forward.status).toBe(0);
    // And back: the previous output is the committed one, the current the edited copy.
    const back = checkUpgrade(['dist', '--current', previous]);
    expect(back.stdout.split('\n')[0]).toBe(
      `${join(previous, 'manifests', 'production', 'api', 'deployment.yaml')}: Rollout api-production/api becomes a Deployment: apply the Deployment first and wait until it is available (kubectl rollout status deployment/api -n api-production), then delete the Rollout (kubectl delete rollout api -n api-production); see README "Switching a running application to a Rollout"`,
    );
    expect(back.status).toBe(0);
    // Nothing to say when nothing switches.
    expect(checkUpgrade(['dist']).stdout).not.toContain('becomes a');
  }, 60_000);

  it('refuses a StatefulSet volumeClaimTemplates change between two output directories', () => {
    const [previous, current] = [copyOfDist(), copyOfDist()];
    writeFileSync(join(previous, 'manifests', 'dev', 'api', 'statefulset.yaml'), statefulSet('10Gi'));
    writeFileSync(join(current, 'manifests', 'dev', 'api', 'statefulset.yaml'), statefulSet('20Gi'));
    const result = checkUpgrade([previous, '--current', current]);
    expect(result.stderr).toContain(`${join(current, 'manifests', 'dev', 'api', 'statefulset.yaml')}: StatefulSet api-dev/db: spec.volumeClaimTemplates is immutable:`);
    expect(result.stderr).toContain('"storage":"10Gi"');
    expect(result.stderr).toMatch(/check-upgrade: 1 change\(s\) that cannot be applied in place/);
    expect(result.status).toBe(1);
  });

  /** A copy of dist/ in which one environment's application entered through the other provider. */
  function withEntryOf(dir: string, from: string, to: string, app: string): void {
    const target = join(dir, 'manifests', to, app);
    for (const file of readdirSync(target).filter((f) => /^(ingress|httproute|backendtrafficpolicy|securitypolicy)/.test(f))) rmSync(join(target, file));
    const source = join(distDir, 'manifests', from, app);
    for (const file of readdirSync(source).filter((f) => /^(ingress|httproute|backendtrafficpolicy|securitypolicy)/.test(f))) {
      writeFileSync(join(target, file), readFileSync(join(source, file), 'utf8').replaceAll(`${app}-${from}`, `${app}-${to}`));
    }
  }

  it('refuses to move an application from Ingress to HTTPRoute in place, and back', { timeout: 60_000 }, () => {
    // dev uses the Gateway API, staging Ingress (values/): give dev's previous output staging's Ingresses.
    const previous = copyOfDist();
    withEntryOf(previous, 'staging', 'dev', 'web');
    const toRoutes = checkUpgrade([previous]);
    expect(toRoutes.stderr).toContain(
      'dist/manifests/dev/web/httproute-https-redirect.yaml: HTTPRoute web-dev/web-https-redirect: kind is a move between traffic providers, not an in-place change (new address, TLS on the Gateway listener): follow the README\'s "Moving between traffic providers": "Ingress web" -> "HTTPRoute web-https-redirect, HTTPRoute web"',
    );
    expect(toRoutes.stderr).toMatch(/check-upgrade: 1 change\(s\) that cannot be applied in place/);
    expect(toRoutes.status).toBe(1);

    const [before, after] = [copyOfDist(), copyOfDist()];
    withEntryOf(before, 'dev', 'staging', 'api');
    const toIngress = checkUpgrade([before, '--current', after]);
    expect(toIngress.stderr).toContain('HTTPRoute api-admin, HTTPRoute api-https-redirect, HTTPRoute api" -> "Ingress api-admin, Ingress api"');
    expect(toIngress.status).toBe(1);
  });

  it('accepts an application whose entry stays on its provider, the monitoring chart included', { timeout: 30_000 }, () => {
    const result = checkUpgrade([copyOfDist(), '--current', copyOfDist()]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    { args: ['no-such-revision'], message: `check-upgrade: no-such-revision is neither a directory nor a git revision of ${projectRoot}` },
    { args: [tmpdir()], message: `check-upgrade: ${tmpdir()} has no manifests/ directory: expected the output of npm run synth` },
    { args: ['--frobnicate'], message: 'check-upgrade: unknown option --frobnicate' },
    { args: ['dist', '--current'], message: 'check-upgrade: --current needs a directory' },
  ])('explains a bad argument: $args', ({ args, message }) => {
    const result = checkUpgrade(args);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(1);
  });
});

describe('check-upgrade: what an upgrade deletes', () => {
  it('names a removed application namespace and what goes with it, without refusing it (no claims)', () => {
    const current = copyOfDist();
    rmSync(join(current, 'manifests', 'dev', 'worker'), { recursive: true });
    const result = checkUpgrade(['dist', '--current', current]);
    expect(result.stdout).toMatch(
      /^manifests\/dev\/worker\/namespace\.yaml \(in dist\): Namespace worker-dev is removed: deleting it deletes everything in it \(\d+ object\(s\) of the output, and whatever else was created there\)\n/,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses removing a namespace that holds volume claims (the monitoring StatefulSets), unless --allow-data-loss', () => {
    const current = copyOfDist();
    rmSync(join(current, 'manifests', 'staging', 'monitoring'), { recursive: true });
    const result = checkUpgrade(['dist', '--current', current]);
    expect(result.stderr).toMatch(
      /^manifests\/staging\/monitoring\/namespace\.yaml \(in dist\): Namespace monitoring is removed: deleting it deletes everything in it \(\d+ object\(s\) of the output, and whatever else was created there\); PersistentVolumeClaims (monitoring\/[a-z-]+-\*(, )?)+ go with it, and their data where the volume's reclaim policy is Delete/,
    );
    // Claims of the Prometheus and Loki StatefulSets (volumeClaimTemplates `data`): <template>-<statefulset>-<ordinal>.
    expect(result.stderr).toContain('monitoring/data-prometheus-*');
    // The node exporters' namespace holds no claim: named on stdout, not refused.
    expect(result.stdout).toContain('Namespace monitoring-node is removed');
    expect(result.stderr).toMatch(
      /check-upgrade: 1 deletion\(s\) that take PersistentVolumeClaims and their data \(--allow-data-loss once the data is saved or not needed\), in \d+ objects compared with dist;/,
    );
    expect(result.status).toBe(1);
    const allowed = checkUpgrade(['dist', '--current', current, '--allow-data-loss']);
    expect(allowed.stdout).toContain('Namespace monitoring is removed');
    expect(allowed.status).toBe(0);
  });

  it('names every object a fullnameOverride renames as deleted and created again (a real synth)', { timeout: 60_000 }, () => {
    const values = mkdtempSync(join(tmpdir(), 'check-upgrade-values-'));
    scratch.push(values);
    cpSync(join(projectRoot, 'values'), values, { recursive: true });
    const dev = parse(readFileSync(join(values, 'dev.yaml'), 'utf8'));
    dev.applications = { ...dev.applications, worker: { ...dev.applications?.worker, fullnameOverride: 'jobs' } };
    writeFileSync(join(values, 'dev.yaml'), stringify(dev));
    const result = checkUpgrade(['dist', '--values', values]);
    const renames = result.stdout.split('\n').filter((line) => line.includes(' is renamed to '));
    expect(renames.length).toBeGreaterThan(5);
    expect(renames).toContain(
      'manifests/dev/worker/deployment.yaml (in dist): Deployment worker-dev/worker is renamed to Deployment worker-dev/jobs: a new object is created and the old one deleted (pruned), not updated',
    );
    expect(renames.every((line) => line.startsWith('manifests/dev/worker/'))).toBe(true);
    // The namespace keeps its name (it comes from the application's key): nothing removed as a whole.
    expect(result.stdout).not.toContain('is removed');
    expect(result.status).toBe(0);
  });
});
