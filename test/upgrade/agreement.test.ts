/**
 * `npm run diff` and `npm run check-upgrade` apply one set of upgrade rules (lib/upgrade/delivery.ts
 * refusedChanges): on the same two outputs they agree. The migration Job's pod template changes on every
 * image bump: under Argo CD (the shipped environments) it is a hook deleted and created again, so both
 * accept it (diff marks it RECREATED); applied with kubectl (no GitOps objects) both refuse it. A Rollout's
 * selector (Argo Rollouts 1.9) is refused by both.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir } from '../support/dist';
import { projectRoot } from '../support/helm';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs'), 'check-upgrade', 'diff'], { cwd: projectRoot, encoding: 'utf8' });
  expect(build.stderr).toBe('');
});

/**
 * A git repository holding a copy of dist/ (manifests, and the GitOps objects unless `gitops` is false)
 * committed once, then changed by `change` in the working tree.
 */
function repository(change: (dist: string) => void, gitops = true): string {
  const repo = mkdtempSync(join(tmpdir(), 'review-agree-'));
  scratch.push(repo);
  cpSync(join(distDir, 'manifests', 'production'), join(repo, 'dist', 'manifests', 'production'), { recursive: true });
  if (gitops) cpSync(join(distDir, 'environments', 'production', 'gitops'), join(repo, 'dist', 'environments', 'production', 'gitops'), { recursive: true });
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  for (const args of [
    ['init', '-q'],
    ['add', '.'],
    ['commit', '-qm', 'before'],
  ])
    expect(git(...args).status).toBe(0);
  change(join(repo, 'dist'));
  return repo;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  expect(changed).not.toBe(text);
  writeFileSync(file, changed);
}

/** Both commands on one repository: diff --since HEAD, and check-upgrade of HEAD's dist/ against the working tree's. */
function both(repo: string) {
  const run = (entry: string, args: string[]) => spawnSync(process.execPath, [join(projectRoot, 'build', `${entry}.js`), ...args], { cwd: repo, encoding: 'utf8' });
  return { diff: run('diff', ['--since', 'HEAD']), check: run('check-upgrade', ['HEAD', '--current', 'dist']) };
}

const bumpMigration = (dist: string) => edit(join(dist, 'manifests', 'production', 'api', 'job-migration.yaml'), 'shop-api:1.4.2', 'shop-api:1.5.0');

describe('diff and check-upgrade agree', () => {
  it('the migration Job of an image bump under Argo CD: recreated, accepted by both', () => {
    const { diff, check } = both(repository(bumpMigration));
    expect(diff.stdout).toContain('~ Job api-production/api-migration  (manifests/production/api/job-migration.yaml)  RECREATED: a hook Argo CD deletes before creating it again (BeforeHookCreation)');
    expect(diff.stdout).toContain('spec.template.spec.containers[name=migration].image: "ghcr.io/example/shop-api:1.4.2" -> "ghcr.io/example/shop-api:1.5.0"\n');
    expect(diff.stdout).not.toContain('IMMUTABLE');
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/^check-upgrade: no immutable field changes in \d+ objects compared with /);
    expect(check.status).toBe(0);
  }, 30_000);

  it('the same bump applied with kubectl (no GitOps engine): refused by both, with the way past it', () => {
    const { diff, check } = both(repository(bumpMigration, false));
    expect(diff.stdout).toContain('~ Job api-production/api-migration  (manifests/production/api/job-migration.yaml)  IMMUTABLE FIELDS CHANGED');
    expect(diff.stdout).toContain('IMMUTABLE: spec.template is immutable (kubectl apply updates this hook in place: kubectl delete job api-migration -n api-production before applying');
    expect(check.stderr).toContain(
      'dist/manifests/production/api/job-migration.yaml: Job api-production/api-migration: spec.template is immutable (kubectl apply updates this hook in place: kubectl delete job api-migration -n api-production before applying (Helm, Argo CD and Flux recreate it)):',
    );
    expect(check.status).toBe(1);
  }, 30_000);

  it("a Rollout's selector: refused by both with the CRD's message", () => {
    const { diff, check } = both(repository((dist) => edit(join(dist, 'manifests', 'production', 'api', 'rollout.yaml'), /( {6}app\.kubernetes\.io\/instance: api\n)( {2}template:)/, '$1      tier: web\n$2')));
    expect(diff.stdout).toContain('~ Rollout api-production/api  (manifests/production/api/rollout.yaml)  IMMUTABLE FIELDS CHANGED');
    expect(diff.stdout).toContain('spec.selector.matchLabels.tier: + "web"  IMMUTABLE: spec.selector is immutable (its CRD: ".spec.selector is immutable")');
    expect(check.stderr).toContain('dist/manifests/production/api/rollout.yaml: Rollout api-production/api: spec.selector is immutable (its CRD: ".spec.selector is immutable"):');
    expect(check.status).toBe(1);
  }, 30_000);
});
