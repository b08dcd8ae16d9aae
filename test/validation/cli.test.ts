/** The compiled CLI: one line per finding, a summary, exit code 1 on findings and 0 on a clean set. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, projectRoot, schemaRoot } from './helpers';

let outDir: string;
let cli: string;

// Built alone (not with scripts/build.mjs, which also builds the other entries).
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
  cli = join(outDir, 'validate.js');
  await build({ entryPoints: [join(projectRoot, 'cli', 'validate.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: fixturesDir, encoding: 'utf8', env: { ...process.env, KUBE_SCHEMA_LOCATION: '', ...env } });
  return { status: result.status, stdout: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

const locationFlags = ['--schema-location', schemaRoot, '--schema-location', join(schemaRoot, 'crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json')];

// These cases exercise plain-directory locations against the offline schema copy (../shared); where it
// is absent (e.g. a GitHub runner using KUBE_SCHEMA_LOCATION), they cannot run.
describe.skipIf(!existsSync(schemaRoot))('validate CLI', () => {
  it('exits 0 on a clean set and prints the summary', () => {
    const { status, stdout, stderr } = run([...locationFlags, 'valid']);
    expect(stdout).toEqual(['validated 9 documents (2 Kubernetes versions): 0 schema errors, 0 policy findings, 0 API server findings']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('exits 1 with one line per finding, YAML syntax errors included with their line', () => {
    const { status, stdout, stderr } = run([...locationFlags, '--kubernetes-version', '1.33.0', 'schema/syntax-error.yaml', 'schema/unknown-field.yaml', 'policy/secrets.yaml']);
    expect(stdout).toEqual([
      'schema/syntax-error.yaml:6:8: YAML syntax error: Nested mappings are not allowed in compact mappings',
      'schema/unknown-field.yaml: Service/shop/web (Kubernetes 1.33.0): spec.ports[0].protocoll: unknown field "protocoll"',
      expect.stringMatching(/^policy\/secrets\.yaml: Secret\/shop\/db-password: data: Secret holds values/),
      expect.stringMatching(/^policy\/secrets\.yaml: Secret\/shop\/api-token: stringData: Secret holds values/),
      'validated 4 documents (1 Kubernetes versions): 2 schema errors, 2 policy findings, 0 API server findings',
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(1);
  });

  it('reads locations from KUBE_SCHEMA_LOCATION and skips policies with --no-policy', () => {
    const env = { KUBE_SCHEMA_LOCATION: `${schemaRoot}\n${join(schemaRoot, 'crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json')}` };
    const { status, stdout } = run(['--no-policy', 'policy'], env);
    expect(stdout).toEqual(['validated 20 documents (2 Kubernetes versions): 0 schema errors, 0 policy findings, 0 API server findings']);
    expect(status).toBe(0);
  });

  it('reports a kind without schema as an error', () => {
    const { status, stdout } = run(['--schema-location', schemaRoot, '--kubernetes-version', '1.27.0', '--no-policy', 'valid/monitoring.yaml']);
    expect(stdout).toEqual([
      `valid/monitoring.yaml: ServiceMonitor/shop/web (Kubernetes 1.27.0): no schema for ServiceMonitor monitoring.coreos.com/v1 (looked in: ${schemaRoot}/v1.27.0-standalone-strict/servicemonitor-monitoring-v1.json)`,
      `valid/monitoring.yaml: PrometheusRule/shop/web (Kubernetes 1.27.0): no schema for PrometheusRule monitoring.coreos.com/v1 (looked in: ${schemaRoot}/v1.27.0-standalone-strict/prometheusrule-monitoring-v1.json)`,
      'validated 2 documents (1 Kubernetes versions): 2 schema errors, 0 policy findings, 0 API server findings',
    ]);
    expect(status).toBe(1);
  });

  it('explains bad usage without a stack trace, exit code 2', () => {
    const unknownOption = run(['--schema', 'x']);
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).toMatch(/^validate: Unknown option '--schema'/);
    expect(unknownOption.stderr).not.toMatch(/\n\s+at /);
    const badVersion = run(['--kubernetes-version', '1.27', 'valid']);
    expect(badVersion.stderr).toBe('validate: Kubernetes version "1.27": expected a version such as 1.27.0, or master\n');
    expect(badVersion.status).toBe(2);
  });

  it('reports a missing path as a finding', () => {
    const { status, stdout } = run([...locationFlags, 'does-not-exist']);
    expect(stdout).toEqual(['does-not-exist: cannot read: ENOENT', 'validated 0 documents (2 Kubernetes versions): 1 schema errors, 0 policy findings, 0 API server findings']);
    expect(status).toBe(1);
  });
});

/** A loopback port with nothing listening on it (bound, then closed): connections are refused at once. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('validate CLI without network', () => {
  it('says once that the schemas cannot be fetched and how to use a local copy, exit code 2', async () => {
    const port = await closedLoopbackPort();
    const locations = ['--schema-location', `http://127.0.0.1:${port}/k8s`, '--schema-location', `http://127.0.0.1:${port}/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`];
    const { status, stdout, stderr } = run([...locations, 'valid']);
    expect(stdout).toEqual([]);
    expect(stderr).toBe(
      `validate: cannot fetch the schemas from http://127.0.0.1:${port} (ECONNREFUSED); without network, point --schema-location at a local copy, ` +
        "e.g. --schema-location ../shared/kubernetes-json-schema --schema-location '../shared/kubernetes-json-schema/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'\n",
    );
    expect(status).toBe(2);
  });
});
