/**
 * Flux objects of one environment (gitops.engine: flux), written to environments/<env>/gitops/ and
 * applied once with `kubectl apply -f`, after which Flux manages them itself (the root Kustomization
 * reconciles the folder it is in):
 * - GitRepository `platform-<env>`: the repository and branch, fetching only this environment's folders;
 * - one Kustomization `<chart>-<env>` per chart over ./<path>/manifests/<env>/<chart>: prune as the values
 *   say, `wait: true` (every object applied must become ready; Flux then ignores `healthChecks`, which
 *   would only list a subset), `healthCheckExprs` for the custom kinds it writes that kstatus cannot read
 *   (Argo Rollouts, ExternalSecrets, ...: health-checks.ts; Flux 2.5), `dependsOn` the charts whose
 *   namespaces it writes into (ordering.ts);
 * - the root Kustomization `gitops-<env>` over environments/<env>/gitops.
 * `timeout` covers the chart's longest Job deadline (the migration) plus five minutes (fluxTimeout).
 * Flux needs no Namespace ordering of its own: kustomize-controller applies Namespaces (with
 * CustomResourceDefinitions and other cluster definitions) in a first stage, before every other object of
 * the Kustomization, and it ignores Helm and Argo CD hook annotations, so the migration Job is applied as
 * a plain object in its namespace (recreated on change through `kustomize.toolkit.fluxcd.io/force`).
 * Pruning is done after the apply, so a Deployment replaced by a Rollout is deleted once the Rollout exists
 * (with `wait`, the deletion still comes before the Rollout is ready: see the README).
 * Flux has no self-heal switch: it corrects drift at every interval. Typed with the classes
 * `npm run import:crds` generates from the Flux CRD schemas.
 */
import { Kustomization, type KustomizationSpecHealthCheckExprs, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { healthCheckExprs } from './health-checks';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io';
import { chartObjectName, type GitOpsFile, gitopsFolder, gitopsLabels, rootName } from './argocd';
import type { ChartInventory } from './inventory';
import { kustomizationFile, platformName, ROOT_FILE_KEY } from './layout';
import { orderCharts } from './ordering';
import type { GitOpsSettings } from './settings';

/** The Flux objects of one environment, by file name. */
export function fluxFiles(environment: string, charts: readonly ChartInventory[], settings: GitOpsSettings): GitOpsFile[] {
  const source = platformName(environment);
  const sourceRef = { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: source };
  const common = { interval: settings.interval, retryInterval: '1m', sourceRef };
  const kustomization = (
    name: string,
    path: string,
    spec: { prune: boolean; wait: boolean; timeout: string; dependsOn?: { name: string }[]; healthCheckExprs?: KustomizationSpecHealthCheckExprs[] },
  ): Record<string, unknown> =>
    Kustomization.manifest({
      metadata: { name, namespace: settings.namespace, labels: gitopsLabels(name, environment) },
      spec: { ...common, path: `./${path}`, ...spec },
    });
  const kept = [`${settings.path}/manifests/${environment}`, `${settings.path}/${gitopsFolder(environment)}`];
  const files: GitOpsFile[] = [
    {
      file: 'gitrepository.yaml',
      object: GitRepository.manifest({
        metadata: { name: source, namespace: settings.namespace, labels: gitopsLabels(source, environment) },
        spec: { interval: settings.interval, url: settings.repoURL, ref: { branch: settings.targetRevision }, ignore: onlyFolders(kept) },
      }),
    },
    {
      file: kustomizationFile(ROOT_FILE_KEY),
      object: kustomization(rootName(environment), `${settings.path}/${gitopsFolder(environment)}`, { prune: settings.prune, wait: false, timeout: `${APPLY_SECONDS / 60}m` }),
    },
  ];
  const order = orderCharts(charts);
  for (const chart of charts) {
    const dependsOn = (order.after.get(chart.chart) ?? []).map((other) => ({ name: chartObjectName(other, environment) }));
    const expressions = healthCheckExprs(chart.kinds);
    files.push({
      file: kustomizationFile(chart.chart),
      object: kustomization(chartObjectName(chart.chart, environment), `${settings.path}/manifests/${environment}/${chart.chart}`, {
        prune: settings.prune,
        wait: true,
        timeout: fluxTimeout(chart.longestJobSeconds),
        dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
        // What `wait` waits on that kstatus cannot read (lib/gitops/health-checks.ts): Rollouts first of all.
        healthCheckExprs: expressions.length > 0 ? expressions : undefined,
      }),
    });
  }
  return files;
}

/** Seconds a Kustomization may take to apply its objects and see them ready, besides its Jobs' run time. */
const APPLY_SECONDS = 300;

/**
 * The `timeout` of a chart's Kustomization: with `wait: true` Flux waits for its Jobs to complete
 * (the migration Job runs up to its activeDeadlineSeconds) and then for the workloads, so the timeout is
 * five minutes more than the longest Job deadline, in whole minutes (a Go duration, e.g. `15m`).
 */
function fluxTimeout(longestJobSeconds: number): string {
  return `${Math.ceil((APPLY_SECONDS + longestJobSeconds) / 60)}m`;
}

/**
 * Rules in .gitignore syntax (Flux's `spec.ignore`) that leave only `folders` (paths from the repository
 * root) and what is in them. Git cannot re-include a file whose parent folder is excluded, so each
 * folder on the way is re-included and its other entries excluded, level by level:
 * `/*`, `!/dist/`, `/dist/*`, `!/dist/manifests/`, ...
 */
function onlyFolders(folders: readonly string[]): string {
  const rules = ['/*'];
  for (const folder of folders) {
    const parts = folder.split('/');
    for (let depth = 1; depth <= parts.length; depth += 1) {
      const prefix = parts.slice(0, depth).join('/');
      for (const rule of depth < parts.length ? [`!/${prefix}/`, `/${prefix}/*`] : [`!/${prefix}/`]) if (!rules.includes(rule)) rules.push(rule);
    }
  }
  return rules.join('\n');
}
