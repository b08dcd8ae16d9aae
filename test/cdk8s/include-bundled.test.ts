/**
 * cdk8s's Include in the compiled program: the bundle in build/ runs cdk8s's `_loadurl.mjs` from its own
 * folder, which scripts/build.mjs puts there (without it, `npm run synth` failed with "Cannot find module
 * build/_loadurl.mjs" as soon as a chart held an Include).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../support/helm';

const bundle = join(projectRoot, 'build', `include-check-${process.pid}.js`);
afterAll(() => rmSync(bundle, { force: true }));

it('an Include works in a program bundled into build/ like the synth', async () => {
  const built = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), 'main'], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  await build({ entryPoints: [join(__dirname, 'fixtures', 'include-entry.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'silent' });
  const run = spawnSync(process.execPath, [bundle, join(__dirname, 'fixtures', 'included.yaml')], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ kind: 'ConfigMap', metadata: expect.objectContaining({ name: 'vendor-settings' }) })]);
}, 60_000); // a build of the synth and a bundle: over vitest's default 5 s on a busy machine
