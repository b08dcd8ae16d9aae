/**
 * Chart versions move with content (lib/helm/chart-files.ts): <base version>+<digest of the chart's
 * other files>. The same values give the same versions; a change to one application's values changes
 * that chart's version and no other; packages add the environment (package.test.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../charts/platform';
import { projectRoot } from '../support/helm';

const root = mkdtempSync(join(tmpdir(), 'chart-version-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const versions = (files: Map<string, string>) =>
  Object.fromEntries([...files].filter(([path]) => /^helm\/[^/]+\/Chart\.yaml$/.test(path)).map(([path, text]) => [path.split('/')[1], (parse(text) as { version: string }).version]));

it('a chart’s version changes with its content, and only then', () => {
  const before = versions(synthesize({ valuesDir: join(projectRoot, 'values') }));
  expect(versions(synthesize({ valuesDir: join(projectRoot, 'values') }))).toEqual(before);
  for (const version of Object.values(before)) expect(version).toMatch(/^0\.1\.0\+[0-9a-f]{12}$/);

  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  const base = join(root, 'values', 'base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace('    env:\n      QUEUE_NAME: orders\n', '    env:\n      QUEUE_NAME: orders-v2\n'));
  const after = versions(synthesize({ valuesDir: join(root, 'values') }));
  expect(after.worker).not.toBe(before.worker);
  expect({ ...after, worker: undefined }).toEqual({ ...before, worker: undefined });
  // Three whole synths: over 5 s when the machine is shared.
}, 30_000);
