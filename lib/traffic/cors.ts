/**
 * CORS per application (`ingress.cors`), on both providers:
 * - Envoy Gateway: the `cors` of the route's SecurityPolicy (gateway.envoyproxy.io/v1alpha1
 *   `SecurityPolicySpec.cors`: allowOrigins, allowMethods, allowHeaders, exposeHeaders, maxAge,
 *   allowCredentials; origins `*` or `http(s)://host[:port]`, `*.` wildcards allowed);
 * - ingress-nginx: the annotations `enable-cors`, `cors-allow-origin`, `cors-allow-methods`,
 *   `cors-allow-headers`, `cors-expose-headers`, `cors-allow-credentials`, `cors-max-age` (ingress-nginx
 *   annotations reference, "Enable CORS"), every one written, since each has a default of its own (origin
 *   `*`, credentials true) that would make the policy wider than the values.
 * Never `*` with credentials (the Fetch standard, CORS protocol: a response to a request with credentials
 * may not allow the origin `*`; a proxy that answers with the request's own Origin instead, to make it
 * work, lets every site read the user's responses): refused by synth and by the chart with the same words.
 */
import { Type } from '@sinclair/typebox';
import { type Expr, and, fmt, join } from '../template/expr';
import { type Refs, spread, when } from '../template/manifest';
import type { EdgeRule } from './edge-rule';
import { mapWhen } from './exprs';
import { NGINX } from './ingress-nginx';

/** An origin as both providers read it: `*`, or a scheme, a host (optionally `*.` and a domain) and a port. */
const ORIGIN = '^(\\*|https?://(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?)$';
/** An HTTP header name (RFC 9110 token, the letters, digits, - and _ that ingress-nginx also accepts). */
const HEADER_NAME = '^[A-Za-z0-9_-]{1,256}$';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const list = (description: string, items: object, minItems = 0) => Type.Array(Type.Unsafe<string>(items), { description, minItems, uniqueItems: true });

/** `ingress.cors` of an application. */
export const CorsSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Answer CORS preflights and add the CORS headers (Envoy Gateway SecurityPolicy cors; ingress-nginx enable-cors).' }),
    allowOrigins: list('Origins allowed: "https://app.example.com", "https://*.example.com", or "*" alone (never with allowCredentials).', { type: 'string', pattern: ORIGIN, maxLength: 253 }),
    allowMethods: list('Methods allowed.', { type: 'string', enum: [...METHODS] }, 1),
    allowHeaders: list('Request headers allowed.', { type: 'string', pattern: HEADER_NAME }, 1),
    exposeHeaders: list('Response headers the browser may show to the page.', { type: 'string', pattern: HEADER_NAME }),
    allowCredentials: Type.Boolean({ description: 'Allow cookies and HTTP authentication (never with the origin "*").' }),
    maxAgeSeconds: Type.Integer({ minimum: 0, maximum: 86400, description: 'How long a browser may cache a preflight answer, in seconds (browsers cap it: Chromium at 7200).' }),
  },
  { additionalProperties: false, description: 'CORS of the application’s routes (both providers).' },
);

export type CorsValues = typeof CorsSchema.static;

/** The fields of a CORS policy as expressions, from values or from ingress-nginx annotations (annotations.ts). */
export interface CorsSource {
  readonly allowOrigins: Expr<readonly string[]>;
  readonly allowMethods: Expr<readonly string[]>;
  readonly allowHeaders: Expr<readonly string[]>;
  readonly exposeHeaders: Expr<readonly string[]>;
  readonly allowCredentials: Expr<boolean>;
  /** An Envoy Gateway duration (at most five digits and a unit), e.g. 7200s. */
  readonly maxAge: Expr<string>;
}

/** The `cors` of an Envoy Gateway SecurityPolicy. */
export function corsPolicy(cors: CorsSource) {
  return {
    allowOrigins: cors.allowOrigins,
    allowMethods: cors.allowMethods,
    allowHeaders: cors.allowHeaders,
    exposeHeaders: when(cors.exposeHeaders, cors.exposeHeaders),
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge,
  };
}

/**
 * The ingress-nginx CORS annotations of `ingress.cors`, or none when it is off, as entries to spread
 * into an Ingress's annotations (`...corsAnnotations(cors)`): exposed headers only when there are some.
 */
export function corsAnnotations(cors: Refs<CorsValues>) {
  return {
    ...spread(
      mapWhen(cors.enabled, {
        [`${NGINX}/enable-cors`]: 'true',
        [`${NGINX}/cors-allow-origin`]: join(', ', cors.allowOrigins),
        [`${NGINX}/cors-allow-methods`]: join(', ', cors.allowMethods),
        [`${NGINX}/cors-allow-headers`]: join(', ', cors.allowHeaders),
        [`${NGINX}/cors-allow-credentials`]: fmt`${cors.allowCredentials}`,
        [`${NGINX}/cors-max-age`]: fmt`${cors.maxAgeSeconds}`,
      }),
    ),
    ...spread(mapWhen(and(cors.enabled, cors.exposeHeaders), { [`${NGINX}/cors-expose-headers`]: join(', ', cors.exposeHeaders) })),
  };
}

/** Why `*` and credentials never go together (the message of the rule, in synth and in the chart). */
export const ANY_ORIGIN_WITH_CREDENTIALS =
  'the origin "*" with credentials: browsers send no cookies to an origin allowed as "*", and a proxy that answers with each request’s own Origin instead lets every site read the user’s responses; list the origins, or turn credentials off';

/** What the CORS rules read of a chart's values. */
export interface CorsRuleValues {
  readonly ingress: { readonly cors: CorsValues };
}

/** The rules of `ingress.cors` beyond its schema. */
export const CORS_RULES: readonly EdgeRule<CorsRuleValues>[] = [
  {
    check: (v, report) => {
      const cors = v.ingress.cors;
      if (!cors.enabled) return;
      if (cors.allowOrigins.length === 0) report(['ingress', 'cors', 'allowOrigins'], 'expected at least one origin when CORS is enabled');
      const any = cors.allowOrigins.indexOf('*');
      if (any >= 0 && cors.allowCredentials) report(['ingress', 'cors', 'allowOrigins', any], ANY_ORIGIN_WITH_CREDENTIALS);
      else if (any >= 0 && cors.allowOrigins.length > 1) report(['ingress', 'cors', 'allowOrigins', any], '"*" allows every origin: give it alone, or list the origins without it');
    },
    go: `{{- with .Values.ingress.cors }}
{{- if .enabled }}
{{- if not .allowOrigins }}
{{- fail "ingress.cors.allowOrigins: expected at least one origin when CORS is enabled" }}
{{- end }}
{{- range $i, $origin := .allowOrigins }}
{{- if eq $origin "*" }}
{{- if $.Values.ingress.cors.allowCredentials }}
{{- fail (printf "ingress.cors.allowOrigins[%d]: %s" $i ${JSON.stringify(ANY_ORIGIN_WITH_CREDENTIALS)}) }}
{{- else if gt (len $.Values.ingress.cors.allowOrigins) 1 }}
{{- fail (printf "ingress.cors.allowOrigins[%d]: \\"*\\" allows every origin: give it alone, or list the origins without it" $i) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
];
