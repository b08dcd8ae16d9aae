/**
 * GitOps objects (lib/gitops/): the Argo CD objects committed in dist/environments/<env>/gitops and the
 * Flux objects of the same values with `engine: flux` validate strictly against the CRD schemas in
 * ../shared/kubernetes-json-schema/crds, point at folders of the output that exist, allow exactly the
 * namespaces and kinds the manifests hold, order the charts, and follow the values (prune off in
 * production); an engine without a repository is refused with its location.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { synthesize } from '../../charts/platform';
import { formatFinding, validateManifests } from '../../lib/validation';
import { distDir, environments, type K8sObject } from '../support/dist';
import { projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary fields of the parsed objects
type Any = any;
const parse = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject & Any);

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const valuesWith = (file: string, edit: (text: string) => string) => valuesCopyWith(roots, file, edit);

/** The GitOps objects of one environment in dist/. */
function committedGitOps(env: string): (K8sObject & Any)[] {
  const dir = join(distDir, 'environments', env, 'gitops');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parse(readFileSync(join(dir, file), 'utf8')));
}

/** Every object of an environment's plain manifests. */
function manifestObjects(env: string): (K8sObject & Any)[] {
  const root = join(distDir, 'manifests', env);
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) => parse(readFileSync(join(root, file), 'utf8')));
}

async function schemaErrors(objects: readonly object[]): Promise<string[]> {
  const result = await validateManifests(
    objects.map((doc, i) => ({ file: `gitops-${i}.yaml`, doc })),
    { schemaLocations },
  );
  return result.schemaErrors.map(formatFinding);
}

/** The repository folder a source path names (relative to the repository root, which holds dist/). */
const repositoryFolder = (path: string) => join(projectRoot, path.replace(/^\.\//, ''));

describe('Argo CD objects in dist/environments/<env>/gitops', () => {
  it.each(environments())('%s: validate strictly against the Argo CD CRD schemas', async (env) => {
    const objects = committedGitOps(env);
    // One Application per chart, the Namespaces' and the root.
    const chartCount = readdirSync(join(distDir, 'manifests', env)).length;
    expect(objects.map((o) => o.kind).sort()).toEqual(['AppProject', 'AppProject', ...Array(chartCount + 2).fill('Application')]);
    expect(await schemaErrors(objects)).toEqual([]);
    // Strict: a misspelled field is an error (the schemas are not permissive).
    const misspelled = structuredClone(objects.find((o) => o.kind === 'Application'));
    misspelled.spec.syncPolicy.automated.selfheal = true;
    expect((await schemaErrors([misspelled])).join('\n')).toMatch(/selfheal/);
  });

  it.each(environments())('%s: every Application points at a folder of the output that exists and holds manifests', (env) => {
    for (const app of committedGitOps(env).filter((o) => o.kind === 'Application')) {
      const folder = repositoryFolder(app.spec.source.path);
      expect(existsSync(folder) && statSync(folder).isDirectory(), `${app.metadata.name}: ${app.spec.source.path}`).toBe(true);
      expect(readdirSync(folder, { recursive: app.spec.source.directory?.recurse === true }).filter((f) => String(f).endsWith('.yaml')).length, app.spec.source.path).toBeGreaterThan(0);
      expect(app.spec.source.repoURL).toBe('https://github.com/example/platform-cdk8s.git');
      expect(app.spec.source.targetRevision).toBe('main');
    }
  });

  it.each(environments())('%s: the AppProject allows exactly the namespaces and kinds of the manifests', (env) => {
    const manifests = manifestObjects(env);
    const project = committedGitOps(env).find((o) => o.kind === 'AppProject' && o.metadata.name === `platform-${env}`);
    const namespaces = new Set(manifests.map((o) => (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace)).filter(Boolean));
    expect(project.spec.destinations.map((d: Any) => d.namespace)).toEqual([...namespaces].sort());
    const groupKind = (o: K8sObject) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`;
    const allowed = [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map((k: Any) => `${k.group}/${k.kind}`).sort();
    expect(allowed).toEqual([...new Set(manifests.map(groupKind))].sort());
    expect(project.spec.clusterResourceWhitelist.map((k: Any) => k.kind)).toContain('Namespace');
    expect(project.spec.namespaceResourceWhitelist.map((k: Any) => k.kind)).not.toContain('Namespace');
    expect(project.spec.sourceRepos).toEqual(['https://github.com/example/platform-cdk8s.git']);
  });

  it('orders the monitoring chart after the applications whose namespaces it writes into; prune is off in production only', () => {
    for (const env of environments()) {
      const apps = new Map(
        committedGitOps(env)
          .filter((o) => o.kind === 'Application')
          .map((o) => [o.metadata.name, o]),
      );
      const wave = (name: string) => Number(apps.get(name).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
      for (const app of ['api', 'web', 'worker']) expect(wave(`monitoring-${env}`)).toBeGreaterThan(wave(`${app}-${env}`));
      for (const app of apps.values()) expect(app.spec.syncPolicy.automated).toEqual({ prune: env !== 'production', selfHeal: true });
      // The root Application syncs the folder holding these objects.
      expect(apps.get(`gitops-${env}`).spec.source.path).toBe(`dist/environments/${env}/gitops`);
      expect(apps.get(`gitops-${env}`).spec.project).toBe(`platform-${env}-gitops`);
    }
  }, 30_000);
});

describe('Flux objects (gitops.engine: flux)', () => {
  const valuesDir = valuesWith('base.yaml', (text) => text.replace('  engine: argocd\n', '  engine: flux\n').replace('    argoCD: {', '    flux: { version: "2.6.4", namespace: flux-system }\n    argoCD: {'));
  const files = synthesize({ valuesDir });
  const fluxObjects = (env: string) =>
    [...files]
      .filter(([path]) => path.startsWith(`environments/${env}/gitops/`))
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([, text]) => parse(text));

  it.each(['dev', 'production'])('%s: validate strictly against the Flux CRD schemas', async (env) => {
    const objects = fluxObjects(env);
    expect(objects.map((o) => o.kind).sort()).toEqual(['GitRepository', 'Kustomization', 'Kustomization', 'Kustomization', 'Kustomization', 'Kustomization']);
    expect(await schemaErrors(objects)).toEqual([]);
  });

  it.each(['dev', 'production'])('%s: Kustomizations point at folders of the output, wait, prune as the values say, and depend on the charts creating their namespaces', (env) => {
    const kustomizations = new Map(
      fluxObjects(env)
        .filter((o) => o.kind === 'Kustomization')
        .map((o) => [o.metadata.name, o]),
    );
    for (const k of kustomizations.values()) {
      const prefix = `${k.spec.path.replace(/^\.\/dist\//, '')}/`;
      expect(
        [...files.keys()].some((path) => path.startsWith(prefix) && path.endsWith('.yaml')),
        `${k.metadata.name}: ${k.spec.path}`,
      ).toBe(true);
      expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: `platform-${env}` });
      expect(k.spec.prune).toBe(env !== 'production');
    }
    // With wait, the timeout covers the chart's longest Job (the migration) and five minutes more.
    for (const k of kustomizations.values()) {
      if (k.metadata.name === `gitops-${env}`) continue;
      const folder = `${k.spec.path.replace(/^\.\/dist\//, '')}/`;
      const deadlines = [...files]
        .filter(([path]) => path.startsWith(folder))
        .flatMap(([, text]) =>
          parse(text)
            .filter((o) => o.kind === 'Job')
            .map((o) => o.spec.activeDeadlineSeconds as number),
        );
      expect(k.spec.timeout, k.metadata.name).toBe(`${Math.ceil((300 + Math.max(0, ...deadlines)) / 60)}m`);
    }
    const apiJob = parse(files.get(`manifests/${env}/api/job-migration.yaml`) ?? '')[0];
    expect(Number.parseInt(kustomizations.get(`api-${env}`).spec.timeout, 10) * 60).toBeGreaterThan(apiJob.spec.activeDeadlineSeconds);
    expect(kustomizations.get(`api-${env}`).spec.wait).toBe(true);
    expect(kustomizations.get(`api-${env}`).spec.dependsOn).toBeUndefined();
    expect(kustomizations.get(`monitoring-${env}`).spec.dependsOn).toEqual([{ name: `api-${env}` }, { name: `web-${env}` }, { name: `worker-${env}` }]);
  });
});

describe('Flux GitRepository ignore rules', () => {
  it('leave only the environment’s manifests and GitOps objects, as git itself reads them', () => {
    const files = synthesize({
      valuesDir: valuesWith('base.yaml', (text) => text.replace('  engine: argocd\n', '  engine: flux\n').replace('    argoCD: {', '    flux: { version: "2.6.4", namespace: flux-system }\n    argoCD: {')),
    });
    const repository = parse(files.get('environments/dev/gitops/gitrepository.yaml') ?? '')[0];
    const root = mkdtempSync(join(tmpdir(), 'flux-ignore-'));
    roots.push(root);
    const paths = [
      'dist/manifests/dev/api/deployment.yaml',
      'dist/environments/dev/gitops/kustomization-api.yaml',
      'dist/manifests/production/api/deployment.yaml',
      'dist/environments/dev/README.md',
      'dist/environments/production/gitops/kustomization-api.yaml',
      'dist/helm/api/Chart.yaml',
      'values/base.yaml',
      'README.md',
    ];
    for (const path of paths) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), '');
    }
    writeFileSync(join(root, '.gitignore'), `${repository.spec.ignore}\n`);
    expect(spawnSync('git', ['init', '-q'], { cwd: root }).status).toBe(0);
    const checked = spawnSync('git', ['check-ignore', ...paths], { cwd: root, encoding: 'utf8' });
    expect(checked.stdout.trim().split('\n')).toEqual(paths.slice(2));
  }, 30_000);
});

/** Output files (paths relative to dist/) and their objects: the committed dist/ of one environment. */
function committedFiles(env: string): Map<string, (K8sObject & Any)[]> {
  const files = new Map<string, (K8sObject & Any)[]>();
  for (const folder of [`manifests/${env}`, `environments/${env}/gitops`]) {
    for (const file of readdirSync(join(distDir, folder), { recursive: true }).map(String)) {
      if (file.endsWith('.yaml')) files.set(`${folder}/${file}`, parse(readFileSync(join(distDir, folder, file), 'utf8')));
    }
  }
  return files;
}

/**
 * An Argo CD directory glob as a RegExp. Argo CD compiles include/exclude with github.com/gobwas/glob and
 * no separators (util/glob), so `*` also crosses `/`; `{a,b}` is either, `\x` is x. No npm library has
 * these semantics (picomatch and minimatch stop `*` at `/`), hence this small translation.
 */
function argoGlob(pattern: string): RegExp {
  let source = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '\\') source += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '{') {
      source += '(?:';
      depth += 1;
    } else if (c === '}' && depth > 0) {
      source += ')';
      depth -= 1;
    } else if (c === ',' && depth > 0) source += '|';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The manifest files (relative to dist/) an Argo CD Application syncs, as its repo server selects them. */
function selectedFiles(app: Any, files: ReadonlyMap<string, unknown>): string[] {
  const folder = `${app.spec.source.path.replace(/^dist\//, '')}/`;
  const { recurse, include, exclude } = app.spec.source.directory ?? {};
  return [...files.keys()].filter((path) => {
    if (!path.startsWith(folder)) return false;
    const relative = path.slice(folder.length);
    if (!recurse && relative.includes('/')) return false;
    if (exclude !== undefined && argoGlob(exclude).test(relative)) return false;
    return include === undefined || argoGlob(include).test(relative);
  });
}

/**
 * Checks an environment's Argo CD Applications against its manifests: each manifest file has exactly one
 * Application, each Namespace is synced by the Namespaces' Application, and every PreSync hook (Argo CD's
 * own annotation or Helm's, which Argo CD maps to PreSync) is in an Application of a later wave than the
 * one creating its namespace. Returns the Namespaces' Application.
 */
function expectNamespacesBeforeHooks(env: string, files: ReadonlyMap<string, (K8sObject & Any)[]>): Any {
  const apps = [...files].filter(([path]) => path.startsWith(`environments/${env}/gitops/`)).flatMap(([, objects]) => objects.filter((o) => o.kind === 'Application' && o.metadata.name !== `gitops-${env}`));
  const manifests = [...files.keys()].filter((path) => path.startsWith(`manifests/${env}/`));
  const owners = new Map<string, Any[]>(manifests.map((path) => [path, []]));
  for (const app of apps) {
    const selected = selectedFiles(app, files);
    expect(selected.length, `${app.metadata.name} selects no file`).toBeGreaterThan(0);
    for (const path of selected) owners.get(path)?.push(app);
  }
  for (const [path, found] of owners)
    expect(
      found.map((a) => a.metadata.name),
      path,
    ).toHaveLength(1);
  const wave = (app: Any) => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
  const namespaces = apps.find((a) => a.metadata.name === `namespaces-${env}`);
  const creator = new Map<string, Any>();
  for (const path of manifests) {
    for (const object of files.get(path) ?? []) {
      if (object.kind !== 'Namespace') continue;
      expect(owners.get(path)?.[0], `${path}: Namespace ${object.metadata.name}`).toBe(namespaces);
      creator.set(object.metadata.name, namespaces);
    }
  }
  expect(creator.size).toBeGreaterThan(0);
  let hooks = 0;
  for (const path of manifests) {
    for (const object of files.get(path) ?? []) {
      const annotations = object.metadata.annotations ?? {};
      if (annotations['argocd.argoproj.io/hook'] === undefined && annotations['helm.sh/hook'] === undefined) continue;
      hooks += 1;
      const owner = owners.get(path)?.[0];
      expect(wave(owner), `${path}: hook in ${object.metadata.namespace}`).toBeGreaterThan(wave(creator.get(object.metadata.namespace)));
    }
  }
  expect(hooks).toBeGreaterThan(0);
  return namespaces;
}

describe('Namespaces before PreSync hooks (argoproj/argo-cd#3762)', () => {
  it.each(environments())('%s: each manifest has one Application; the Namespaces come a wave before every chart and its hooks', (env) => {
    const files = committedFiles(env);
    const namespaces = expectNamespacesBeforeHooks(env, files);
    // A wave before every chart's Application; allowed by the AppProject, with nothing added to it.
    const charts = committedGitOps(env).filter((o) => o.kind === 'Application' && o.metadata.name !== namespaces.metadata.name && o.metadata.name !== `gitops-${env}`);
    const wave = (app: Any) => Number(app.metadata.annotations['argocd.argoproj.io/sync-wave']);
    for (const app of charts) expect(wave(namespaces)).toBeLessThan(wave(app));
    const project = committedGitOps(env).find((o) => o.kind === 'AppProject' && o.metadata.name === namespaces.spec.project);
    expect(project.spec.destinations).toContainEqual({ server: namespaces.spec.destination.server, namespace: namespaces.spec.destination.namespace });
    // Every chart's Application syncs with PruneLast: a Deployment replaced by a Rollout goes after the Rollout is healthy.
    for (const app of charts) expect(app.spec.syncPolicy.syncOptions, app.metadata.name).toContain('PruneLast=true');
  });

  it('a second chart with a migration Job (a neighbour of api): its hooks too come after the Namespaces; Flux waits for its deadline', () => {
    const valuesDir = valuesWith('base.yaml', (text) =>
      text.replace('  worker:\n    component: worker\n', '  worker:\n    component: worker\n    migration: { enabled: true, command: [/app/worker, migrate], activeDeadlineSeconds: 3600 }\n'),
    );
    const synthesized = synthesize({ valuesDir });
    const files = new Map([...synthesized].filter(([path]) => path.endsWith('.yaml')).map(([path, text]) => [path, parse(text)]));
    expect(files.has('manifests/dev/worker/job-migration.yaml')).toBe(true);
    expectNamespacesBeforeHooks('dev', files);
    const flux = synthesize({
      valuesDir: valuesWith('base.yaml', (text) =>
        text
          .replace('  engine: argocd\n', '  engine: flux\n')
          .replace('    argoCD: {', '    flux: { version: "2.6.4", namespace: flux-system }\n    argoCD: {')
          .replace('  worker:\n    component: worker\n', '  worker:\n    component: worker\n    migration: { enabled: true, command: [/app/worker, migrate], activeDeadlineSeconds: 3600 }\n'),
      ),
    });
    expect(parse(flux.get('environments/dev/gitops/kustomization-worker.yaml') ?? '')[0].spec.timeout).toBe('65m');
  }, 60_000);
});

describe('custom resources', () => {
  it('the Application of a chart writing custom resources skips the dry run of kinds not yet known; the others do not', () => {
    const operatorMode = (text: string) =>
      text.replace('  mode: standalone\n', '  mode: operator\n').replace('  controllers:\n', '  controllers:\n    prometheusOperator: { version: "0.85.0", namespace: monitoring }\n');
    const files = synthesize({ valuesDir: valuesWith('base.yaml', operatorMode) });
    const application = (chart: string, from = files) => parse(from.get(`environments/dev/gitops/application-${chart}.yaml`) ?? '')[0];
    const kinds = (chart: string, from = files) => [...from].filter(([path]) => path.startsWith(`manifests/dev/${chart}/`)).flatMap(([, text]) => parse(text).map((o: { kind: string }) => o.kind));
    expect(kinds('monitoring')).toContain('ServiceMonitor');
    expect(application('monitoring').spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'SkipDryRunOnMissingResource=true']);
    // The worker's Secrets come from External Secrets (values/base.yaml `secrets`): custom resources too.
    expect(kinds('worker')).toContain('ExternalSecret');
    expect(application('worker').spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'SkipDryRunOnMissingResource=true']);
    // With existing Secrets only, the worker writes no custom resource, and its Application keeps the dry run.
    const declared = ['dev', 'staging', 'production']
      .map(
        (env) =>
          `    worker-${env}: { worker-database: { keys: [password] }, worker-database-backup: { keys: [password] }, worker-backup-bucket: { keys: [access-key-id, secret-access-key] }, worker-backup-encryption: { keys: [password, salt] } }\n`,
      )
      .join('');
    const existingSecretsOnly = (text: string) =>
      operatorMode(text)
        .replace(/^ {4}secrets:\n(?: {6}.*\n)+/m, '    secrets: {}\n')
        .replace('  secrets:\n    monitoring:\n', `  secrets:\n${declared}    monitoring:\n`);
    const withoutExternalSecrets = synthesize({ valuesDir: valuesWith('base.yaml', existingSecretsOnly) });
    expect(kinds('worker', withoutExternalSecrets)).not.toContain('ExternalSecret');
    expect(kinds('worker', withoutExternalSecrets).length).toBeGreaterThan(0);
    expect(application('worker', withoutExternalSecrets).spec.syncPolicy.syncOptions).toEqual(['PruneLast=true']);
    const project = parse(files.get('environments/dev/gitops/appproject.yaml') ?? '')[0];
    expect(project.spec.namespaceResourceWhitelist).toContainEqual({ group: 'monitoring.coreos.com', kind: 'ServiceMonitor' });
  }, 60_000);
});

describe('gitops values', () => {
  it('an engine without a repository is refused with its location', () => {
    const valuesDir = valuesWith('base.yaml', (text) => text.replace(/^ {2}repoURL: .*\n/m, ''));
    expect(synthProblems(valuesDir)).toEqual([expect.stringMatching(/^.*base\.yaml:\d+:\d+: gitops\.engine: argocd needs the repository to follow: set gitops\.repoURL/)]);
  }, 30_000);

  it('unknown keys and an unknown engine are refused', () => {
    const valuesDir = valuesWith('production.yaml', (text) => text.replace('gitops: { prune: false }', 'gitops: { prune: false, engine: fluxcd, prun: true }'));
    const problems = synthProblems(valuesDir).join('\n');
    expect(problems).toMatch(/production\.yaml:\d+:\d+: gitops\.engine: /);
    expect(problems).toMatch(/production\.yaml:\d+:\d+: gitops(\.prun)?: .*prun/);
  }, 30_000);

  it('engine none writes no GitOps objects, and the README says how to apply the charts', () => {
    const valuesDir = valuesWith('base.yaml', (text) => text.replace('  engine: argocd\n', '  engine: none\n'));
    const files = synthesize({ valuesDir });
    expect([...files.keys()].filter((path) => path.includes('/gitops/'))).toEqual([]);
    expect(files.get('environments/dev/README.md')).toContain('kubectl apply -f dist/manifests/dev/api/');
  }, 30_000);
});
