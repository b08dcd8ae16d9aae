/**
 * The semantic diff (lib/diff/, `npm run diff`) on two known outputs: an added object, a changed field,
 * a removed object and an immutable change (a Deployment selector), in text and Markdown, and through
 * the compiled command between two environments of a scratch output.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMarkdown, formatText } from '../../lib/diff/format';
import { diffObjects, type SideObject } from '../../lib/diff/object-diff';
import type { KubeObject } from '../../lib/upgrade/rules';
import { projectRoot } from '../support/helm';

const deployment = (selector: Record<string, string>, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'api-dev' },
  spec: { selector: { matchLabels: selector }, template: { metadata: { labels: selector }, spec: { containers: [{ name: 'api', image }] } } },
});
const configMap = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'api-dev' }, data });
const at = (file: string, object: KubeObject): SideObject => ({ file: `manifests/dev/api/${file}`, object });

const before = [at('deployment.yaml', deployment({ app: 'api' }, 'api:1.0')), at('configmap.yaml', configMap('api-config', { LOG_LEVEL: 'debug' })), at('old.yaml', configMap('api-old', {}))];
const after = [at('deployment.yaml', deployment({ app: 'api', tier: 'web' }, 'api:1.1')), at('configmap.yaml', configMap('api-config', { LOG_LEVEL: 'info' })), at('new.yaml', configMap('api-new', { A: '1' }))];

describe('object diff', () => {
  const result = diffObjects(before, after);

  it('finds the added, removed and changed objects and their fields', () => {
    expect(result.added.map((s) => s.object.metadata.name)).toEqual(['api-new']);
    expect(result.removed.map((s) => s.object.metadata.name)).toEqual(['api-old']);
    expect(result.unchanged).toBe(0);
    const config = result.changed.find((c) => c.after.object.kind === 'ConfigMap');
    expect(config?.fields).toEqual([{ path: 'data.LOG_LEVEL', type: 'changed', before: 'debug', after: 'info' }]);
    expect(config?.immutable).toEqual([]);
  });

  it('flags the immutable selector change with the upgrade rule, and only it', () => {
    const changed = result.changed.find((c) => c.after.object.kind === 'Deployment');
    const byPath = new Map(changed?.fields.map((f) => [f.path, f]));
    expect(byPath.get('spec.selector.matchLabels.tier')).toMatchObject({ type: 'added', after: 'web', immutable: { field: 'spec.selector', reason: 'is immutable' } });
    expect(byPath.get('spec.template.spec.containers[name=api].image')).toEqual({ path: 'spec.template.spec.containers[name=api].image', type: 'changed', before: 'api:1.0', after: 'api:1.1' });
    expect(byPath.get('spec.template.metadata.labels.tier')?.immutable).toBeUndefined();
  });

  it('prints text and Markdown with the same facts', () => {
    const text = formatText('test', result);
    expect(text).toContain('+ ConfigMap api-dev/api-new  (manifests/dev/api/new.yaml)');
    expect(text).toContain('- ConfigMap api-dev/api-old  (manifests/dev/api/old.yaml)');
    expect(text).toContain('~ Deployment api-dev/api  (manifests/dev/api/deployment.yaml)  IMMUTABLE FIELDS CHANGED');
    expect(text).toContain('    spec.selector.matchLabels.tier: + "web"  IMMUTABLE: spec.selector is immutable');
    expect(text).toContain('    data.LOG_LEVEL: "debug" -> "info"');
    expect(text).toMatch(/1 added, 2 changed \(1 with immutable-field changes\), 1 removed, 0 unchanged\n$/);
    const markdown = formatMarkdown('test', result);
    expect(markdown).toContain('| added | `ConfigMap api-dev/api-new` | `manifests/dev/api/new.yaml` |');
    expect(markdown).toContain('| changed (immutable!) | `Deployment api-dev/api` |');
    expect(markdown).toContain('> [!WARNING]');
    expect(markdown).toContain('- data.LOG_LEVEL: "debug"\n+ data.LOG_LEVEL: "info"');
  });
});

describe('npm run diff', () => {
  const root = mkdtempSync(join(tmpdir(), 'diff-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cli = join(projectRoot, 'build', 'diff.js');

  it('compares two environments of an output, namespaces aligned, and exits 0', () => {
    cpSync(join(projectRoot, 'dist', 'manifests'), join(root, 'dist', 'manifests'), { recursive: true });
    // staging gets a changed selector on worker: an immutable change from dev's point of view.
    const file = join(root, 'dist', 'manifests', 'staging', 'worker', 'deployment.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/( {6}app\.kubernetes\.io\/instance: worker\n)/, '$1      tier: backend\n'));
    const result = spawnSync(process.execPath, [cli, 'dev', 'staging', '--format', 'markdown'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^### dev -> staging \(namespaces compared: api-dev as api-staging, web-dev as web-staging, worker-dev as worker-staging\)/);
    expect(result.stdout).toContain('| changed (immutable!) | `Deployment worker-staging/worker` |');
    expect(result.stdout).not.toContain('metadata.namespace');
  }, 30_000);

  it('--since <git ref>: the output committed then against the output folder now', () => {
    const repo = join(root, 'repo');
    cpSync(join(projectRoot, 'dist', 'manifests', 'dev'), join(repo, 'dist', 'manifests', 'dev'), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    expect(git('add', '.').status).toBe(0);
    expect(git('commit', '-qm', 'before').status).toBe(0);
    const configMap = join(repo, 'dist', 'manifests', 'dev', 'worker', 'configmap.yaml');
    writeFileSync(configMap, readFileSync(configMap, 'utf8').replace('LOG_LEVEL: debug', 'LOG_LEVEL: info'));
    rmSync(join(repo, 'dist', 'manifests', 'dev', 'worker', 'limitrange.yaml'));
    const result = spawnSync(process.execPath, [cli, '--since', 'HEAD'], { cwd: repo, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('- LimitRange worker-dev/worker-limits  (manifests/dev/worker/limitrange.yaml)');
    expect(result.stdout).toContain('~ ConfigMap worker-dev/worker-config  (manifests/dev/worker/configmap.yaml)\n    data.LOG_LEVEL: "debug" -> "info"\n');
    expect(result.stdout).toMatch(/0 added, 1 changed, 1 removed, \d+ unchanged\n$/);
  }, 30_000);

  it('--since <git ref> covers the GitOps objects: an added Application, a widened AppProject destination', () => {
    const repo = join(root, 'repo-gitops');
    for (const folder of ['manifests/dev', 'environments/dev']) cpSync(join(projectRoot, 'dist', folder), join(repo, 'dist', folder), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    expect(git('add', '.').status).toBe(0);
    expect(git('commit', '-qm', 'before').status).toBe(0);
    const gitops = join(repo, 'dist', 'environments', 'dev', 'gitops');
    const worker = readFileSync(join(gitops, 'application-worker.yaml'), 'utf8');
    writeFileSync(join(gitops, 'application-extra.yaml'), worker.replaceAll('worker-dev', 'extra-dev').replace('dist/manifests/dev/worker', 'dist/manifests/dev/extra'));
    const projectFile = join(gitops, 'appproject.yaml');
    const project = readFileSync(projectFile, 'utf8');
    writeFileSync(projectFile, project.replace('  destinations:\n', '  destinations:\n    - namespace: kube-system\n      server: "https://kubernetes.default.svc"\n'));
    const result = spawnSync(process.execPath, [cli, '--since', 'HEAD'], { cwd: repo, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('+ Application argocd/extra-dev  (environments/dev/gitops/application-extra.yaml)');
    // The list gained one entry, matched by content: one added item, the others unchanged (not shifted by one).
    expect(result.stdout).toContain(
      '~ AppProject argocd/platform-dev  (environments/dev/gitops/appproject.yaml)\n    spec.destinations[0]: + {"namespace":"kube-system","server":"https://kubernetes.default.svc"}\n\n',
    );
    expect(result.stdout).toMatch(/1 added, 1 changed, 0 removed, \d+ unchanged\n$/);
  }, 30_000);

  it('between environments, the GitOps objects are compared with the environment name aligned', () => {
    const copy = join(root, 'envs');
    for (const folder of ['manifests', 'environments']) cpSync(join(projectRoot, 'dist', folder), join(copy, 'dist', folder), { recursive: true });
    const projectFile = join(copy, 'dist', 'environments', 'staging', 'gitops', 'appproject-gitops.yaml');
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('namespace: argocd\n      server', 'namespace: "*"\n      server'));
    const result = spawnSync(process.execPath, [cli, 'dev', 'staging'], { cwd: copy, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    // Only the widened destination differs in this AppProject: names, paths and labels of dev are aligned to staging.
    expect(result.stdout).toContain('~ AppProject argocd/platform-staging-gitops  (environments/staging/gitops/appproject-gitops.yaml)\n    spec.destinations[0].namespace: "argocd" -> "*"\n\n');
    expect(result.stdout).not.toContain('Application argocd/gitops-staging');
    // Without the change, the gitops AppProject is the same in both environments.
    const unchanged = spawnSync(process.execPath, [cli, 'dev', 'production'], { cwd: copy, encoding: 'utf8' });
    expect(unchanged.stdout).not.toContain('platform-production-gitops');
  }, 30_000);

  it('refuses an unknown environment with one line and the usage, exit 1', () => {
    const result = spawnSync(process.execPath, [cli, 'dev', 'qa'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toMatch(/^diff: no environment qa in dist\/manifests \(there: dev, production, staging\)\nusage: /);
    expect(result.status).toBe(1);
  }, 30_000);
});
