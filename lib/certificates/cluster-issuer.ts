/**
 * The cluster's ACME ClusterIssuer (cert-manager.io/v1): Let's Encrypt through the HTTP-01 solver on
 * the environment's traffic entry, its account key in the Secret `<name>-account-key` of cert-manager's
 * namespace (made by cert-manager, never in git). Staging in dev and staging, production in production
 * (values/*.yaml `monitoring.certManager`, named after each environment's `clusterIssuer`).
 * The solver follows `traffic.provider`: `ingress` serves the challenges through an Ingress of the
 * ingress class; `gatewayAPI` through an HTTPRoute cert-manager attaches to the platform Gateway's
 * HTTP listener (`gatewayHTTPRoute`; cert-manager runs with its Gateway API support enabled). The
 * same issuer then serves the platform team's Gateway listener certificates (gateway-shim).
 */
import { Construct } from 'constructs';
import { ClusterIssuer } from '../../imports/cert-manager.io';
import { TemplatedObject } from '../chart/templated-object';
import { fmt } from '../template/expr';
import { type Refs, when } from '../template/manifest';
import { httpListenerRef, usesGatewayApi, usesIngress } from '../traffic/gateway-api';
import type { MonitoringValues } from '../monitoring/values-schema';
import { labels } from '../monitoring/stack/common';

export class AcmeClusterIssuer extends Construct {
  constructor(scope: Construct, id: string, props: { readonly values: Refs<MonitoringValues> }) {
    super(scope, id);
    const issuer = props.values.certManager.clusterIssuer;
    const traffic = props.values.traffic;
    new TemplatedObject(this, 'Resource', {
      type: ClusterIssuer,
      template: 'clusterissuer.yaml',
      condition: issuer.create,
      manifest: {
        metadata: { name: issuer.name, labels: labels('acme-issuer') },
        spec: {
          acme: {
            server: issuer.server,
            email: issuer.email,
            privateKeySecretRef: { name: fmt`${issuer.name}-account-key` },
            solvers: [
              {
                http01: {
                  ingress: when(usesIngress(traffic), { ingressClassName: issuer.ingressClassName }),
                  gatewayHTTPRoute: when(usesGatewayApi(traffic), { parentRefs: [httpListenerRef(traffic)] }),
                },
              },
            ],
          },
        },
      },
    });
  }
}
