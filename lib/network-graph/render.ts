/**
 * The network graph (graph.ts) as text: Graphviz DOT (turned into SVG by @viz-js/viz, Graphviz compiled
 * to WebAssembly: no system binary) and Mermaid (GitHub and GitLab draw it in a Markdown file, so the
 * picture shows in a pull request). Both group nodes by namespace, draw wide nodes (every pod of a
 * namespace, any namespace, any address) in red, and one-sided edges dashed. Deterministic: nodes and
 * edges come sorted, ids are their positions.
 */
import { createHash } from 'node:crypto';
import type { GraphNode, NetworkGraph } from './graph';

const byNamespace = (graph: NetworkGraph): [string | undefined, GraphNode[]][] => {
  const groups = new Map<string | undefined, GraphNode[]>();
  for (const node of graph.nodes) {
    const list = groups.get(node.namespace) ?? [];
    list.push(node);
    groups.set(node.namespace, list);
  }
  return [...groups].sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'));
};

const edgeLabel = (edge: NetworkGraph['edges'][number]): string => (edge.oneSided ? `${edge.ports} (${edge.sides[0]} only)` : edge.ports);

const shapeOf: Record<GraphNode['kind'], string> = { workload: 'box', pods: 'ellipse', cidr: 'hexagon', anywhere: 'doubleoctagon' };

/** Graphviz DOT source of the graph. */
export function toDot(graph: NetworkGraph): string {
  const ids = new Map(graph.nodes.map((node, i) => [node.id, `n${i}`]));
  const quote = (text: string) => JSON.stringify(text);
  const lines = [`digraph ${quote(`network-${graph.environment}`)} {`, '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  const nodeLine = (node: GraphNode, indent: string) =>
    `${indent}${ids.get(node.id)} [label=${quote(node.label)}, shape=${shapeOf[node.kind]}${node.wide ? ', color="#c0392b", fontcolor="#c0392b", style=bold' : ''}];`;
  byNamespace(graph).forEach(([namespace, nodes], i) => {
    if (namespace === undefined) {
      for (const node of nodes) lines.push(nodeLine(node, '  '));
      return;
    }
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(`namespace ${namespace}`)};`, '    style=rounded; color="#7f8c8d";');
    for (const node of nodes) lines.push(nodeLine(node, '    '));
    lines.push('  }');
  });
  for (const edge of graph.edges) {
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [label=${quote(edgeLabel(edge))}${edge.oneSided ? ', style=dashed, color="#c0392b"' : ''}];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** Mermaid flowchart of the graph (the body of a ```mermaid block). */
export function toMermaid(graph: NetworkGraph): string {
  const ids = new Map(graph.nodes.map((node, i) => [node.id, `n${i}`]));
  // Mermaid labels are quoted strings; a quote inside one is written as an entity.
  const text = (label: string) => `"${label.replace(/"/g, '#quot;')}"`;
  const open: Record<GraphNode['kind'], [string, string]> = { workload: ['[', ']'], pods: ['([', '])'], cidr: ['{{', '}}'], anywhere: ['(((', ')))'] };
  const lines = ['flowchart LR'];
  const nodeLine = (node: GraphNode, indent: string) => `${indent}${ids.get(node.id)}${open[node.kind][0]}${text(node.label)}${open[node.kind][1]}`;
  byNamespace(graph).forEach(([namespace, nodes], i) => {
    if (namespace === undefined) {
      for (const node of nodes) lines.push(nodeLine(node, '  '));
      return;
    }
    lines.push(`  subgraph ns${i}[${text(`namespace ${namespace}`)}]`);
    for (const node of nodes) lines.push(nodeLine(node, '    '));
    lines.push('  end');
  });
  for (const edge of graph.edges) lines.push(`  ${ids.get(edge.from)} ${edge.oneSided ? '-.->' : '-->'}|${text(edgeLabel(edge))}| ${ids.get(edge.to)}`);
  const wide = graph.nodes.filter((node) => node.wide).map((node) => ids.get(node.id));
  if (wide.length > 0) lines.push('  classDef wide stroke:#c0392b,stroke-width:2px,color:#c0392b', `  class ${wide.join(',')} wide`);
  return lines.join('\n');
}

/** The marker an SVG carries: the digest of its DOT source. */
function svgMarker(dot: string): string {
  return `<!-- network-graph ${createHash('sha256').update(dot).digest('hex')} -->`;
}

/**
 * Renders DOT sources as SVG with @viz-js/viz, loaded only when needed (5 MB of WebAssembly: about
 * 40 ms to load, 15 ms and more per graph). `previous(i)` gives the SVG already in the output for
 * source i, if any: when it carries the same marker (same DOT source) it is reused as it is, so a synth
 * that leaves the policies alone does not load Graphviz at all. (Another version of @viz-js/viz may
 * draw the same source differently: a synth into an empty folder, as the dist/ test does, redraws all.)
 */
export async function renderSvgs(dots: readonly string[], previous: (index: number) => string | undefined): Promise<string[]> {
  const results: (string | undefined)[] = dots.map((dot, i) => {
    const old = previous(i);
    return old?.includes(svgMarker(dot)) ? old : undefined;
  });
  if (results.every((svg) => svg !== undefined)) return results as string[];
  // require in the CommonJS bundle (a dynamic import there is an experimental feature of vm.Script); import elsewhere (vitest).
  const module: typeof import('@viz-js/viz') = typeof require === 'function' ? require('@viz-js/viz') : await import('@viz-js/viz');
  const viz = await module.instance();
  return dots.map((dot, i) => {
    const reused = results[i];
    if (reused !== undefined) return reused;
    const svg = viz.renderString(dot, { format: 'svg' });
    // The marker right after the XML declaration.
    const cut = svg.indexOf('?>') + 2;
    return `${svg.slice(0, cut)}\n${svgMarker(dot)}${svg.slice(cut)}`;
  });
}
