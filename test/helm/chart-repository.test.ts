/**
 * Packages in Helm repositories (issue 22 §2): two builds of the platform, the second changing api and
 * recording its next version (npm run chart-versions), packaged per environment (npm run package) into
 * one repository per environment, indexed by the real `helm repo index` and served on loopback HTTP.
 * With Helm 3 and Helm 4, `helm search repo` and `helm pull` agree in every environment: the latest api
 * is the same version everywhere, the newest build's, and each environment's package holds that
 * environment's values; the older version stays listed with --versions.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VERSIONS_FILE, bumpChartVersions, chartDigests, chartVersionsText, readChartVersions } from '../../lib/helm/chart-versions';
import { packageCharts } from '../../lib/helm/package';
import { synthesize } from '../../charts/platform';
import { distDir } from '../support/dist';
import { helmVersions, projectRoot } from '../support/helm';

const run = promisify(execFile);
const ENVIRONMENTS = ['dev', 'production'];
const root = mkdtempSync(join(tmpdir(), 'chart-repository-'));
const repository = join(root, 'repository');
let server: Server;
let url: string;
const recorded = readChartVersions(join(projectRoot, VERSIONS_FILE));
let newest: string;

/** Packages of `dist` (npm run package's library), copied into the repository's folder of each environment. */
function publish(dist: string, name: string): void {
  const out = join(root, `packages-${name}`);
  packageCharts({ distDir: dist, outDir: out, helm: helmVersions[0].binary });
  for (const environment of ENVIRONMENTS) {
    mkdirSync(join(repository, environment), { recursive: true });
    for (const file of readdirSync(join(out, environment))) cpSync(join(out, environment, file), join(repository, environment, file));
  }
}

beforeAll(async () => {
  // Build 1: the committed output.
  publish(distDir, 'first');
  // Build 2: api changed (its migration's backoffLimit), its next version recorded, synthesized and packaged.
  const values = join(root, 'values');
  cpSync(join(projectRoot, 'values'), values, { recursive: true });
  const base = join(values, 'base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace('      command: [/app/shop-api, migrate, up]\n', '      command: [/app/shop-api, migrate, up]\n      backoffLimit: 2\n'));
  const { versions, changes } = bumpChartVersions(recorded, chartDigests(synthesize({ valuesDir: values })));
  expect(changes.map((c) => c.chart)).toEqual(['api']);
  newest = versions.get('api')?.version as string;
  const versionsFile = join(root, 'versions.yaml');
  writeFileSync(versionsFile, chartVersionsText(versions));
  const second = join(root, 'dist-second');
  for (const [path, content] of synthesize({ valuesDir: values, chartVersionsFile: versionsFile })) {
    mkdirSync(join(second, path, '..'), { recursive: true });
    writeFileSync(join(second, path), content);
  }
  publish(second, 'second');
  // One repository per environment, indexed by Helm, served on loopback.
  server = createServer((request, response) => {
    try {
      const body = readFileSync(join(repository, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/\.\./g, '')));
      response.writeHead(200).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const environment of ENVIRONMENTS)
    await run(helmVersions[0].binary, ['repo', 'index', join(repository, environment), '--url', `${url}/${environment}`], { env: { PATH: process.env.PATH ?? '', HOME: root } });
}, 240_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe.each(helmVersions)('$label', ({ label, binary }) => {
  const home = join(root, label.replace(' ', ''));
  const env = () => ({ PATH: process.env.PATH ?? '', HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') });
  const helm = async (args: string[]) => (await run(binary, args, { env: env() })).stdout;

  beforeAll(async () => {
    for (const environment of ENVIRONMENTS) await helm(['repo', 'add', environment, `${url}/${environment}`]);
  }, 60_000);

  it('the index of each environment lists both builds of api, with versions and no environment in them', () => {
    for (const environment of ENVIRONMENTS) {
      const index = parse(readFileSync(join(repository, environment, 'index.yaml'), 'utf8')) as { entries: Record<string, Array<{ version: string; appVersion: string }>> };
      expect(index.entries.api.map((entry) => entry.version).sort(semver.compare)).toEqual([recorded.get('api')?.version, newest]);
      for (const entries of Object.values(index.entries)) for (const entry of entries) expect(semver.valid(entry.version)).toBe(entry.version);
    }
  });

  it('helm search repo shows the same latest api everywhere, the newest build', async () => {
    const latest = await Promise.all(
      ENVIRONMENTS.map(
        async (environment) =>
          (JSON.parse(await helm(['search', 'repo', `${environment}/api`, '--output', 'json'])) as Array<{ name: string; version: string }>).find((c) => c.name === `${environment}/api`)?.version,
      ),
    );
    expect(latest).toEqual(ENVIRONMENTS.map(() => newest));
    expect(semver.gt(newest, recorded.get('api')?.version as string)).toBe(true);
    const all = JSON.parse(await helm(['search', 'repo', 'dev/api', '--versions', '--output', 'json'])) as Array<{ name: string; version: string }>;
    expect(all.filter((c) => c.name === 'dev/api').map((c) => c.version)).toEqual([newest, recorded.get('api')?.version]);
  });

  it('helm pull fetches that version, with its environment’s values', async () => {
    for (const environment of ENVIRONMENTS) {
      const destination = join(home, 'pulled', environment);
      mkdirSync(destination, { recursive: true });
      await helm(['pull', `${environment}/api`, '--destination', destination]);
      expect(readdirSync(destination)).toEqual([`api-${newest}.tgz`]);
      const values = await helm(['show', 'values', join(destination, `api-${newest}.tgz`)]);
      expect(values).toMatch(new RegExp(`^# Values of the api chart in the ${environment} environment`));
      expect(values).toContain('backoffLimit: 2');
    }
  });
});
