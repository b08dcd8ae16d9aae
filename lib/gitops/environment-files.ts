/**
 * The per-environment output beside the manifests, in environments/<env>/ (relative to dist/):
 * - gitops/*.yaml: the Argo CD or Flux objects (argocd.ts, flux.ts), when gitops.engine is not none;
 * - README.md: the charts and the order they are applied in, how to hand the environment to the GitOps
 *   engine, its traffic entry (lib/traffic/controller-settings.ts, with the files it adds), and the network
 *   picture as Mermaid (shown by GitHub and GitLab in a pull request);
 * - network.svg: the same overview drawn by Graphviz, and network/<chart>.svg: the picture of each chart's
 *   neighbourhood (lib/network-graph/views.ts, render.ts; drawn by the caller, asynchronously, from `dot`).
 */
import { networkGraph } from '../network-graph/graph';
import { toDot, toMermaid } from '../network-graph/render';
import { MAX_OVERVIEW_NODES, neighbourhood, overview, type ViewOptions } from '../network-graph/views';
import { writeYaml } from '../template/yaml-writer';
import { type GitOpsFile, argoCdFiles, chartObjectName, gitopsFolder, namespacesName, rootName } from './argocd';
import { fluxFiles } from './flux';
import type { ChartInventory } from './inventory';
import { orderCharts } from './ordering';
import type { GitOpsSettings } from './settings';
import type { EdgeEnvironmentOutput } from '../traffic/controller-settings';
import { stage } from '../synth/stage-times';

export interface EnvironmentOutput {
  /** Files to write now: path relative to the output folder → content. */
  readonly files: ReadonlyMap<string, string>;
  /** The network pictures: where each goes and its Graphviz source (the overview unless too large, then one per chart). */
  readonly pictures: readonly { readonly path: string; readonly dot: string }[];
}

/** What the network pictures need beside the manifests: the monitoring chart's name, names of networks from the values. */
export interface PictureContext {
  readonly monitoringChart: string;
  readonly addressNames: ViewOptions['addressNames'];
}

/** The folder of an environment's README, picture and GitOps objects, relative to the output folder. */
function environmentFolder(environment: string): string {
  return `environments/${environment}`;
}

/** The GitOps objects of `environment` (none with engine `none`), by file name in its gitops/ folder. */
export function gitopsFiles(environment: string, charts: readonly ChartInventory[], settings: GitOpsSettings): GitOpsFile[] {
  return settings.engine === 'argocd' ? argoCdFiles(environment, charts, settings) : settings.engine === 'flux' ? fluxFiles(environment, charts, settings) : [];
}

/**
 * Everything written for `environment` beside its manifests. `extra` gives the GitOps objects when the
 * caller computed them already (`gitopsFiles`), the README's Prerequisites section (lib/references/readme.ts)
 * and its "Backups and recovery" section (lib/backup/recovery-notes.ts, as Markdown lines).
 */
export function environmentOutput(
  environment: string,
  charts: readonly ChartInventory[],
  networkObjects: readonly Record<string, unknown>[],
  settings: GitOpsSettings,
  context: PictureContext,
  extra: {
    readonly gitops?: readonly GitOpsFile[];
    readonly prerequisites?: string;
    readonly recovery?: readonly string[];
    /** The traffic entry's files and README section (lib/traffic/controller-settings.ts). */
    readonly edge?: EdgeEnvironmentOutput;
  } = {},
): EnvironmentOutput {
  const files = new Map<string, string>();
  for (const [file, content] of extra.edge?.files ?? []) files.set(`${environmentFolder(environment)}/${file}`, content);
  const gitops = extra.gitops ?? gitopsFiles(environment, charts, settings);
  for (const { file, object } of gitops) files.set(`${gitopsFolder(environment)}/${file}`, writeYaml(object));
  const folder = environmentFolder(environment);
  const { pictures, whole } = stage('pictures', () => {
    const graph = networkGraph(environment, networkObjects);
    // A chart's own namespaces (ownNamespaces): the monitoring chart also writes Roles into the applications' namespaces.
    const monitoringChart = charts.find((c) => c.chart === context.monitoringChart);
    const options: ViewOptions = { monitoringNamespaces: new Set(monitoringChart ? ownNamespaces(monitoringChart) : []), addressNames: context.addressNames };
    const pictures = charts.map((c) => ({ path: `${folder}/${pictureOf(c.chart)}`, dot: toDot(neighbourhood(graph, c.chart, ownNamespaces(c), options)) }));
    const whole = overview(graph, options);
    if (whole) pictures.unshift({ path: `${folder}/network.svg`, dot: toDot(whole) });
    return { pictures, whole };
  });
  files.set(`${folder}/README.md`, readme(environment, charts, settings, whole ? toMermaid(whole) : undefined, extra.prerequisites, extra.recovery ?? [], extra.edge?.readme ?? []));
  return { files, pictures };
}

/** Where a chart's network picture goes, relative to its environment's folder. */
function pictureOf(chart: string): string {
  return `network/${chart}.svg`;
}

/** A chart's own namespaces: those it creates, else those it writes into. */
function ownNamespaces(chart: ChartInventory): readonly string[] {
  return chart.created.length > 0 ? chart.created : chart.namespaces;
}

function readme(
  environment: string,
  charts: readonly ChartInventory[],
  settings: GitOpsSettings,
  mermaid: string | undefined,
  prerequisites: string | undefined,
  recovery: readonly string[],
  entry: readonly string[],
): string {
  const order = orderCharts(charts);
  const manifests = (chart: string) => `${settings.path}/manifests/${environment}/${chart}`;
  const rows = charts.map((c) => `| ${c.chart} | ${c.namespaces.join(', ')} | \`${manifests(c.chart)}/\` | ${order.wave.get(c.chart)} | ${(order.after.get(c.chart) ?? []).join(', ') || '–'} |`);
  const folder = `${settings.path}/${gitopsFolder(environment)}`;
  const delivery =
    settings.engine === 'argocd'
      ? [
          `Argo CD follows \`${settings.repoURL}\` at \`${settings.targetRevision}\`. Once, with Argo CD installed in \`${settings.namespace}\`:`,
          '',
          '```sh',
          `kubectl apply -f ${folder}/`,
          '```',
          '',
          `The root Application \`${rootName(environment)}\` then keeps \`${folder}/\` applied, and each chart's Application`,
          `(\`${charts.map((c) => chartObjectName(c.chart, environment)).join('`, `')}\`) syncs its manifests: automated, prune ${settings.prune ? 'on' : 'off (prune by hand: `argocd app sync --prune`)'}, self-heal ${settings.selfHeal ? 'on' : 'off'}.`,
          `The Namespaces have an Application of their own, \`${namespacesName(environment)}\`, a wave before every chart (each chart's Application excludes its Namespace files):`,
          "Argo CD runs a chart's PreSync hooks (the migration Job) before the chart's other objects, so the namespace must exist already.",
          'Objects leaving the output are pruned last (`PruneLast`), after the rest of the sync is healthy.',
          `The AppProject \`platform-${environment}\` allows only the namespaces and kinds of these manifests. Waves order the Applications;`,
          'for the root to wait for each wave to be healthy, Argo CD needs the Application health check (`resource.customizations.health.argoproj.io_Application` in `argocd-cm`).',
        ]
      : settings.engine === 'flux'
        ? [
            `Flux follows \`${settings.repoURL}\` at branch \`${settings.targetRevision}\`. Once, with Flux installed in \`${settings.namespace}\`:`,
            '',
            '```sh',
            `kubectl apply -f ${folder}/`,
            '```',
            '',
            `The root Kustomization \`${rootName(environment)}\` then keeps \`${folder}/\` applied, and each chart's Kustomization reconciles`,
            `its manifests every ${settings.interval}: prune ${settings.prune ? 'on' : 'off'}, \`wait\` for every object to be ready (the timeout allows for the longest Job deadline), \`dependsOn\` as in the table.`,
            'Flux applies Namespaces before the other objects of a Kustomization and ignores hook annotations: the migration Job is applied with the rest.',
          ]
        : [
            'No GitOps engine (`gitops.engine: none`): apply the charts in the order of the table, e.g.',
            '',
            '```sh',
            ...[...charts].sort((a, b) => (order.wave.get(a.chart) ?? 0) - (order.wave.get(b.chart) ?? 0)).map((c) => `kubectl apply -f ${manifests(c.chart)}/`),
            '```',
          ];
  return [
    `# Environment ${environment}`,
    '',
    'Written by `npm run synth` from `values/`; do not edit.',
    '',
    '## Charts',
    '',
    '| chart | namespaces | manifests | wave | after |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'A chart comes after the charts whose namespaces it writes into.',
    '',
    '## Delivery',
    '',
    ...delivery,
    '',
    ...(entry.length > 0 ? ['## Traffic entry', '', ...entry, ''] : []),
    ...(prerequisites ? [prerequisites] : []),
    ...recovery,
    '## Network',
    '',
    'Who may open connections to whom, read from the NetworkPolicies of the manifests (not from the values).',
    ...(mermaid === undefined
      ? ['', `The environment has more than ${MAX_OVERVIEW_NODES} namespaces and peers to draw at once: no overview is laid out (a picture that large`, 'is not read); each chart has its picture below.']
      : [
          'The overview: one node per namespace (naming its workloads), networks named from the values; red marks what',
          'is wider than named pods (every pod of a namespace, any namespace, any address), dashed edges a connection',
          'only one side allows. Anything without an edge is denied. DNS queries and monitoring are counted in the note,',
          "not drawn: each chart's picture shows them. The same overview: [network.svg](network.svg).",
          '',
          '```mermaid',
          mermaid,
          '```',
        ]),
    '',
    "Each chart's neighbourhood (its namespaces as clusters of workloads, every other namespace it talks with as one node):",
    '',
    '| chart | namespaces | picture |',
    '| --- | --- | --- |',
    ...charts.map((c) => `| ${c.chart} | ${ownNamespaces(c).join(', ')} | [${pictureOf(c.chart)}](${pictureOf(c.chart)}) |`),
    '',
  ].join('\n');
}
