/**
 * A cert-manager Certificate for the hosts of a route (an Ingress's TLS hosts), issued by a
 * ClusterIssuer and written to the Secret the route serves. Only with `traffic.provider: ingress`:
 * on the Gateway API, TLS ends at the platform Gateway's listener, whose certificate is the platform
 * team's (cert-manager's gateway-shim on the Gateway, or a Certificate they own in the Gateway's
 * namespace); an application namespace holds no certificate then.
 *
 * Why a Certificate object rather than the `cert-manager.io/cluster-issuer` Ingress annotation
 * (ingress-shim): the Certificate is in git and in both outputs, strictly validated against the
 * cert-manager CRD schema, typed from imports/. The charts therefore no longer set the annotation, so
 * ingress-shim never makes a second Certificate for the same Secret. The Certificate is named like
 * its Secret, as ingress-shim names the ones it makes, so a cluster moving from the annotation keeps
 * one Certificate per Secret (apply the new manifests, then check `kubectl get certificate`).
 *
 * Renewal: cert-manager renews at two thirds of the certificate's life (30 days before the end of
 * a 90-day Let's Encrypt certificate); the private key is rotated on each renewal (`rotationPolicy:
 * Always`). The certificate-expiry alerts (lib/monitoring/rules/certificates.ts) fire when that fails.
 *
 * The HTTP-01 challenge is traffic the Certificate implies (issue 19 §2): cert-manager answers it from a
 * solver pod it starts in the Certificate's namespace (labelled `acme.cert-manager.io/http01-solver:
 * "true"`, listening on 8089: cert-manager pkg/issuer/acme/http/pod.go and http.go), which the ACME
 * server reaches through the ingress controller. The namespace denies all ingress by default, so
 * `solverPolicy` admits exactly that: the ingress controller's namespace to the solver pods on 8089.
 */
import type { ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { Certificate } from '../../imports/cert-manager.io';
import { TemplatedObject } from '../chart/templated-object';
import { k8s } from 'cdk8s-plus-27';
import { type Expr, and } from '../template/expr';
import type { Checked, Manifest, ManifestOf } from '../template/typed';

export interface RouteCertificateProps {
  /** Template file name, e.g. certificate.yaml. */
  readonly template: string;
  /** The object exists only when this holds (TLS enabled). */
  readonly condition: Expr;
  /** Name (the Secret's name), namespace and labels. */
  readonly metadata: Manifest<ApiObjectMetadata>;
  /** The Secret the route serves; also the Certificate's name. */
  readonly secretName: Expr<string>;
  /** The host names of the route (every TLS host). */
  readonly dnsNames: Manifest<string[]>;
  /** Name of the ClusterIssuer (the environment's `clusterIssuer`). */
  readonly issuer: Expr<string>;
  /** The NetworkPolicy admitting the ingress controller to the HTTP-01 solver pods, where the namespace has NetworkPolicies. */
  readonly solverPolicy?: {
    readonly template: string;
    readonly condition: Expr;
    readonly metadata: Manifest<ApiObjectMetadata>;
    /** Namespace of the ingress controller that forwards the ACME server's request. */
    readonly ingressControllerNamespace: Expr<string>;
  };
}

/** The label and port of cert-manager's HTTP-01 solver pods (pkg/apis/acme/v1 SolverIdentificationLabelKey; pkg/issuer/acme/http acmeSolverListenPort). */
const SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';
const SOLVER_PORT = 8089;

/** The Certificate of a route (see the module comment). */
export function routeCertificate(scope: Construct, id: string, props: RouteCertificateProps): TemplatedObject {
  const manifest: ManifestOf<typeof Certificate> = {
    metadata: props.metadata,
    spec: {
      secretName: props.secretName,
      dnsNames: props.dnsNames,
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.issuer },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  };
  const solver = props.solverPolicy;
  if (solver) {
    new TemplatedObject(scope, `${id}SolverPolicy`, {
      type: k8s.KubeNetworkPolicy,
      template: solver.template,
      condition: and(props.condition, solver.condition),
      manifest: {
        metadata: solver.metadata,
        spec: {
          podSelector: { matchLabels: { [SOLVER_LABEL]: 'true' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': solver.ingressControllerNamespace } } }], ports: [{ protocol: 'TCP', port: SOLVER_PORT }] }],
        },
      } as Checked<ManifestOf<typeof k8s.KubeNetworkPolicy>, ManifestOf<typeof k8s.KubeNetworkPolicy>>,
    });
  }
  // Typed above against the Certificate's props; `Checked` (no key beyond them) cannot be evaluated
  // again for props typed as a whole (`Manifest<ApiObjectMetadata>`), hence the cast to the same tree.
  return new TemplatedObject(scope, id, {
    type: Certificate,
    template: props.template,
    condition: props.condition,
    manifest: manifest as Checked<ManifestOf<typeof Certificate>, ManifestOf<typeof Certificate>>,
  });
}
