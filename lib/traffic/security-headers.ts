/**
 * The security headers of every public route, on either provider: written into a ConfigMap that the
 * NGINX ingress controller adds (`custom-headers`), or set by the route's ResponseHeaderModifier filter
 * (Gateway API). Values from the OWASP Secure Headers Project's recommendations.
 */
import { type Operand, fmt } from '../template/expr';

/** For APIs: nothing may be loaded or framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** For web interfaces (Grafana, Prometheus, Alertmanager), which load their own scripts and styles: no framing. */
export const UI_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'";

/** The headers, in order, as name and value (the HSTS max-age in seconds is a value). */
export function securityHeaders(hstsMaxAgeSeconds: Operand<number>, contentSecurityPolicy: string) {
  return [
    { name: 'Strict-Transport-Security', value: fmt`max-age=${hstsMaxAgeSeconds}; includeSubDomains` },
    { name: 'X-Content-Type-Options', value: 'nosniff' },
    { name: 'X-Frame-Options', value: 'DENY' },
    { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    { name: 'Content-Security-Policy', value: contentSecurityPolicy },
    { name: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  ];
}

/** The same headers as a ConfigMap's data (ingress-nginx `custom-headers`). */
export function securityHeadersData(hstsMaxAgeSeconds: Operand<number>, contentSecurityPolicy: string) {
  return Object.fromEntries(securityHeaders(hstsMaxAgeSeconds, contentSecurityPolicy).map((header) => [header.name, header.value]));
}
