/**
 * The committed manifests pass strict schema validation for Kubernetes 1.27 and 1.33 (and the CRD
 * schemas) and the platform policy checks (schema locations: test/support/schemas.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { schemaLocations } from '../support/schemas';
import { projectRoot } from '../support/helm';

describe('dist/manifests', () => {
  it('has no schema error and no policy finding', { timeout: 30_000 }, async () => {
    const { documents, problems } = await loadManifests([join(projectRoot, 'dist', 'manifests')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
    // What the API server would refuse: the CRDs' CEL rules, every one of them evaluated.
    expect(result.apiServerFindings.map(formatFinding)).toEqual([]);
    expect(result.celRules.unevaluated).toEqual([]);
    expect(result.celRules.reached).toBeGreaterThan(10);
    expect(result.documents).toBeGreaterThan(100);
  });

  it('`npm run validate` (the CLI) agrees and exits 0', { timeout: 30_000 }, () => {
    const cli = join(projectRoot, 'build', 'validate.js');
    expect(existsSync(cli), 'build/validate.js: run `node scripts/build.mjs`').toBe(true);
    const result = spawnSync(process.execPath, [cli, ...schemaLocations.flatMap((l) => ['--schema-location', l])], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, KUBE_SCHEMA_LOCATION: '' },
    });
    expect(result.stdout).toMatch(/validated \d+ documents \(2 Kubernetes versions\): 0 schema errors, 0 policy findings, 0 API server findings/);
    expect(result.stdout).toMatch(/CEL rules of the CRDs present: \d+, \d+ reached by the objects \(\d+ evaluated, 0 not evaluated, 1 for updates only\)/);
    expect(result.status).toBe(0);
  });
});
