/**
 * The controllers (operators and CRD bundles) the platform's objects can need, by the name each has in
 * `prerequisites.controllers` (lib/references/prerequisites.ts): which API groups and kinds each serves,
 * its usual namespace, the command that shows on a cluster which version runs, and the minimum versions
 * that features of the written objects require, each with its source. The needs themselves are derived
 * from the objects (lib/references/needs.ts); this module only knows who serves what and since when.
 */
import type { ControllerKey } from './prerequisites';

interface ControllerSpec {
  /** The name people know it by. */
  readonly title: string;
  /** Namespace of its controller when `prerequisites.controllers.<key>.namespace` is not set. */
  readonly namespace: string;
  /** Shell command printing the version that runs (an image tag, or a CRD's version annotation). */
  readonly versionCommand: (namespace: string) => string;
}

/** The images of the controller's Deployments (their tags are the versions), selected by their labels. */
const image = (namespace: string, selector: string) => `kubectl -n ${namespace} get deployment -l ${selector} -o jsonpath='{.items[*].spec.template.spec.containers[*].image}'`;

/** Every controller the catalog knows. */
export const CONTROLLERS: Readonly<Record<ControllerKey, ControllerSpec>> = {
  argoRollouts: { title: 'Argo Rollouts', namespace: 'argo-rollouts', versionCommand: (ns) => image(ns, 'app.kubernetes.io/name=argo-rollouts') },
  externalSecrets: { title: 'External Secrets Operator', namespace: 'external-secrets', versionCommand: (ns) => image(ns, 'app.kubernetes.io/name=external-secrets') },
  sealedSecrets: { title: 'Sealed Secrets', namespace: 'kube-system', versionCommand: (ns) => image(ns, 'app.kubernetes.io/name=sealed-secrets') },
  certManager: { title: 'cert-manager', namespace: 'cert-manager', versionCommand: (ns) => image(ns, 'app.kubernetes.io/name=cert-manager,app.kubernetes.io/component=controller') },
  gatewayAPI: {
    title: 'Gateway API CRDs',
    namespace: '',
    versionCommand: () => `kubectl get crd httproutes.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}'`,
  },
  envoyGateway: { title: 'Envoy Gateway', namespace: 'envoy-gateway-system', versionCommand: (ns) => image(ns, 'control-plane=envoy-gateway') },
  ingressNginx: { title: 'ingress-nginx', namespace: 'ingress-nginx', versionCommand: (ns) => image(ns, 'app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller') },
  prometheusOperator: {
    title: 'Prometheus Operator',
    namespace: 'monitoring',
    versionCommand: () => `kubectl get crd servicemonitors.monitoring.coreos.com -o jsonpath='{.metadata.annotations.operator\\.prometheus\\.io/version}'`,
  },
  velero: { title: 'Velero', namespace: 'velero', versionCommand: (ns) => image(ns, 'component=velero') },
  argoCD: { title: 'Argo CD', namespace: 'argocd', versionCommand: (ns) => image(ns, 'app.kubernetes.io/name=argocd-server') },
  flux: {
    title: 'Flux',
    namespace: 'flux-system',
    versionCommand: () => `kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io -o jsonpath='{.metadata.labels.app\\.kubernetes\\.io/version}'`,
  },
};

/** Argo CD's kinds in the argoproj.io group, which Argo Rollouts shares. */
const ARGO_CD_KINDS = new Set(['Application', 'AppProject', 'ApplicationSet']);

/** The controller that serves a custom kind, or undefined when the catalog knows none (declare its CRD in prerequisites.crds). */
export function controllerOf(group: string, kind: string): ControllerKey | undefined {
  if (group === 'argoproj.io') return ARGO_CD_KINDS.has(kind) ? 'argoCD' : 'argoRollouts';
  if (group === 'external-secrets.io' || group === 'generators.external-secrets.io') return 'externalSecrets';
  if (group === 'bitnami.com') return 'sealedSecrets';
  if (group === 'cert-manager.io' || group === 'acme.cert-manager.io') return 'certManager';
  if (group === 'gateway.networking.k8s.io') return 'gatewayAPI';
  if (group === 'gateway.envoyproxy.io') return 'envoyGateway';
  if (group === 'monitoring.coreos.com') return 'prometheusOperator';
  if (group === 'velero.io') return 'velero';
  if (group.endsWith('.toolkit.fluxcd.io')) return 'flux';
  return undefined;
}

/**
 * The CustomResourceDefinition of a kind, `<plural>.<group>` as the API server names it. The plural is
 * the lower-case kind with English plural rules, which every kind the platform writes follows (the
 * CRDs in ../shared/kubernetes-json-schema/crds: rollouts, httproutes, backendtrafficpolicies,
 * gatewayclasses, gitrepositories, ...).
 */
export function crdName(group: string, kind: string): string {
  const lower = kind.toLowerCase();
  const plural = /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(lower) ? `${lower}es` : `${lower}s`;
  return `${plural}.${group}`;
}

/** A minimum version a written object needs, with what needs it and the source of the figure. */
export interface VersionFloor {
  readonly controller: ControllerKey;
  readonly version: string;
  /** What in the object needs it, e.g. `spec.strategy.canary.trafficRouting.plugins (traffic router plugins)`. */
  readonly feature: string;
  /** Where the figure comes from: release notes, a changelog, the project's documentation. */
  readonly source: string;
}

type Floor = Omit<VersionFloor, 'feature'> & { readonly feature: string; readonly applies: (object: KubernetesObject) => boolean };

interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly spec?: unknown;
}

const get = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The version floors the catalog knows, checked against every written object. Only figures with a
 * source are listed; a controller none of whose floors applies needs any release that serves its kinds.
 */
const FLOORS: readonly Floor[] = [
  {
    controller: 'argoRollouts',
    version: '1.0.0',
    feature: 'Rollout status.phase, which Argo CD’s and Flux’s health checks read',
    source: 'Argo Rollouts v1.0: the controller computes status.phase (utils/rollout/rolloututil.go GetRolloutPhase; argoproj/argo-cd#6321)',
    applies: (o) => o.kind === 'Rollout',
  },
  {
    controller: 'argoRollouts',
    version: '1.5.0',
    feature: 'spec.strategy.canary.trafficRouting.plugins (traffic router plugins)',
    source: 'Argo Rollouts v1.5.0 changelog: traffic router plugins (argoproj/argo-rollouts#2573)',
    applies: (o) => o.kind === 'Rollout' && get(o.spec, 'strategy', 'canary', 'trafficRouting', 'plugins') !== undefined,
  },
  {
    controller: 'externalSecrets',
    version: '0.16.0',
    feature: 'external-secrets.io/v1',
    source: 'External Secrets Operator v0.16.0: ExternalSecret, SecretStore and ClusterSecretStore promoted to v1 (external-secrets/external-secrets#4633)',
    applies: (o) => o.apiVersion === 'external-secrets.io/v1',
  },
  {
    controller: 'certManager',
    version: '1.0.0',
    feature: 'cert-manager.io/v1',
    source: 'cert-manager v1.0.0: the cert-manager.io/v1 API',
    applies: (o) => o.apiVersion === 'cert-manager.io/v1',
  },
  {
    controller: 'certManager',
    version: '1.15.0',
    feature: 'spec.acme.solvers[].http01.gatewayHTTPRoute (Gateway API HTTP-01 solver, with --enable-gateway-api)',
    source: 'cert-manager docs, Upgrading from v1.14 to v1.15: Gateway API support beta, enabled with --enable-gateway-api',
    applies: (o) => (o.kind === 'ClusterIssuer' || o.kind === 'Issuer') && list(get(o.spec, 'acme', 'solvers')).some((s) => get(s, 'http01', 'gatewayHTTPRoute') !== undefined),
  },
  {
    controller: 'gatewayAPI',
    version: '1.0.0',
    feature: 'gateway.networking.k8s.io/v1',
    source: 'Gateway API v1.0.0: Gateway, GatewayClass and HTTPRoute v1 in the standard channel',
    applies: (o) => o.apiVersion === 'gateway.networking.k8s.io/v1',
  },
  {
    controller: 'gatewayAPI',
    version: '1.2.0',
    feature: 'HTTPRoute spec.rules[].timeouts',
    source: 'Gateway API v1.2.0: HTTPRoute timeouts (GEP-1742) in the standard channel (Kubernetes blog, “Gateway API v1.2”, 2024-11-21)',
    applies: (o) => o.kind === 'HTTPRoute' && list(get(o.spec, 'rules')).some((rule) => get(rule, 'timeouts') !== undefined),
  },
  {
    controller: 'envoyGateway',
    version: '1.4.0',
    feature: 'BackendTrafficPolicy local rate limit with a Distinct sourceCIDR (one bucket per client)',
    source: 'Envoy Gateway v1.4.0: Distinct matching in local rate limits (envoyproxy/gateway#5315)',
    applies: (o) =>
      o.kind === 'BackendTrafficPolicy' &&
      get(o.spec, 'rateLimit', 'type') === 'Local' &&
      list(get(o.spec, 'rateLimit', 'local', 'rules')).some((rule) => list(get(rule, 'clientSelectors')).some((s) => get(s, 'sourceCIDR', 'type') === 'Distinct')),
  },
  {
    controller: 'velero',
    version: '1.10.0',
    feature: 'Schedule spec.template.defaultVolumesToFsBackup (file-system backup)',
    source: 'Velero v1.10.0: Restic integration renamed file-system backup (defaultVolumesToFsBackup)',
    applies: (o) => o.kind === 'Schedule' && get(o.spec, 'template', 'defaultVolumesToFsBackup') !== undefined,
  },
  {
    controller: 'flux',
    version: '2.0.0',
    feature: 'kustomize.toolkit.fluxcd.io/v1 and source.toolkit.fluxcd.io/v1',
    source: 'Flux v2.0.0: Kustomization and GitRepository v1 (GA)',
    applies: (o) => o.apiVersion === 'kustomize.toolkit.fluxcd.io/v1' || o.apiVersion === 'source.toolkit.fluxcd.io/v1',
  },
  {
    controller: 'flux',
    version: '2.5.0',
    feature: 'Kustomization spec.healthCheckExprs (CEL health checks of custom resources)',
    source: 'Flux v2.5.0, kustomize-controller v1.5.0 changelog: healthCheckExprs (RFC-0009, fluxcd/kustomize-controller#1344)',
    applies: (o) => o.kind === 'Kustomization' && get(o.spec, 'healthCheckExprs') !== undefined,
  },
];

/** The version floors `object` needs. */
export function versionFloors(object: KubernetesObject): VersionFloor[] {
  return FLOORS.filter((floor) => floor.applies(object)).map(({ applies: _, ...floor }) => floor);
}
