/**
 * Labels and annotations from values on every object of a chart (`commonLabels`, `commonAnnotations`,
 * as Bitnami's charts name them), in both renderings: each object's `metadata.labels` and
 * `metadata.annotations`, and the labels of the pod (and Job) templates it holds, get the values' map
 * spread beside their own entries. The chart's own keys stay the chart's: a key the chart sets beside the
 * spread is refused in the values (lib/chart/reserved-keys.ts reads them from these trees), so the
 * selector labels never change; a key that another map of values also spreads there (`podLabels`,
 * `service.annotations`) is refused too (`spreadOverlaps`).
 */
import { Expr } from '../template/expr';
import { Each, type Node, Spread, When, spread } from '../template/manifest';

/** The maps of values added to every object. */
export interface CommonMetadata {
  readonly labels: Expr<Readonly<Record<string, unknown>>>;
  readonly annotations: Expr<Readonly<Record<string, unknown>>>;
}

/** A chart whose objects all carry labels and annotations from values (charts/app-chart.ts). */
export interface CommonMetadataChart {
  readonly commonMetadata: CommonMetadata;
}

export function hasCommonMetadata(chart: unknown): chart is CommonMetadataChart {
  return typeof chart === 'object' && chart !== null && 'commonMetadata' in chart;
}

type Tree = { readonly [key: string]: Node };

function isPlainObject(node: Node | undefined): node is Tree {
  return node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof Expr || node instanceof When || node instanceof Each || node instanceof Spread);
}

/** `map` (a label or annotation map of the tree, or none) with the values' map spread beside its entries. */
function withSpread(map: Node | undefined, added: Expr<Readonly<Record<string, unknown>>>, where: string): Node {
  if (map === undefined) return spread(added) as unknown as Node;
  if (!isPlainObject(map)) throw new Error(`${where}: its labels or annotations are set from values as a whole, so commonLabels and commonAnnotations cannot be added beside them`);
  return { ...map, ...spread(added) } as Node;
}

/** The pod and Job templates of a tree (`template`, `jobTemplate` with metadata), their labels with the common labels. */
function withTemplateLabels(node: Node, labels: CommonMetadata['labels'], where: string): Node {
  if (node instanceof When) return new When(node.cond, withTemplateLabels(node.then, labels, where), node.otherwise === undefined ? undefined : withTemplateLabels(node.otherwise, labels, where));
  if (!isPlainObject(node)) return node;
  const out: Record<string, Node> = {};
  for (const [key, child] of Object.entries(node)) {
    let next = withTemplateLabels(child, labels, where);
    if ((key === 'template' || key === 'jobTemplate') && isPlainObject(next) && isPlainObject(next.metadata)) {
      next = { ...next, metadata: { ...next.metadata, labels: withSpread(next.metadata.labels, labels, where) } };
    }
    out[key] = next;
  }
  return out;
}

/**
 * An object's manifest tree with `common` added (see the module comment); `where` names it in errors.
 * Throws when its metadata labels or annotations are one expression (a whole map from values), which
 * nothing can be added beside.
 */
export function withCommonMetadata(manifest: Node, common: CommonMetadata, where: string): Node {
  if (!isPlainObject(manifest)) return manifest;
  const metadata = isPlainObject(manifest.metadata) ? manifest.metadata : {};
  const out: Record<string, Node> = {
    ...manifest,
    metadata: { ...metadata, labels: withSpread(metadata.labels, common.labels, where), annotations: withSpread(metadata.annotations, common.annotations, where) },
  };
  if (manifest.spec !== undefined) out.spec = withTemplateLabels(manifest.spec, common.labels, where);
  return out;
}
