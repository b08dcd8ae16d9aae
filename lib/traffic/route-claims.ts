/**
 * A host and path belong to one application per environment, on both providers. Two HTTPRoutes that
 * claim the same hostname and path match on one Gateway listener, or two Ingresses of one class with the
 * same host and path, make the proxy pick one by its own order (Gateway API: the oldest route wins the
 * conflicting match, HTTPRoute reference "Conflicts"; ingress-nginx merges the Ingresses of a host and
 * keeps one location per path), so the other application silently loses its traffic.
 *
 * - synth (`routeClaimProblems`): every application's `ingress.hosts` paths and admin paths, and the
 *   monitoring stack's routes, of each environment; the later claim is refused with the values path of
 *   both (file, line of the earlier);
 * - `npm run validate` (`routeClaimFindings`): the rendered HTTPRoutes and Ingresses, grouped by the
 *   environment folder of dist/manifests (a single chart rendered alone cannot see the others).
 * A claim is a host (lower case), a match (PathPrefix, as Prefix and ImplementationSpecific are written,
 * or Exact) and a path (a prefix without its trailing slash: Gateway API prefixes match by path
 * element, so /api and /api/ are the same prefix).
 */
import type { Finding } from '../validation/finding';
import { type KubernetesObject, isKubernetesObject, isRecord, type ManifestDocument, objectRef } from '../validation/kubernetes-object';

/** One claim of a host and path, by an owner (an application or the monitoring stack). */
export interface RouteClaim {
  readonly host: string;
  readonly match: 'PathPrefix' | 'Exact';
  readonly path: string;
  /** The owner's values section, e.g. `applications.api` or `monitoring`. */
  readonly owner: readonly string[];
  /** Where in the owner's values the claim is written (after `owner`). */
  readonly at: readonly (string | number)[];
}

function normalized(host: string, pathType: string, path: string): { host: string; match: 'PathPrefix' | 'Exact'; path: string } {
  const match = pathType === 'Exact' ? 'Exact' : 'PathPrefix';
  return { host: host.toLowerCase(), match, path: match === 'PathPrefix' && path.length > 1 ? path.replace(/\/+$/, '') || '/' : path };
}

const claimKey = (c: { host: string; match: string; path: string }) => `${c.host} ${c.match} ${c.path}`;

interface AppClaimValues {
  readonly ingress: {
    readonly enabled: boolean;
    readonly hosts: readonly { readonly host: string; readonly paths: readonly { readonly path: string; readonly pathType: string }[] }[];
    readonly adminPaths: { readonly paths: readonly string[] };
  };
}

/** The claims of an application (none when its entry is off). Admin paths are served on every host. */
export function applicationClaims(name: string, values: AppClaimValues): RouteClaim[] {
  if (!values.ingress.enabled) return [];
  const owner = ['applications', name];
  return values.ingress.hosts.flatMap((host, h) => [
    ...host.paths.map((path, p): RouteClaim => ({ ...normalized(host.host, path.pathType, path.path), owner, at: ['ingress', 'hosts', h, 'paths', p] })),
    ...values.ingress.adminPaths.paths.map((path, p): RouteClaim => ({ ...normalized(host.host, 'Prefix', path), owner, at: ['ingress', 'adminPaths', 'paths', p] })),
  ]);
}

interface MonitoringClaimValues {
  readonly mode: string;
  readonly ingress: { readonly enabled: boolean; readonly host: string; readonly path: string; readonly healthPath: string };
}

/** The claims of the monitoring stack's routes (standalone mode): Grafana, its health path, Prometheus and Alertmanager. */
export function monitoringClaims(values: MonitoringClaimValues, subPaths: readonly string[]): RouteClaim[] {
  if (values.mode !== 'standalone' || !values.ingress.enabled) return [];
  const owner = ['monitoring'];
  const host = values.ingress.host;
  return [
    { ...normalized(host, 'Prefix', values.ingress.path), owner, at: ['ingress', 'path'] },
    { ...normalized(host, 'Exact', values.ingress.healthPath), owner, at: ['ingress', 'healthPath'] },
    ...subPaths.map((path) => ({ ...normalized(host, 'Prefix', path), owner, at: ['ingress', 'host'] })),
  ];
}

/** The later claim of each host and path another owner claimed first, with that first claim. */
function claimConflicts(claims: readonly RouteClaim[]): Array<{ readonly claim: RouteClaim; readonly first: RouteClaim }> {
  const first = new Map<string, RouteClaim>();
  const conflicts: Array<{ claim: RouteClaim; first: RouteClaim }> = [];
  for (const claim of claims) {
    const earlier = first.get(claimKey(claim));
    if (!earlier) first.set(claimKey(claim), claim);
    else if (earlier.owner.join('.') !== claim.owner.join('.')) conflicts.push({ claim, first: earlier });
  }
  return conflicts;
}

const dotted = (path: readonly (string | number)[]) => path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');

/**
 * The conflicts of an environment's claims as messages for the later claim; `where` locates the earlier
 * one (e.g. `values/base.yaml:38`). The caller locates the later claim (its owner and `at`).
 */
export function routeClaimConflicts(claims: readonly RouteClaim[], where: (claim: RouteClaim) => string): Array<{ readonly claim: RouteClaim; readonly message: string }> {
  return claimConflicts(claims).map(({ claim, first }) => {
    const located = where(first);
    return {
      claim,
      message: `${claim.host} ${claim.path} (${claim.match}) is already claimed by ${dotted([...first.owner, ...first.at])}${located ? ` (${located})` : ''}: a host and path belong to one application per environment (the proxy would send it to only one of them)`,
    };
  });
}

// Rendered objects (npm run validate) ------------------------------------------------------------------

interface RenderedClaim {
  readonly key: string;
  readonly description: string;
  readonly source: { readonly file: string; readonly object: KubernetesObject };
}

/** The environment folder of a file under a manifests/ folder (dist/manifests/<env>/...), else one group for all. */
function groupOf(file: string): string {
  const match = /(?:^|[/\\])manifests[/\\]([^/\\]+)[/\\]/.exec(file);
  return match ? match[1] : '';
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function httpRouteClaims(file: string, object: KubernetesObject): RenderedClaim[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const hostnames = list(spec.hostnames)
    .map(text)
    .filter((h): h is string => h !== undefined);
  const parents = list(spec.parentRefs).filter(isRecord);
  const claims: RenderedClaim[] = [];
  for (const parent of parents) {
    const listener = `${text(parent.namespace) ?? text(object.metadata?.namespace) ?? ''}/${text(parent.name) ?? ''}/${text(parent.sectionName) ?? '*'}`;
    for (const rule of list(spec.rules).filter(isRecord)) {
      const matches = list(rule.matches).filter(isRecord);
      const paths = matches.length > 0 ? matches.map((m) => (isRecord(m.path) ? m.path : {})) : [{ type: 'PathPrefix', value: '/' }];
      for (const path of paths) {
        for (const host of hostnames.length > 0 ? hostnames : ['*']) {
          const claim = normalized(host, text(path.type) === 'Exact' ? 'Exact' : 'Prefix', text(path.value) ?? '/');
          claims.push({ key: `HTTPRoute ${listener} ${claimKey(claim)}`, description: `${claim.host} ${claim.path} (${claim.match}) on the listener ${listener}`, source: { file, object } });
        }
      }
    }
  }
  return claims;
}

function ingressClaims(file: string, object: KubernetesObject): RenderedClaim[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const className = text(spec.ingressClassName) ?? '';
  return list(spec.rules)
    .filter(isRecord)
    .flatMap((rule) =>
      list(isRecord(rule.http) ? rule.http.paths : [])
        .filter(isRecord)
        .map((path) => {
          const claim = normalized(text(rule.host) ?? '*', text(path.pathType) ?? 'Prefix', text(path.path) ?? '/');
          return { key: `Ingress ${className} ${claimKey(claim)}`, description: `${claim.host} ${claim.path} (${claim.match}) of the IngressClass ${className || '(default)'}`, source: { file, object } };
        }),
    );
}

/** Findings for each HTTPRoute or Ingress claiming a host and path that another object of its environment claims first. */
export function routeClaimFindings(documents: readonly ManifestDocument[]): Finding[] {
  const first = new Map<string, RenderedClaim>();
  const findings: Finding[] = [];
  for (const { file, doc } of documents) {
    if (!isKubernetesObject(doc)) continue;
    const claims = doc.kind === 'HTTPRoute' ? httpRouteClaims(file, doc) : doc.kind === 'Ingress' ? ingressClaims(file, doc) : [];
    for (const claim of claims) {
      const key = `${groupOf(file)} ${claim.key}`;
      const earlier = first.get(key);
      if (!earlier) first.set(key, claim);
      else if (objectRef(earlier.source.object) !== objectRef(doc)) {
        findings.push({
          file,
          object: objectRef(doc),
          message: `${claim.description} is also claimed by ${objectRef(earlier.source.object)} (${earlier.source.file}): one host and path per application, or the proxy serves only one of them`,
        });
      }
    }
  }
  return findings;
}
