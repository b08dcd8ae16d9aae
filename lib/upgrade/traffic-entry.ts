/**
 * Moving an application's entry between traffic providers (`environment.traffic.provider`): its
 * Ingresses give way to HTTPRoutes (or back). Kubernetes accepts both objects, but this is not an
 * in-place change: the routes are served at the Gateway's address (not the ingress controller's), TLS
 * moves to the Gateway listener's certificate, and deleting the Ingress cuts traffic before DNS points
 * at the Gateway. So it is reported like a refused change, with the way through (README: "Moving
 * between traffic providers").
 */
import type { ManifestDocument } from './output';
import { type FieldChange, type KubeObject, apiGroup } from './rules';

const INGRESS = 'networking.k8s.io/Ingress';
const HTTP_ROUTE = 'gateway.networking.k8s.io/HTTPRoute';

/** A move of one namespace's entry, reported on the first object of the new provider. */
export interface EntryMove extends FieldChange {
  readonly file: string;
  readonly object: KubeObject;
}

function kindKey(object: KubeObject): string {
  return `${apiGroup(object.apiVersion)}/${object.kind}`;
}

/**
 * The namespaces (per environment) whose previous output had Ingresses and no HTTPRoute that the
 * current one keeps, and whose current output has HTTPRoutes instead, or the reverse.
 */
export function entryMoves(previous: readonly ManifestDocument[], current: readonly ManifestDocument[]): EntryMove[] {
  const byNamespace = (docs: readonly ManifestDocument[], kind: string) => {
    const found = new Map<string, ManifestDocument[]>();
    for (const doc of docs) {
      if (kindKey(doc.object) !== kind) continue;
      const key = `${doc.environment}/${doc.object.metadata.namespace ?? ''}`;
      found.set(key, [...(found.get(key) ?? []), doc]);
    }
    return found;
  };
  const moves: EntryMove[] = [];
  const report = (from: string, to: string) => {
    const before = byNamespace(previous, from);
    const beforeNew = byNamespace(previous, to);
    const after = byNamespace(current, to);
    const afterOld = byNamespace(current, from);
    for (const [key, added] of after) {
      const removed = before.get(key);
      if (!removed || beforeNew.has(key) || afterOld.has(key)) continue;
      const [first] = added;
      const name = (doc: ManifestDocument) => `${doc.object.kind} ${doc.object.metadata.name}`;
      moves.push({
        file: first.file,
        object: first.object,
        field: 'kind',
        reason: `is a move between traffic providers, not an in-place change (new address, TLS on the Gateway listener): follow the README's "Moving between traffic providers"`,
        previous: removed.map(name).join(', '),
        current: added.map(name).join(', '),
      });
    }
  };
  report(INGRESS, HTTP_ROUTE);
  report(HTTP_ROUTE, INGRESS);
  return moves;
}
