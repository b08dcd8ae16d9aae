/**
 * imports/ is what `npm run import:crds` makes of the CRD schemas in ../shared/kubernetes-json-schema
 * (with the cdk8s-cli of package-lock.json): a change of the list of CRDs, of a schema or of cdk8s-cli
 * shows here until the classes are generated again.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

describe('imports/', () => {
  it('is up to date with scripts/import-crds.mjs', () => {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'import-crds.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (result.error) throw result.error;
    expect(result.stderr).not.toContain('is not what the CRDs give');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('imports/ is up to date');
  }, 120_000);
});
