/**
 * One command line for every entry (lib/cli/command-line.cjs): `--help` prints the help on stdout with
 * exit code 0 and does nothing else (import:crds regenerates nothing, bench runs nothing, build builds
 * nothing); a mistake is one line naming it, with "did you mean" for a slip, then the usage line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest } from '../../lib/cli/command-line.cjs';
import { projectRoot } from '../support/helm';

/** Each entry: the npm script name and the file node runs. */
const ENTRIES = [
  { name: 'synth', file: 'build/main.js', usageExit: 1 },
  { name: 'validate', file: 'build/validate.js', usageExit: 2 },
  { name: 'package', file: 'build/package.js', usageExit: 1 },
  { name: 'check-upgrade', file: 'build/check-upgrade.js', usageExit: 1 },
  { name: 'diff', file: 'build/diff.js', usageExit: 1 },
  { name: 'chart-versions', file: 'build/chart-versions.js', usageExit: 1 },
  { name: 'build', file: 'scripts/build.mjs', usageExit: 1 },
  { name: 'import:crds', file: 'scripts/import-crds.mjs', usageExit: 1 },
  { name: 'setup:tools', file: 'scripts/setup-tools.mjs', usageExit: 1 },
  { name: 'schema-facts', file: 'scripts/schema-facts.mjs', usageExit: 1 },
  { name: 'bench', file: 'bench/run.mjs', usageExit: 1 },
] as const;

function run(file: string, args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(projectRoot, file), ...args], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What a side effect would change: every file's size and modification time under the folders the entries write. */
function footprint(): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const folder of ['imports', 'build', 'bench', 'dist', '.tools', 'lib/upgrade', 'charts']) {
    const dir = join(projectRoot, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      // V8's code cache of a bundle is rewritten by any run that finds it stale: not a side effect of the command.
      if (path.endsWith('.js.cache')) continue;
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats) seen[path] = `${stats.size}:${stats.mtimeMs}`;
    }
  }
  return seen;
}

describe('--help', () => {
  it.each(ENTRIES)('$name: the help on stdout, exit code 0, nothing else done', ({ name, file }) => {
    const before = footprint();
    for (const flag of ['--help', '-h']) {
      const result = run(file, [flag]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: npm run ${name}( --|$)`));
      expect(result.stdout).toMatch(/^ {2}-h, --help +print this help and exit$/m);
    }
    // Even beside other arguments that would start the work.
    expect(run(file, ['--help', ...(name === 'bench' ? ['--quick'] : name === 'import:crds' ? ['--check'] : [])]).status).toBe(0);
    expect(footprint()).toEqual(before);
  });

  it('npm test -- --help prints its own usage (the vitest arguments it passes on)', () => {
    const result = run('scripts/test.mjs', ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('usage: npm test -- [VITEST ARGUMENT...]');
  });
});

describe('mistakes', () => {
  it.each(ENTRIES)('$name: a misspelt option is named with the closest one, then the usage line', ({ name, file, usageExit }) => {
    const before = footprint();
    const result = run(file, ['--hlep']);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([`${name}: unknown option --hlep (did you mean --help?)`, expect.stringMatching(new RegExp(`^usage: npm run ${name}.*  \\(--help for details\\)$`))]);
    expect(result.status).toBe(usageExit);
    expect(footprint()).toEqual(before);
  });

  it('names the environment meant (synth --env, diff) and the section meant (bench --only)', () => {
    const synth = run('build/main.js', ['--env', 'prodution', '--out', '/tmp/never-written']);
    expect(synth.stderr.split('\n')[0]).toBe('synth: --env prodution: no values/prodution.yaml (did you mean production?) (environments: dev, production, staging)');
    expect(synth.status).toBe(1);
    const diff = run('build/diff.js', ['dev', 'prodution']);
    expect(diff.stderr.split('\n')[0]).toBe('diff: no environment prodution in dist/manifests (did you mean production?) (there: dev, production, staging)');
    expect(diff.status).toBe(1);
    const bench = run('bench/run.mjs', ['--only', 'synht']);
    expect(bench.stderr.split('\n')[0]).toBe('bench: --only synht: no such section (did you mean synth?) (sections: synth, direct, floor, build, scale, scale1000, helm, validate)');
    const build = run('scripts/build.mjs', ['mian']);
    expect(build.stderr.split('\n')[0]).toBe('build: unknown entry mian (did you mean main?) (entries: main, validate, package, check-upgrade, diff, chart-versions)');
    expect(existsSync('/tmp/never-written')).toBe(false);
  });

  it('refuses a value given to a flag and a flag without its value', () => {
    expect(run('build/main.js', ['--quiet=yes']).stderr.split('\n')[0]).toBe('synth: --quiet takes no value');
    expect(run('build/main.js', ['--out']).stderr.split('\n')[0]).toBe('synth: --out needs a value');
    expect(run('build/package.js', ['--dist', '']).stderr.split('\n')[0]).toBe('package: --dist needs a value (DIR)');
  });
});

describe('did you mean', () => {
  it.each([
    ['replicas', ['replicaCount', 'resources', 'image'], 'replicaCount'],
    ['prodution', ['dev', 'production', 'staging'], 'production'],
    ['mian', ['main', 'validate'], 'main'],
    ['wrker', ['api', 'web', 'worker'], 'worker'],
    ['imagePullSecret', ['image', 'imagePullSecrets'], 'imagePullSecrets'],
    ['Replicacount', ['replicaCount'], 'replicaCount'],
  ])('%s -> %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it.each([
    ['dev', ['production', 'staging']],
    ['foo', ['replicaCount', 'image']],
    ['qa', ['dev']],
  ])('%s: nothing close among %s', (word, candidates) => {
    expect(closest(word, candidates)).toBeUndefined();
  });
});

describe('no colour off a terminal', () => {
  it('the commands write no escape code to a pipe, whatever CI says', () => {
    for (const { file } of ENTRIES) {
      const result = run(file, ['--hlep'], { CI: 'true' });
      expect(`${result.stdout}${result.stderr}`).not.toContain(`${String.fromCharCode(27)}[`);
    }
  });
});
