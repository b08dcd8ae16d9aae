/**
 * The security headers of every public route, on either provider: written into a ConfigMap that the
 * NGINX ingress controller adds (`custom-headers`), or set by the route's ResponseHeaderModifier filter
 * (Gateway API). Values from the OWASP Secure Headers Project's recommendations; HSTS as the user's
 * documents and Mozilla's Server Side TLS guidelines 6.0 set it (`hsts_min_age` 63072000 s, two years,
 * with includeSubDomains), `preload` only when asked for: the preload list (hstspreload.org) accepts a
 * domain whose header has `preload`, includeSubDomains and a max-age of at least 31536000 s, and
 * removing it from browsers takes months.
 *
 * ingress-nginx sets the `custom-headers` of an Ingress only if each header name is listed in the
 * controller's `global-allowed-response-headers` (else every path of the Ingress answers 503):
 * SECURITY_HEADER_NAMES, in the controller settings of each environment (controller-settings.ts).
 */
import { type Operand, fmt, ifElse } from '../template/expr';

/** For APIs: nothing may be loaded or framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** For web interfaces (Grafana, Prometheus, Alertmanager), which load their own scripts and styles: no framing. */
export const UI_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'";

/** The Strict-Transport-Security settings of a chart's routes (`ingress.hstsMaxAgeSeconds`, `ingress.hstsPreload`). */
export interface HstsSettings {
  readonly hstsMaxAgeSeconds: Operand<number>;
  readonly hstsPreload: Operand<boolean>;
}

/** The shortest max-age the HSTS preload list accepts, in seconds (one year, hstspreload.org). */
export const HSTS_PRELOAD_MIN_AGE = 31536000;

/** The headers, in order, as name and value. */
export function securityHeaders(hsts: HstsSettings, contentSecurityPolicy: string) {
  return [
    { name: 'Strict-Transport-Security', value: fmt`max-age=${hsts.hstsMaxAgeSeconds}; includeSubDomains${ifElse(hsts.hstsPreload, '; preload', '')}` },
    { name: 'X-Content-Type-Options', value: 'nosniff' },
    { name: 'X-Frame-Options', value: 'DENY' },
    { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    { name: 'Content-Security-Policy', value: contentSecurityPolicy },
    { name: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  ];
}

/** The names of those headers, for the ingress-nginx controller's `global-allowed-response-headers`. */
export const SECURITY_HEADER_NAMES = securityHeaders({ hstsMaxAgeSeconds: 0, hstsPreload: false }, '').map((header) => header.name);

/** The same headers as a ConfigMap's data (ingress-nginx `custom-headers`). */
export function securityHeadersData(hsts: HstsSettings, contentSecurityPolicy: string) {
  return Object.fromEntries(securityHeaders(hsts, contentSecurityPolicy).map((header) => [header.name, header.value]));
}
