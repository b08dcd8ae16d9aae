/**
 * The ingress-nginx annotations both kinds of chart write on their Ingresses (`traffic.provider:
 * ingress`): names from the NGINX ingress controller's annotation reference.
 */
import { type Expr, type Operand, fmt, ifElse, join } from '../template/expr';

export const NGINX = 'nginx.ingress.kubernetes.io';

/** HTTP to HTTPS redirect when TLS is enabled. */
export function sslRedirect(tls: Operand<boolean>) {
  return { [`${NGINX}/force-ssl-redirect`]: ifElse(tls, 'true', 'false') };
}

/** Requests per second per client IP. */
export function requestRate(requestsPerSecond: Operand<number>) {
  return { [`${NGINX}/limit-rps`]: fmt`${requestsPerSecond}` };
}

/** Proxy read and send timeouts, in seconds (long enough for WebSockets). */
export function proxyTimeouts(seconds: Operand<number>) {
  return { [`${NGINX}/proxy-read-timeout`]: fmt`${seconds}`, [`${NGINX}/proxy-send-timeout`]: fmt`${seconds}` };
}

/** Response headers from a ConfigMap (`namespace/name`). */
export function customHeaders(configMap: Expr<string>) {
  return { [`${NGINX}/custom-headers`]: configMap };
}

/** Only these source networks are served (others get 403). */
export function sourceRanges(cidrs: Operand<readonly string[]>) {
  return { [`${NGINX}/whitelist-source-range`]: join(',', cidrs) };
}

/** No source network is served: every request to the Ingress's paths gets 403 (IPv4 and IPv6). */
export function denyAllSources() {
  return { [`${NGINX}/denylist-source-range`]: '0.0.0.0/0,::/0' };
}
