/**
 * `npm run package`: each environment's package of each chart renders, without any -f, the same objects
 * as that environment's plain manifests (as in equivalence.test.ts), and passes `helm lint --strict`,
 * with Helm 3 and Helm 4.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { charts, distDir, environments, type K8sObject, plainObjects, releaseNamespace, sortObjects } from '../support/dist';
import { helm, helmTemplate, helmVersions, projectRoot } from '../support/helm';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';

const outDir = mkdtempSync(join(tmpdir(), 'helm-packages-'));
const cases = environments().flatMap((environment) => charts().map((chart) => ({ environment, chart })));

function runPackage(args: readonly string[], helmBinary: string) {
  const result = spawnSync(process.execPath, [join(projectRoot, 'build', 'package.js'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HELM: helmBinary, HOME: '/nonexistent', HELM_CACHE_HOME: '/tmp/helm-test/cache', HELM_CONFIG_HOME: '/tmp/helm-test/config', HELM_DATA_HOME: '/tmp/helm-test/data' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function packageFile(environment: string, chart: string): string {
  const { name, version } = parse(readFileSync(join(distDir, 'helm', chart, 'Chart.yaml'), 'utf8')) as { name: string; version: string };
  return join(outDir, environment, `${name}-${version}.tgz`);
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), 'package'], { cwd: projectRoot, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  const result = runPackage(['--out', outDir], helmVersions[0].binary);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout.trim().split('\n')).toEqual([...cases.map(({ environment, chart }) => `package: wrote ${packageFile(environment, chart)}`), `package: ${cases.length} package(s) in ${outDir}`]);
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe.each(helmVersions)('$label', ({ binary }) => {
  it.each(cases)('the $environment package of $chart renders the plain manifests without -f', ({ environment, chart }) => {
    const namespace = releaseNamespace(environment, chart);
    const rendered = helmTemplate(binary, [chart, packageFile(environment, chart), '-n', namespace]) as K8sObject[];
    const plain = withoutPlainOnly(plainObjects(environment, chart));
    expect(plain.length).toBeGreaterThan(5);
    expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(plain));
  });

  it.each(cases)('the $environment package of $chart has the chart’s version (no environment in it) and the image it deploys as appVersion', ({ environment, chart }) => {
    const packaged = parse(helm(binary, ['show', 'chart', packageFile(environment, chart)]).stdout) as { version: string; appVersion: string };
    const { version } = parse(readFileSync(join(distDir, 'helm', chart, 'Chart.yaml'), 'utf8')) as { version: string };
    expect(packaged.version).toBe(version);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    // An application's Deployment or Argo Rollout; the monitoring chart's appVersion is its Prometheus.
    const workload = (o: K8sObject) => (chart === 'monitoring' ? o.kind === 'StatefulSet' && o.metadata.name === 'prometheus' : o.kind === 'Deployment' || o.kind === 'Rollout');
    const deployed = plainObjects(environment, chart).find(workload) as K8sObject & { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
    expect(deployed.spec.template.spec.containers[0].image.endsWith(`:${packaged.appVersion}`)).toBe(true);
  });

  it.each(cases)('the $environment package of $chart passes helm lint --strict', ({ environment, chart }) => {
    const result = helm(binary, ['lint', '--strict', packageFile(environment, chart)]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it.each(cases)('the $environment package of $chart has those values as values.yaml and no other values-*.yaml', ({ environment, chart }) => {
    const values = helm(binary, ['show', 'values', packageFile(environment, chart)]);
    expect(values.status).toBe(0);
    expect(values.stdout).toMatch(new RegExp(`^# Values of the ${chart} chart in the ${environment} environment`));
    const files = spawnSync('tar', ['-tzf', packageFile(environment, chart)], { encoding: 'utf8' }).stdout.split('\n');
    expect(files.filter((file) => /\/values-[^/]+\.yaml$/.test(file))).toEqual([`${chart}/values-${environment}.yaml`]);
  });
});

it('the README names the files npm run package writes', () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  expect(readme).toContain('`dist/helm/packages/<env>/<chart>-<version>.tgz`');
  const examples = [...readme.matchAll(/dist\/helm\/packages\/([a-z0-9-]+)\/([a-z0-9-]+)-([^/\s`]+)\.tgz/g)];
  expect(examples.length).toBeGreaterThan(0);
  for (const [, environment, chart, version] of examples) {
    // The version of an example may be older than the chart's: the same form (SemVer, no environment in it).
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(packageFile(environment, chart))).toBe(true);
  }
});

describe('package failures', () => {
  it('explains a missing Helm binary', () => {
    const result = runPackage(['--out', join(outDir, 'without-helm')], '/nonexistent/helm');
    expect(result.stderr).toMatch(/^package: cannot run \/nonexistent\/helm: .*ENOENT\n$/);
    expect(result.status).toBe(1);
  });

  it('refuses a chart whose content has no recorded version (an unreleased -dev. version)', () => {
    const copy = join(outDir, 'unreleased-dist');
    cpSync(distDir, copy, { recursive: true, filter: (source) => !source.includes(`${join('helm', 'packages')}`) });
    const chartYaml = join(copy, 'helm', 'web', 'Chart.yaml');
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, 'version: 0.1.1-dev.0a1b2c3d4e5f'));
    const result = runPackage(['--dist', copy, '--out', join(outDir, 'unreleased')], helmVersions[0].binary);
    expect(result.stderr).toBe('package: web 0.1.1-dev.0a1b2c3d4e5f: content without a recorded version; run npm run chart-versions, then npm run synth\n');
    expect(result.status).toBe(1);
    expect(existsSync(join(outDir, 'unreleased'))).toBe(false);
  });

  it('explains a missing synth output', () => {
    const missing = join(outDir, 'no-dist');
    const result = runPackage(['--dist', missing, '--out', join(outDir, 'unused')], helmVersions[0].binary);
    expect(result.stderr).toBe(`package: --dist ${missing}/: no such folder: run \`npm run synth\` first\n`);
    expect(result.status).toBe(1);
    expect(existsSync(join(outDir, 'unused'))).toBe(false);
  });
});
