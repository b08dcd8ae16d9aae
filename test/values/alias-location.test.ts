/**
 * A problem in a value written through a YAML alias is located at the alias (issue 20, "every refusal
 * names a file and a line", and the right one): the path through `*name` was not found in the overlay,
 * and the problem was reported at the same path under `defaults` in base.yaml, a line that holds a
 * valid value.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../support/helm';
import { synthProblems } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'alias-location-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it.each([
  [
    'a map reused under another key',
    "applications:\n  worker:\n    migration: { resources: &over { requests: { cpu: '3' }, limits: { cpu: '2' } } }\n    waitForDependencies: { resources: *over }\n",
    [
      'qa.yaml:3:49: applications.worker.migration.resources.requests.cpu: expected at most the limit (2), got 3',
      'qa.yaml:4:39: applications.worker.waitForDependencies.resources.requests.cpu: expected at most the limit (2), got 3',
    ],
  ],
  [
    'a map reused by another application',
    'applications:\n  worker: { env: &env { A: 1 } }\n  api: { env: *env }\n',
    ['qa.yaml:2:25: applications.worker.env.A: expected a string, got 1', 'qa.yaml:3:15: applications.api.env.A: expected a string, got 1'],
  ],
])('%s: at the alias', (_, overlay, expected) => {
  const dir = join(scratch, `values-${expected.length}-${overlay.length}`);
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  writeFileSync(join(dir, 'qa.yaml'), `${overlay}prerequisites: { secrets: { worker-qa: { worker-redis: { keys: [password] } } } }\n`);
  expect(
    synthProblems(dir)
      .map((line) => line.replace(/^.*?values-[\w-]+\//, ''))
      .sort(),
  ).toEqual([...expected].sort());
});
