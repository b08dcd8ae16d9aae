/**
 * The environment's TLS policy on the Gateway API (`traffic.provider: gatewayAPI`): one Envoy Gateway
 * ClientTrafficPolicy, `<gateway>-<https listener>-tls` in the Gateway's namespace (a policy attaches to
 * a target of its own namespace), targeting the platform Gateway's HTTPS listener by `sectionName`.
 * The environment-wide chart (monitoring) writes it, as it writes the ClusterIssuer: one per
 * environment, not one per application.
 *
 * Envoy Gateway's policy attachment: a ClientTrafficPolicy on a listener takes precedence over one on
 * the whole Gateway, for that listener (ClientTrafficPolicy concepts, "more specific rules taking
 * precedence over general ones"). A platform team that keeps a Gateway-wide ClientTrafficPolicy (client
 * IP detection, timeouts) loses it on the HTTPS listener: README "Traffic entry" says so.
 * Requires an Envoy Gateway whose ClientTrafficPolicy has `tls.session.resumption` (v1.2.0 and later,
 * envoyproxy/gateway api/v1alpha1 history).
 */
import { Construct } from 'constructs';
import { ClientTrafficPolicy } from '../../imports/gateway.envoyproxy.io';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, and, fmt } from '../template/expr';
import { type Refs, type When, when } from '../template/manifest';
import type { TrafficValues } from '../values/traffic';
import { usesGatewayApi } from './gateway-api';

export interface GatewayTlsPolicyProps {
  /** The chart's `traffic` values. */
  readonly traffic: Refs<TrafficValues>;
  /** Labels of the object (the writing chart's; values may be optional, e.g. Helm-only labels). */
  readonly labels: Readonly<Record<string, Expr<string> | string | When<Expr<string>>>>;
  /** File name of its template in the chart. */
  readonly template: string;
  /** The object exists only when this also holds (besides the Gateway API provider). */
  readonly condition?: Expr<boolean>;
}

/** The policy's name: the Gateway's and the listener's, e.g. `platform-https-tls`. */
function tlsPolicyName(traffic: Refs<TrafficValues>): Expr<string> {
  return fmt`${traffic.gateway.name}-${traffic.gateway.listeners.https}-tls`;
}

export class GatewayTlsPolicy extends Construct {
  constructor(scope: Construct, id: string, props: GatewayTlsPolicyProps) {
    super(scope, id);
    const { traffic } = props;
    const tls = traffic.tls;
    const gateway = traffic.gateway;
    new TemplatedObject(this, 'Resource', {
      type: ClientTrafficPolicy,
      template: props.template,
      condition: props.condition ? and(usesGatewayApi(traffic), props.condition) : usesGatewayApi(traffic),
      manifest: {
        metadata: { name: tlsPolicyName(traffic), namespace: gateway.namespace, labels: props.labels },
        spec: {
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.name, sectionName: gateway.listeners.https }],
          tls: {
            minVersion: tls.minVersion,
            maxVersion: tls.maxVersion,
            // TLS 1.2 suites only; none with minVersion 1.3 (the CRD's CEL rule refuses them then).
            ciphers: when(tls.ciphers, tls.ciphers),
            ecdhCurves: tls.ecdhCurves,
            session: {
              resumption: { stateful: when(tls.sessionResumption.stateful, {}), stateless: when(tls.sessionResumption.stateless, {}) },
            },
          },
        },
      },
    });
  }
}
