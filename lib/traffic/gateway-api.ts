/**
 * The parts of a Gateway API entry that every chart writes the same way (applications and monitoring):
 * - routes attach to the platform's Gateway (`traffic.gateway`: name, namespace, listener), on the
 *   HTTPS listener when TLS is enabled, else on the HTTP one;
 * - the HTTP to HTTPS redirect is a route of its own on the HTTP listener, whose one rule is a
 *   RequestRedirect filter (301 to https, same host and path);
 * - security headers are a ResponseHeaderModifier filter on every rule (security-headers.ts);
 * - rate limits and source allow-lists are not in the Gateway API standard: they are Envoy Gateway
 *   policies attached to the routes (BackendTrafficPolicy: a local rate limit per client IP,
 *   SecurityPolicy: an authorization that denies all but the allowed networks). Another implementation
 *   plugs in here (README: "Traffic entry"), with its own policy kinds attached to the same routes.
 */
import { type Expr, type Operand, eq, fmt, ifElse } from '../template/expr';
import type { Refs } from '../template/manifest';
import type { TrafficValues } from '../values/traffic';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

type Traffic = Refs<TrafficValues>;

/** The environment routes through the Gateway API. */
export function usesGatewayApi(traffic: Traffic): Expr<boolean> {
  return eq(traffic.provider, 'gatewayAPI');
}

/** The environment routes through Ingresses (NGINX ingress controller). */
export function usesIngress(traffic: Traffic): Expr<boolean> {
  return eq(traffic.provider, 'ingress');
}

/** A parentRef to one listener of the platform's Gateway. */
function listenerRef(traffic: Traffic, sectionName: Expr<string>) {
  return { group: GATEWAY_GROUP, kind: 'Gateway', name: traffic.gateway.name, namespace: traffic.gateway.namespace, sectionName };
}

/** The Gateway listener a route attaches to: HTTPS when TLS is enabled, else HTTP. */
export function gatewayParent(traffic: Traffic, tls: Operand<boolean>) {
  return listenerRef(traffic, ifElse(tls, traffic.gateway.listeners.https, traffic.gateway.listeners.http));
}

/** A parentRef to the platform Gateway's plain HTTP listener (HTTPS redirects, ACME HTTP-01 challenges). */
export function httpListenerRef(traffic: Traffic) {
  return listenerRef(traffic, traffic.gateway.listeners.http);
}

/** The spec of the route that redirects plain HTTP on `hostnames` to HTTPS (301, same host and path). */
export function httpsRedirectSpec<const H>(traffic: Traffic, hostnames: H) {
  return {
    parentRefs: [httpListenerRef(traffic)],
    hostnames,
    rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
  } as const;
}

/** A ResponseHeaderModifier filter that sets the given headers. */
export function responseHeadersFilter(headers: ReadonlyArray<{ readonly name: string; readonly value: Operand<string> }>) {
  return { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: headers.map((header) => ({ name: header.name, value: header.value })) } } as const;
}

/** A request (and websocket) timeout in the Gateway API duration form, from seconds. */
export function timeoutOf(seconds: Operand<number>) {
  return { request: fmt`${seconds}s` };
}

/** A reference from a policy to an HTTPRoute of the same namespace. */
export function routeTarget(name: Operand<string>) {
  return { group: GATEWAY_GROUP, kind: 'HTTPRoute', name };
}

/**
 * Envoy Gateway's rate limit of `requestsPerSecond` for each client IP (IPv4 and IPv6 alike: one
 * bucket per address, `Distinct`), counted by each proxy replica (local rate limit).
 */
export function clientRateLimit(requestsPerSecond: Operand<number>) {
  const perClient = (network: string) => ({ clientSelectors: [{ sourceCIDR: { type: 'Distinct', value: network } }], limit: { requests: requestsPerSecond, unit: 'Second' } }) as const;
  return { type: 'Local', local: { rules: [perClient('0.0.0.0/0'), perClient('::/0')] } } as const;
}

/** Envoy Gateway's authorization that admits only clients from `cidrs` (every other request gets 403). */
export function sourceAllowList(cidrs: Expr<readonly string[]>) {
  return { defaultAction: 'Deny', rules: [{ name: 'allowed-sources', action: 'Allow', principal: { clientCIDRs: cidrs } }] } as const;
}
