/**
 * The Debian packages the tests need are listed three times: .ci/run (CI on a fresh machine), the GitHub
 * workflow and the README's first lines (what a newcomer runs). A package added to one and not the
 * others gives a green run on one machine and a missing program on another: the lists must be equal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../support/helm';

/** The package names of the first `apt-get install` command in `text` (options and shell continuations left out). */
function aptPackages(text: string): string[] {
  const command = /apt-get install((?:\\\n|[^\n&|>\\])*)/.exec(text)?.[1] ?? '';
  return command
    .replace(/\\\n/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '' && !word.startsWith('-'))
    .sort();
}

describe('the Debian packages the tests use', () => {
  const ci = aptPackages(readFileSync(join(projectRoot, '.ci/run'), 'utf8'));
  const workflow = parse(readFileSync(join(projectRoot, '.github/workflows/ci.yml'), 'utf8')) as { jobs: { test: { steps: Array<{ run?: string }> } } };
  const workflowPackages = aptPackages(workflow.jobs.test.steps.map((step) => step.run ?? '').join('\n'));
  const readme = aptPackages(readFileSync(join(projectRoot, 'README.md'), 'utf8').split('\n').slice(0, 8).join('\n'));

  it('are installed by .ci/run, among them the programs the data store and backup tests start', () => {
    expect(ci).toEqual(expect.arrayContaining(['prometheus', 'prometheus-alertmanager', 'postgresql', 'rclone', 'redis-server', 'prometheus-postgres-exporter']));
  });

  it('are the same in the GitHub workflow and in the README’s first lines', () => {
    expect(workflowPackages).toEqual(ci);
    expect(readme).toEqual(ci);
  });
});
