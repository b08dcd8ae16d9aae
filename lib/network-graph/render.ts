/**
 * The network pictures (views.ts) as text: Graphviz DOT (turned into SVG by @viz-js/viz, Graphviz compiled
 * to WebAssembly: no system binary) and Mermaid (GitHub and GitLab draw it in a Markdown file, so the
 * picture shows in a pull request). Both draw namespaces as clusters of their nodes, wide nodes (every
 * pod of a namespace, any namespace, any address) in red, one-sided edges dashed, an edge a whole cluster
 * has alike from or to the cluster, and the picture's notes (what is counted rather than drawn) in a note.
 * Deterministic: nodes and edges come sorted, ids are their positions.
 */
import { createHash } from 'node:crypto';
import type { Picture, PictureEdge, PictureNode } from './views';

const byNamespace = (picture: Picture): [string | undefined, PictureNode[]][] => {
  const groups = new Map<string | undefined, PictureNode[]>();
  for (const node of picture.nodes) {
    const list = groups.get(node.namespace) ?? [];
    list.push(node);
    groups.set(node.namespace, list);
  }
  return [...groups].sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'));
};

const edgeLabel = (edge: PictureEdge): string => (edge.oneSided ? `${edge.ports} (${edge.sides[0]} only)` : edge.ports);

const shapeOf: Record<PictureNode['kind'], string> = { workload: 'box', pods: 'ellipse', cidr: 'hexagon', anywhere: 'doubleoctagon', namespace: 'folder', namespaces: 'box3d' };

/** Ids of nodes (`n<i>`) and of namespace clusters (index in byNamespace order). */
function idsOf(picture: Picture) {
  const nodes = new Map(picture.nodes.map((node, i) => [node.id, `n${i}`]));
  const clusters = new Map<string, number>();
  byNamespace(picture).forEach(([namespace], i) => {
    if (namespace !== undefined) clusters.set(namespace, i);
  });
  const namespaceOf = new Map(picture.nodes.map((node) => [node.id, node.namespace]));
  return { nodes, clusters, clusterOf: (id: string) => clusters.get(namespaceOf.get(id) ?? '') };
}

/** A node's text: its label, then its detail, one item a line when long (a line of selectors reads badly). */
function nodeText(node: PictureNode, newline: string): string {
  if (!node.detail) return node.label;
  const detail = node.detail.length > 32 ? node.detail.split(', ').join(newline) : node.detail;
  return `${node.label}${newline}${detail}`;
}

/** Graphviz DOT source of the picture. */
export function toDot(picture: Picture): string {
  const { nodes: ids, clusterOf } = idsOf(picture);
  const quote = (text: string) => JSON.stringify(text);
  const lines = [`digraph ${quote(picture.name)} {`, '  rankdir=LR;', '  compound=true;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  const nodeLine = (node: PictureNode, indent: string) =>
    `${indent}${ids.get(node.id)} [label=${quote(nodeText(node, '\n'))}, shape=${shapeOf[node.kind]}${node.wide ? ', color="#c0392b", fontcolor="#c0392b", style=bold' : ''}];`;
  byNamespace(picture).forEach(([namespace, nodes], i) => {
    if (namespace === undefined) {
      for (const node of nodes) lines.push(nodeLine(node, '  '));
      return;
    }
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(`namespace ${namespace}`)};`, '    style=rounded; color="#7f8c8d";');
    for (const node of nodes) lines.push(nodeLine(node, '    '));
    lines.push('  }');
  });
  for (const edge of picture.edges) {
    const cluster = [edge.fromCluster ? `ltail=cluster_${clusterOf(edge.from)}` : '', edge.toCluster ? `lhead=cluster_${clusterOf(edge.to)}` : ''].filter((part) => part !== '');
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${quote(edgeLabel(edge))}${edge.oneSided ? ', style=dashed, color="#c0392b"' : ''}${cluster.map((c) => `, ${c}`).join('')}];`);
  }
  if (picture.notes.length > 0) lines.push(`  notes [shape=note, fontsize=9, label=${quote(picture.notes.join('\n'))}];`);
  lines.push('}', '');
  return lines.join('\n');
}

/** Mermaid flowchart of the picture (the body of a ```mermaid block). */
export function toMermaid(picture: Picture): string {
  const { nodes: ids, clusterOf } = idsOf(picture);
  // Mermaid labels are quoted strings; a quote inside one is written as an entity, a second line after <br>.
  const text = (node: PictureNode | { label: string }) => `"${('kind' in node ? nodeText(node, '<br>') : node.label).replace(/"/g, '#quot;')}"`;
  const open: Record<PictureNode['kind'], [string, string]> = { workload: ['[', ']'], pods: ['([', '])'], cidr: ['{{', '}}'], anywhere: ['(((', ')))'], namespace: ['[/', '/]'], namespaces: ['[[', ']]'] };
  const lines = ['flowchart LR'];
  const nodeLine = (node: PictureNode, indent: string) => `${indent}${ids.get(node.id)}${open[node.kind][0]}${text(node)}${open[node.kind][1]}`;
  byNamespace(picture).forEach(([namespace, nodes], i) => {
    if (namespace === undefined) {
      for (const node of nodes) lines.push(nodeLine(node, '  '));
      return;
    }
    lines.push(`  subgraph ns${i}[${text({ label: `namespace ${namespace}` })}]`);
    for (const node of nodes) lines.push(nodeLine(node, '    '));
    lines.push('  end');
  });
  for (const edge of picture.edges) {
    const from = edge.fromCluster ? `ns${clusterOf(edge.from)}` : ids.get(edge.from);
    const to = edge.toCluster ? `ns${clusterOf(edge.to)}` : ids.get(edge.to);
    lines.push(`  ${from} ${edge.oneSided ? '-.->' : '-->'}|${text({ label: edgeLabel(edge) })}| ${to}`);
  }
  const wide = picture.nodes.filter((node) => node.wide).map((node) => ids.get(node.id));
  if (wide.length > 0) lines.push('  classDef wide stroke:#c0392b,stroke-width:2px,color:#c0392b', `  class ${wide.join(',')} wide`);
  return lines.join('\n');
}
/** The marker an SVG carries: the digest of its DOT source. */
function svgMarker(dot: string): string {
  return `<!-- network-graph ${createHash('sha256').update(dot).digest('hex')} -->`;
}

/**
 * Pictures to draw from which a second thread draws half of them: starting one (a worker thread that
 * loads Graphviz again: about 80 ms) costs less than drawing 24 pictures at 15 ms and more each.
 */
const SHARED_FROM = 48;

/** The second thread's program: draws the DOT sources it is given, in order (or says why it could not). */
const DRAWER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.viz).instance().then(
  (viz) => parentPort.postMessage({ svgs: workerData.dots.map((dot) => viz.renderString(dot, { format: 'svg' })) }),
  (error) => parentPort.postMessage({ failed: String(error) }),
);
`;

/**
 * Draws `dots` on a worker thread: its SVGs in order, or undefined when it could not (the caller
 * draws them then: a picture never depends on the second thread).
 */
function drawOnWorker(viz: string, dots: readonly string[]): Promise<string[] | undefined> {
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  return new Promise((resolve) => {
    const worker = new Worker(DRAWER_SOURCE, { eval: true, workerData: { viz, dots }, stdout: false, stderr: false });
    const done = (svgs: string[] | undefined) => {
      resolve(svgs);
      void worker.terminate();
    };
    worker.once('message', (message: { svgs?: string[] }) => done(message.svgs?.length === dots.length ? message.svgs : undefined));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}

/**
 * Renders DOT sources as SVG with @viz-js/viz, loaded only when needed (5 MB of WebAssembly: about
 * 40 ms to load, 15 ms and more per graph). `previous(i)` gives the SVG already in the output for
 * source i, if any: when it carries the same marker (same DOT source) it is reused as it is, so a synth
 * that leaves the policies alone does not load Graphviz at all. (Another version of @viz-js/viz may
 * draw the same source differently: a synth into an empty folder, as the dist/ test does, redraws all.)
 * From `sharedFrom` pictures to draw (SHARED_FROM; where `require` exists, as in the compiled synth),
 * a worker thread draws every second one with the same module while this thread draws the others:
 * the same SVGs, on both cores.
 */
export async function renderSvgs(dots: readonly string[], previous: (index: number) => string | undefined, sharedFrom = SHARED_FROM): Promise<string[]> {
  const results: (string | undefined)[] = dots.map((dot, i) => {
    const old = previous(i);
    return old?.includes(svgMarker(dot)) ? old : undefined;
  });
  const todo = dots.flatMap((_, i) => (results[i] === undefined ? [i] : []));
  if (todo.length === 0) return results as string[];
  // require in the CommonJS bundle (a dynamic import there is an experimental feature of vm.Script); import elsewhere (vitest).
  const bundled = typeof require === 'function';
  const module: typeof import('@viz-js/viz') = bundled ? require('@viz-js/viz') : await import('@viz-js/viz');
  const theirs = bundled && todo.length >= sharedFrom ? todo.filter((_, k) => k % 2 === 1) : [];
  const theirDots = theirs.map((i) => dots[i]);
  const drawn = theirs.length > 0 ? drawOnWorker(require.resolve('@viz-js/viz'), theirDots) : Promise.resolve(undefined);
  const viz = await module.instance();
  // The marker right after the XML declaration.
  const marked = (i: number, svg: string) => {
    const cut = svg.indexOf('?>') + 2;
    results[i] = `${svg.slice(0, cut)}\n${svgMarker(dots[i])}${svg.slice(cut)}`;
  };
  const draw = (i: number) => marked(i, viz.renderString(dots[i], { format: 'svg' }));
  const onWorker = new Set(theirs);
  for (const i of todo) if (!onWorker.has(i)) draw(i);
  const svgs = await drawn;
  theirs.forEach((i, k) => {
    const svg = svgs?.[k];
    if (svg === undefined) draw(i);
    else marked(i, svg);
  });
  return results as string[];
}
