/**
 * Argo CD objects of one environment (gitops.engine: argocd), written to
 * environments/<env>/gitops/ and applied once with `kubectl apply -f`, after which Argo CD manages them
 * itself (the root Application syncs the folder it is in):
 * - AppProject `platform-<env>`: the repository, exactly the namespaces and kinds the environment's
 *   manifests hold (computed from the objects: inventory.ts), nothing else;
 * - AppProject `platform-<env>-gitops`: the root Application's, which may only write Applications and
 *   AppProjects into Argo CD's namespace;
 * - one Application `<chart>-<env>` per chart over <path>/manifests/<env>/<chart>, automated sync with
 *   prune and self-heal as the values say, a sync wave from ordering.ts, PruneLast (what leaves the
 *   output is deleted after the rest of the sync is healthy: a Deployment after the Rollout replacing it), and
 *   SkipDryRunOnMissingResource when the chart writes custom resources (their CRDs come from an
 *   operator installed separately, so they may not be known at the dry run); when the chart writes an
 *   Argo Rollout beside HTTPRoutes, the backend weights of those routes are Argo Rollouts' (its
 *   Gateway API plugin sets them during a canary), so the Application ignores them
 *   (`ignoreDifferences` with RespectIgnoreDifferences) instead of undoing a release in progress;
 * - Application `namespaces-<env>` over <path>/manifests/<env> (recursive, `directory.include` of exactly
 *   the files holding Namespace objects), a sync wave before every chart; each chart's Application
 *   excludes those files, so each Namespace has one owner and exists before the chart's PreSync hooks
 *   (the migration Job and its NetworkPolicy) are created in it;
 * - the root Application `gitops-<env>` over environments/<env>/gitops.
 * Typed with the classes `npm run import:crds` generates from the Argo CD CRD schemas.
 */
import { Application, AppProject } from '../../imports/argoproj.io';
import { type ChartInventory, compareGroupKind, type GroupKind, needsCustomResourceDefinition } from './inventory';
import { applicationFile, gitopsProjectName, NAMESPACES_FILE_KEY, namespacesName, platformName, ROOT_FILE_KEY, rootName } from './layout';
import { orderCharts } from './ordering';
import type { GitOpsSettings } from './settings';

/** One file of environments/<env>/gitops/: its name and the object. */
export interface GitOpsFile {
  readonly file: string;
  readonly object: Record<string, unknown>;
}

/** The labels every GitOps object carries. */
export function gitopsLabels(name: string, environment: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': environment,
    'app.kubernetes.io/component': 'gitops',
    'app.kubernetes.io/part-of': 'platform',
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** Where the GitOps objects of an environment are, relative to the output folder. */
export function gitopsFolder(environment: string): string {
  return `environments/${environment}/gitops`;
}

export { namespacesName, rootName } from './layout';

/** Name of a chart's Application or Kustomization, `<chart>-<env>`; throws for a chart named like the root (`gitops`) or the Namespaces' Application (`namespaces`). */
export function chartObjectName(chart: string, environment: string): string {
  const name = `${chart}-${environment}`;
  for (const taken of [rootName(environment), namespacesName(environment)]) {
    if (name === taken) throw new Error(`chart ${chart}: its GitOps object would be named ${name}, like an object of environment ${environment} the charts do not own; rename the chart`);
  }
  return name;
}

/**
 * An Argo CD `directory.include`/`exclude` pattern matching exactly `paths`. Argo CD matches the pattern
 * (github.com/gobwas/glob, no separators: `*` crosses `/`) against each manifest's path relative to the
 * Application's `path`; `{a,b}` is either. Glob characters in a path are escaped with `\`, so each path
 * matches itself only.
 */
function exactGlob(paths: readonly string[]): string {
  const escaped = paths.map((path) => path.replace(/[\\*?[\]{},!]/g, (c) => `\\${c}`));
  return escaped.length === 1 ? escaped[0] : `{${escaped.join(',')}}`;
}

const uniqueKinds = (kinds: readonly GroupKind[]): GroupKind[] => [...new Map(kinds.map((k) => [`${k.group}/${k.kind}`, { group: k.group, kind: k.kind }])).values()].sort(compareGroupKind);

/** The Argo CD objects of one environment, by file name. */
export function argoCdFiles(environment: string, charts: readonly ChartInventory[], settings: GitOpsSettings): GitOpsFile[] {
  const project = platformName(environment);
  const gitopsProject = gitopsProjectName(environment);
  const server = settings.destinationServer;
  const allKinds = charts.flatMap((chart) => chart.kinds);
  const namespaces = [...new Set(charts.flatMap((chart) => chart.namespaces))].sort();
  const automated = { prune: settings.prune, selfHeal: settings.selfHeal };
  const retry = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };
  const files: GitOpsFile[] = [
    {
      file: 'appproject.yaml',
      object: AppProject.manifest({
        metadata: { name: project, namespace: settings.namespace, labels: gitopsLabels(project, environment) },
        spec: {
          description: `The ${environment} environment: what npm run synth writes to ${settings.path}/manifests/${environment}.`,
          sourceRepos: [settings.repoURL],
          destinations: namespaces.map((namespace) => ({ server, namespace })),
          clusterResourceWhitelist: uniqueKinds(allKinds.filter((k) => k.clusterScoped)),
          namespaceResourceWhitelist: uniqueKinds(allKinds.filter((k) => !k.clusterScoped)),
        },
      }),
    },
    {
      file: 'appproject-gitops.yaml',
      object: AppProject.manifest({
        metadata: { name: gitopsProject, namespace: settings.namespace, labels: gitopsLabels(gitopsProject, environment) },
        spec: {
          description: `The Argo CD objects of the ${environment} environment (${gitopsFolder(environment)}).`,
          sourceRepos: [settings.repoURL],
          destinations: [{ server: 'https://kubernetes.default.svc', namespace: settings.namespace }],
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: [
            { group: 'argoproj.io', kind: 'AppProject' },
            { group: 'argoproj.io', kind: 'Application' },
          ],
        },
      }),
    },
    {
      file: applicationFile(ROOT_FILE_KEY),
      object: Application.manifest({
        metadata: { name: rootName(environment), namespace: settings.namespace, labels: gitopsLabels(rootName(environment), environment) },
        spec: {
          project: gitopsProject,
          source: { repoUrl: settings.repoURL, targetRevision: settings.targetRevision, path: `${settings.path}/${gitopsFolder(environment)}`, directory: { recurse: false } },
          destination: { server: 'https://kubernetes.default.svc', namespace: settings.namespace },
          syncPolicy: { automated, retry },
        },
      }),
    },
  ];
  const order = orderCharts(charts);
  const namespaceFiles = charts.flatMap((chart) => chart.namespaceFiles.map((file) => `${chart.chart}/${file}`));
  if (namespaceFiles.length > 0) {
    // PreSync hooks run before every Sync-phase object of their Application, the chart's own Namespace
    // included (argoproj/argo-cd#3762): the Namespaces are synced by an Application of their own, a
    // wave before every chart. Its destination namespace is not used (Namespaces are cluster-scoped) but
    // must be one the AppProject allows.
    const name = namespacesName(environment);
    files.push({
      file: applicationFile(NAMESPACES_FILE_KEY),
      object: Application.manifest({
        metadata: { name, namespace: settings.namespace, labels: gitopsLabels(name, environment), annotations: { 'argocd.argoproj.io/sync-wave': String(Math.min(...order.wave.values()) - 1) } },
        spec: {
          project,
          source: { repoUrl: settings.repoURL, targetRevision: settings.targetRevision, path: `${settings.path}/manifests/${environment}`, directory: { recurse: true, include: exactGlob(namespaceFiles) } },
          destination: { server, namespace: charts.flatMap((chart) => chart.created).sort()[0] },
          syncPolicy: { automated, retry },
        },
      }),
    });
  }
  for (const chart of charts) {
    const name = chartObjectName(chart.chart, environment);
    const customResources = chart.kinds.some((k) => needsCustomResourceDefinition(k.group));
    const has = (group: string, kind: string) => chart.kinds.some((k) => k.group === group && k.kind === kind);
    const rolloutWeights = has('argoproj.io', 'Rollout') && has('gateway.networking.k8s.io', 'HTTPRoute');
    // PruneLast: objects leaving the output (a Deployment replaced by a Rollout) are deleted after every
    // other object of the sync is applied and healthy, never in the same step as their successor.
    const syncOptions = ['PruneLast=true', ...(customResources ? ['SkipDryRunOnMissingResource=true'] : []), ...(rolloutWeights ? ['RespectIgnoreDifferences=true'] : [])];
    files.push({
      file: applicationFile(chart.chart),
      object: Application.manifest({
        metadata: {
          name,
          namespace: settings.namespace,
          labels: gitopsLabels(name, environment),
          annotations: { 'argocd.argoproj.io/sync-wave': String(order.wave.get(chart.chart) ?? 0) },
        },
        spec: {
          project,
          source: {
            repoUrl: settings.repoURL,
            targetRevision: settings.targetRevision,
            path: `${settings.path}/manifests/${environment}/${chart.chart}`,
            directory: { recurse: false, exclude: chart.namespaceFiles.length > 0 ? exactGlob(chart.namespaceFiles) : undefined },
          },
          destination: { server, namespace: chart.namespace },
          syncPolicy: { automated, retry, syncOptions },
          ignoreDifferences: rolloutWeights ? [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] }] : undefined,
        },
      }),
    });
  }
  return files;
}
