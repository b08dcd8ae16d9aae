/**
 * ingress-nginx annotations of `ingress.annotations` where the environment enters through the Gateway
 * API (`traffic.provider: gatewayAPI`): never dropped. Each `nginx.ingress.kubernetes.io/*` annotation is
 * either translated into its Gateway API or Envoy Gateway equivalent (the routes' filters, the
 * SecurityPolicy and BackendTrafficPolicy of the application), or refused by synth (file, line, values
 * path) and by the chart (validate-values.yaml), with the same words: why there is no equivalent and
 * what to use instead. INGRESS_NGINX_ANNOTATIONS is the one table (README "Ingress annotations under the
 * Gateway API" is written from it), each row with its sources:
 * - ingress-nginx annotations reference, https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 * - Envoy Gateway API reference, https://gateway.envoyproxy.io/docs/api/extension_types/
 * - Gateway API HTTPRoute reference, https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 * Annotations of other prefixes are copied to the application's HTTPRoutes (tools such as external-dns
 * read them there), but for two that only an Ingress means something: `kubernetes.io/ingress.class` and
 * cert-manager's `cert-manager.io/*` (its ingress-shim reads Ingresses; the Gateway's listener holds the
 * certificate), which are refused like the untranslatable ones.
 *
 * On both providers: CORS given both in `ingress.cors` and as annotations, basic authentication of the
 * admin paths given both in `ingress.adminPaths.basicAuth` and as annotations, and annotation CORS that
 * allows the origin `*` with credentials (ingress-nginx's defaults: origin `*`, credentials true) are
 * refused.
 */
import { Expr, type GoContext, type Operand, type Scope, and, eq, expr, fmt, ifElse, not, or, withDefault } from '../template/expr';
import { hasKey } from '../template/functions';
import type { Refs } from '../template/manifest';
import { when } from '../template/manifest';
import { ANY_ORIGIN_WITH_CREDENTIALS, type CorsSource, type CorsValues } from './cors';
import type { EdgeRule } from './edge-rule';
import { commaList } from './exprs';
import { NGINX } from './ingress-nginx';

const DOCS = 'https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/';
const EG = 'https://gateway.envoyproxy.io/docs/api/extension_types/';
const GATEWAY_API = 'https://gateway-api.sigs.k8s.io/reference/spec/';

/** What becomes of an annotation under the Gateway API. */
type AnnotationFate =
  /** Written into a Gateway API or Envoy Gateway field from the annotation's value (`to`). */
  | { readonly kind: 'translated'; readonly to: string }
  /** Set by the chart itself from values (`use`): a key of its own beside ingress.annotations, refused there. */
  | { readonly kind: 'chart'; readonly use: string }
  /** Refused: `why` there is no equivalent the platform writes, and what to do `instead`. */
  | { readonly kind: 'refused'; readonly why: string; readonly instead: string };

export interface AnnotationRow {
  /** The name after `nginx.ingress.kubernetes.io/`. */
  readonly name: string;
  readonly fate: AnnotationFate;
  /** Where the annotation and its equivalent are documented. */
  readonly sources: readonly string[];
}

const INGRESS_ONLY = 'set it in the values of the environments on the ingress provider only';
const translated = (to: string) => ({ kind: 'translated', to }) as const;
const chart = (use: string) => ({ kind: 'chart', use }) as const;
const refused = (why: string, instead = INGRESS_ONLY) => ({ kind: 'refused', why, instead }) as const;
const row = (names: string | readonly string[], fate: AnnotationFate, anchor: string, ...more: string[]): AnnotationRow[] =>
  (typeof names === 'string' ? [names] : names).map((name) => ({ name, fate, sources: [`${DOCS}#${anchor}`, ...more] }));

/** The table: every ingress-nginx annotation the platform knows, and what becomes of it under the Gateway API. */
export const INGRESS_NGINX_ANNOTATIONS: readonly AnnotationRow[] = [
  ...row(
    ['enable-cors', 'cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-expose-headers', 'cors-allow-credentials', 'cors-max-age'],
    translated('SecurityPolicy `cors` of the application’s routes (ingress-nginx’s defaults where an annotation is absent: origin *, credentials true, max age 1728000 s)'),
    'enable-cors',
    `${EG}#cors`,
  ),
  ...row(
    'auth-url',
    translated('SecurityPolicy `extAuth.http`: backendRefs the Service of an `http://<service>.<namespace>.svc[.cluster.local][:port][/path]` URL, that path'),
    'external-authentication',
    `${EG}#extauth`,
  ),
  ...row('auth-response-headers', translated('SecurityPolicy `extAuth.http.headersToBackend`'), 'external-authentication', `${EG}#httpextauthservice`),
  ...row(
    ['auth-type', 'auth-secret', 'auth-secret-type'],
    translated('SecurityPolicy `basicAuth.users`: the Secret (of the release namespace; Envoy Gateway reads its key `.htpasswd`, {SHA} hashes only); auth-type basic, auth-secret-type auth-file'),
    'authentication',
    `${EG}#basicauth`,
  ),
  ...row(
    'proxy-body-size',
    translated('BackendTrafficPolicy `requestBuffer.limit` (k, m, g as Ki, Mi, Gi; 0: no limit): Envoy buffers the body up to it, 413 beyond, and the route no longer upgrades to WebSocket'),
    'custom-max-body-size',
    `${EG}#requestbuffer`,
  ),
  ...row('proxy-connect-timeout', translated('BackendTrafficPolicy `timeout.tcp.connectTimeout`'), 'custom-timeouts', `${EG}#tcptimeout`),
  ...row('rewrite-target', translated('a URLRewrite filter (ReplaceFullPath) on every rule, as nginx replaces the whole path; capture groups ($1) refused'), 'rewrite', `${GATEWAY_API}#httpurlrewritefilter`),
  ...row('ssl-redirect', translated('"true": what the routes do whenever ingress.tls.enabled (the https-redirect HTTPRoute); "false" refused'), 'server-side-https-enforcement-through-redirect'),
  ...row(
    'backend-protocol',
    translated('"HTTP": the routes’ default; any other protocol refused (HTTPS, GRPC to the backend need a BackendTLSPolicy or GRPCRoute, which the platform does not write)'),
    'backend-protocol',
  ),
  ...row(
    ['force-ssl-redirect', 'limit-rps', 'limit-burst-multiplier', 'limit-connections', 'proxy-read-timeout', 'proxy-send-timeout', 'custom-headers'],
    chart('ingress.tls.enabled, ingress.rateLimit, ingress.websocketTimeoutSeconds, the security headers'),
    'rate-limiting',
  ),
  ...row('whitelist-source-range', chart('ingress.adminPaths.allowedCidrs (the admin paths’ allow-list)'), 'whitelist-source-range'),
  ...row(
    ['auth-realm'],
    refused('Envoy Gateway’s basic authentication has no realm (it answers 401 with its own)', 'remove it, or set it in the values of the environments on the ingress provider only'),
    'authentication',
  ),
  ...row(
    ['auth-signin', 'auth-signin-redirect-param', 'auth-request-redirect'],
    refused('Envoy Gateway returns the authorization server’s own answer to the client and has no sign-in redirect; its OIDC SecurityPolicy, which the platform does not write, is the equivalent'),
    'external-authentication',
  ),
  ...row(
    [
      'auth-method',
      'auth-cache-key',
      'auth-cache-duration',
      'auth-keepalive',
      'auth-keepalive-requests',
      'auth-keepalive-timeout',
      'auth-keepalive-share-vars',
      'auth-proxy-set-headers',
      'auth-snippet',
      'auth-always-set-cookie',
      'auth-tls-secret',
      'auth-tls-verify-client',
      'auth-tls-verify-depth',
      'auth-tls-error-page',
      'auth-tls-pass-certificate-to-upstream',
      'auth-tls-match-cn',
    ],
    refused('Envoy Gateway’s external and client-certificate authentication have no such setting the platform writes'),
    'external-authentication',
  ),
  ...row(
    ['limit-rpm', 'limit-rate', 'limit-rate-after', 'limit-whitelist', 'limit-allowlist'],
    refused('the platform writes one rate limit per client address', 'use ingress.rateLimit.requestsPerSecond'),
    'rate-limiting',
  ),
  ...row(
    ['allowlist-source-range', 'denylist-source-range'],
    refused('the platform writes one authorization per route, for the admin paths', 'use ingress.adminPaths (allowedCidrs) for admin paths, a NetworkPolicy or the Gateway’s own policy for the rest'),
    'denylist-source-range',
  ),
  ...row(['use-regex'], refused('paths are values of ingress.hosts, written as PathPrefix or Exact matches', 'use Prefix or Exact paths'), 'use-regex'),
  ...row(
    ['app-root', 'permanent-redirect', 'permanent-redirect-code', 'temporal-redirect', 'temporal-redirect-code'],
    refused('a redirect of the application is an HTTPRoute RequestRedirect rule the platform does not write'),
    'permanent-redirect',
  ),
  ...row(['ssl-passthrough'], refused('TLS passthrough is a TLSRoute on a Passthrough listener of the Gateway, which the platform does not write'), 'ssl-passthrough'),
  ...row(['ssl-ciphers', 'ssl-prefer-server-ciphers'], refused('the TLS policy is the environment’s', 'use environment.traffic.tls'), 'ssl-ciphers'),
  ...row(
    ['configuration-snippet', 'server-snippet', 'stream-snippet'],
    refused('raw nginx configuration has no Gateway API or Envoy Gateway equivalent', 'move what it does into values, or set it in the values of the environments on the ingress provider only'),
    'configuration-snippet',
  ),
  ...row(
    ['canary', 'canary-by-header', 'canary-by-header-value', 'canary-by-header-pattern', 'canary-by-cookie', 'canary-weight', 'canary-weight-total'],
    refused('canary traffic on the Gateway API is split by the weights of the HTTPRoutes', 'use rollout.strategy canary with rollout.canary.trafficRouting gatewayAPI'),
    'canary',
  ),
  ...row(
    [
      'affinity',
      'affinity-mode',
      'affinity-canary-behavior',
      'session-cookie-name',
      'session-cookie-path',
      'session-cookie-domain',
      'session-cookie-samesite',
      'session-cookie-conditional-samesite-none',
      'session-cookie-expires',
      'session-cookie-max-age',
      'session-cookie-secure',
      'session-cookie-change-on-failure',
      'upstream-hash-by',
    ],
    refused('session affinity is Envoy Gateway’s BackendTrafficPolicy loadBalancer (consistent hash, cookie), which the platform does not write'),
    'session-affinity',
  ),
  ...row(
    ['upstream-vhost', 'x-forwarded-prefix', 'proxy-redirect-from', 'proxy-redirect-to', 'proxy-cookie-domain', 'proxy-cookie-path', 'preserve-trailing-slash'],
    refused('the platform writes no host rewrite, prefix header or response rewrite'),
    'custom-nginx-upstream-vhost',
  ),
  ...row(
    [
      'proxy-buffering',
      'proxy-buffer-size',
      'proxy-buffers-number',
      'proxy-busy-buffers-size',
      'proxy-max-temp-file-size',
      'proxy-request-buffering',
      'client-body-buffer-size',
      'proxy-http-version',
      'proxy-next-upstream',
      'proxy-next-upstream-timeout',
      'proxy-next-upstream-tries',
      'proxy-ssl-secret',
      'proxy-ssl-verify',
      'proxy-ssl-name',
      'proxy-ssl-server-name',
      'proxy-ssl-protocols',
      'proxy-ssl-ciphers',
      'connection-proxy-header',
      'load-balance',
      'service-upstream',
      'upstream-keepalive-timeout',
    ],
    refused('Envoy manages its buffers and upstream connections itself; retries and upstream TLS are BackendTrafficPolicy retry and BackendTLSPolicy, which the platform does not write'),
    'proxy-buffering',
  ),
  ...row(
    [
      'default-backend',
      'custom-http-errors',
      'server-alias',
      'mirror-target',
      'mirror-request-body',
      'mirror-host',
      'satisfy',
      'enable-access-log',
      'enable-rewrite-log',
      'enable-opentelemetry',
      'opentelemetry-trust-incoming-span',
      'enable-modsecurity',
      'enable-owasp-core-rules',
      'modsecurity-transaction-id',
      'modsecurity-snippet',
      'http2-push-preload',
      'from-to-www-redirect',
      'denylist-source-range-snippet',
    ],
    refused('no Gateway API or Envoy Gateway equivalent the platform writes'),
    'annotations',
  ),
];

const ROWS = new Map(INGRESS_NGINX_ANNOTATIONS.map((r) => [`${NGINX}/${r.name}`, r]));

/** Keys of other prefixes that mean something only on an Ingress. */
const INGRESS_ONLY_KEYS = { exact: 'kubernetes.io/ingress.class', prefix: 'cert-manager.io/' } as const;

type Annotations = Expr<Readonly<Record<string, string>>> | Refs<Readonly<Record<string, string>>>;
const key = (name: string) => `${NGINX}/${name}`;

/** An annotation's value, or '' when it is absent (Go: `dig`, which a missing key does not stop). */
function text(annotations: Annotations, name: string): Expr<string> {
  const full = key(name);
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      const map = (annotations as Expr<Record<string, string> | undefined>).evaluate(scope);
      return map?.[full] ?? '';
    }
    go(ctx: GoContext): string {
      return `(toString (dig ${JSON.stringify(full)} "" (default (dict) ${(annotations as Expr).go(ctx)})))`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

const has = (annotations: Annotations, name: string) => hasKey(annotations, key(name));

/**
 * `value` with the whole match of `pattern` replaced by its capture `group` and then `suffix` (Go:
 * `regexReplaceAll`, whose replacement names the group as $` + `{N}); unchanged when it does not match.
 */
function replaced(value: Operand<string>, pattern: string, group: number, suffix = ''): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      return String(expr(value).evaluate(scope) ?? '').replace(new RegExp(pattern), (...match: string[]) => `${match[group] ?? ''}${suffix}`);
    }
    go(ctx: GoContext): string {
      // Go names a group followed by letters as $ and {N} together; built from parts (biome reads it as a mistaken template).
      const replacement = `${'$'}{${group}}${suffix}`;
      return `(regexReplaceAll ${JSON.stringify(pattern)} ${expr(value).go(ctx)} ${JSON.stringify(replacement)})`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

/** A whole number from text ('' as 0), Go `atoi`. */
function integer(value: Operand<string>): Expr<number> {
  return new (class extends Expr<number> {
    evaluate(scope: Scope): number {
      const n = Number.parseInt(String(expr(value).evaluate(scope) ?? ''), 10);
      return Number.isNaN(n) ? 0 : n;
    }
    go(ctx: GoContext): string {
      return `(atoi ${expr(value).go(ctx)})`;
    }
  })();
}

/** Seconds as an Envoy Gateway duration of at most five digits: hours, minutes or seconds, whichever divides. */
function duration(seconds: Operand<string>): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      const n = Number.parseInt(String(expr(seconds).evaluate(scope) ?? '0'), 10) || 0;
      return n % 3600 === 0 ? `${n / 3600}h` : n % 60 === 0 ? `${n / 60}m` : `${n}s`;
    }
    go(ctx: GoContext): string {
      const n = `(atoi ${expr(seconds).go(ctx)})`;
      return `(ternary (printf "%dh" (div ${n} 3600)) (ternary (printf "%dm" (div ${n} 60)) (printf "%ds" ${n}) (eq (mod ${n} 60) 0)) (eq (mod ${n} 3600) 0))`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

/** ingress-nginx's defaults of its CORS annotations (annotations reference, "Enable CORS"). */
const NGINX_CORS_DEFAULTS = {
  origin: '*',
  methods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
  headers: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization',
  maxAge: '1728000',
} as const;

/** An in-cluster Service URL, the only form of auth-url Envoy Gateway reaches without objects the platform does not write. */
const SERVICE_URL = '^http://([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.svc(\\.cluster\\.local)?(:([0-9]{1,5}))?(/[-A-Za-z0-9._~/%]*)?$';
const NGINX_SIZE = '^(0|[1-9][0-9]*[kKmMgG]?)$';
const SECONDS = '^[0-9]{1,5}s?$';
const REWRITE_PATH = "^/[-A-Za-z0-9/._~%!&'()*+,;=:@]*$";
const ORIGIN = '^(\\*|https?://(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?)$';
const TOKEN = '^[A-Za-z0-9_-]+$';

/** What the application's Gateway API objects read of its ingress-nginx annotations. */
export interface TranslatedAnnotations {
  /** CORS from annotations (enable-cors "true"). */
  readonly corsOn: Expr<boolean>;
  readonly cors: CorsSource;
  readonly extAuthOn: Expr<boolean>;
  readonly extAuth: ReturnType<typeof extAuthOf>;
  readonly basicAuthOn: Expr<boolean>;
  readonly basicAuthSecret: Expr<string>;
  readonly bodyLimitOn: Expr<boolean>;
  readonly bodyLimit: Expr<string>;
  readonly connectTimeoutOn: Expr<boolean>;
  readonly connectTimeout: Expr<string>;
  readonly rewriteOn: Expr<boolean>;
  readonly rewritePath: Expr<string>;
}

function extAuthOf(annotations: Annotations) {
  const url = text(annotations, 'auth-url');
  return {
    http: {
      backendRefs: [
        {
          name: replaced(url, SERVICE_URL, 1),
          namespace: replaced(url, SERVICE_URL, 3),
          port: integer(withDefault(replaced(url, SERVICE_URL, 7), '80')),
        },
      ],
      path: withDefault(replaced(url, SERVICE_URL, 8), '/'),
      headersToBackend: when(has(annotations, 'auth-response-headers'), commaList(text(annotations, 'auth-response-headers'))),
    },
  };
}

/** The translations of an application's ingress-nginx annotations (`ingress.annotations`). */
export function translatedAnnotations(annotations: Annotations): TranslatedAnnotations {
  const t = (name: string) => text(annotations, name);
  const size = t('proxy-body-size');
  return {
    corsOn: eq(t('enable-cors'), 'true'),
    cors: {
      allowOrigins: commaList(withDefault(t('cors-allow-origin'), NGINX_CORS_DEFAULTS.origin)),
      allowMethods: commaList(withDefault(t('cors-allow-methods'), NGINX_CORS_DEFAULTS.methods)),
      allowHeaders: commaList(withDefault(t('cors-allow-headers'), NGINX_CORS_DEFAULTS.headers)),
      exposeHeaders: commaList(t('cors-expose-headers')),
      allowCredentials: not(eq(t('cors-allow-credentials'), 'false')),
      maxAge: duration(withDefault(t('cors-max-age'), NGINX_CORS_DEFAULTS.maxAge)),
    },
    extAuthOn: has(annotations, 'auth-url'),
    extAuth: extAuthOf(annotations),
    basicAuthOn: eq(t('auth-type'), 'basic'),
    basicAuthSecret: t('auth-secret'),
    bodyLimitOn: and(has(annotations, 'proxy-body-size'), not(eq(size, '0'))),
    bodyLimit: replaced(replaced(replaced(size, '^([0-9]+)[kK]$', 1, 'Ki'), '^([0-9]+)[mM]$', 1, 'Mi'), '^([0-9]+)[gG]$', 1, 'Gi'),
    connectTimeoutOn: has(annotations, 'proxy-connect-timeout'),
    connectTimeout: replaced(t('proxy-connect-timeout'), '^([0-9]+)s?$', 1, 's'),
    rewriteOn: has(annotations, 'rewrite-target'),
    rewritePath: t('rewrite-target'),
  };
}

/** The CORS of a route: `ingress.cors` when enabled, else the annotations' (each field chosen in both renderings). */
export function effectiveCors(cors: Refs<CorsValues>, translated: TranslatedAnnotations): { on: Expr<boolean>; source: CorsSource } {
  const pick = <T>(fromValues: Operand<T>, fromAnnotations: Operand<T>) => ifElse(cors.enabled, fromValues, fromAnnotations);
  return {
    on: or(cors.enabled, translated.corsOn),
    source: {
      allowOrigins: pick(cors.allowOrigins, translated.cors.allowOrigins),
      allowMethods: pick(cors.allowMethods, translated.cors.allowMethods),
      allowHeaders: pick(cors.allowHeaders, translated.cors.allowHeaders),
      exposeHeaders: pick(cors.exposeHeaders, translated.cors.exposeHeaders),
      allowCredentials: pick(cors.allowCredentials, translated.cors.allowCredentials),
      maxAge: pick(fmt`${cors.maxAgeSeconds}s`, translated.cors.maxAge),
    },
  };
}

/**
 * The annotations of other prefixes, copied to the HTTPRoutes: every key not under
 * `nginx.ingress.kubernetes.io/`. Go: the chart's named template `<chart>.routeAnnotations`
 * (ANNOTATION_HELPERS), read back with `fromJson`.
 */
export function routeAnnotations(annotations: Annotations): Expr<Record<string, string>> {
  return new (class extends Expr<Record<string, string>> {
    evaluate(scope: Scope): Record<string, string> {
      const map = (annotations as Expr<Record<string, string> | undefined>).evaluate(scope) ?? {};
      return Object.fromEntries(Object.entries(map).filter(([k]) => !k.startsWith(`${NGINX}/`)));
    }
    go(ctx: GoContext): string {
      return `(include ${JSON.stringify(`${ctx.chartName}.routeAnnotations`)} (default (dict) ${(annotations as Expr).go(ctx)}) | fromJson)`;
    }
  })();
}

/** The named templates routeAnnotations needs, for an application chart's _helpers.tpl. */
export function annotationHelpers(chart: string): string {
  return `{{/* The annotations not under ${NGINX}/, as JSON (lib/traffic/annotations.ts routeAnnotations). */}}
{{- define "${chart}.routeAnnotations" -}}
{{- $out := dict -}}
{{- range $key, $value := . }}{{ if not (hasPrefix ${JSON.stringify(`${NGINX}/`)} $key) }}{{ $_ := set $out $key $value }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}
`;
}

// The rules ------------------------------------------------------------------------------------------

/** What the annotation rules read of an application's values. */
export interface AnnotationRuleValues {
  readonly traffic: { readonly provider: string };
  readonly ingress: {
    readonly annotations: Readonly<Record<string, string>>;
    readonly cors: CorsValues;
    readonly adminPaths: { readonly basicAuth?: unknown };
  };
}

const GATEWAY = 'this environment enters through the Gateway API (traffic.provider gatewayAPI)';
const CORS_KEYS = INGRESS_NGINX_ANNOTATIONS.filter((r) => r.name === 'enable-cors' || r.name.startsWith('cors-')).map((r) => key(r.name));
const BASIC_AUTH_KEYS = ['auth-type', 'auth-secret', 'auth-secret-type', 'auth-realm'].map(key);

/** A translated annotation's value that has no equivalent, as [annotation name, pattern it must match, message]. */
const VALUE_CHECKS: ReadonlyArray<readonly [string, string, string]> = [
  [
    'auth-url',
    SERVICE_URL,
    'Envoy Gateway calls an authorization Service of the cluster by reference: give http://<service>.<namespace>.svc[:port][/path] (no https, no nginx variables, no host outside the cluster)',
  ],
  ['auth-type', '^basic$', 'Envoy Gateway has basic authentication only (no digest)'],
  [
    'auth-secret',
    '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    'name a Secret of the release namespace (Envoy Gateway reads a Secret of another namespace only through a ReferenceGrant)',
  ],
  ['auth-secret-type', '^auth-file$', 'Envoy Gateway reads an htpasswd file (auth-file), not a map of users'],
  ['proxy-body-size', NGINX_SIZE, 'expected a size such as 8m (k, m or g), or 0 for no limit'],
  ['proxy-connect-timeout', SECONDS, 'expected seconds, such as 5 or 5s (at most five digits)'],
  ['rewrite-target', REWRITE_PATH, 'Envoy Gateway replaces the whole path with a fixed one: capture groups ($1) and nginx variables have no equivalent'],
  ['ssl-redirect', '^true$', 'the routes redirect HTTP to HTTPS whenever ingress.tls.enabled; set ingress.tls.enabled false for no redirect'],
  ['backend-protocol', '^(HTTP|http)$', 'the routes reach the Service over HTTP; HTTPS or gRPC to the backend need a BackendTLSPolicy or a GRPCRoute, which the platform does not write'],
  ['cors-allow-credentials', '^(true|false)$', 'expected true or false'],
  ['cors-max-age', '^[0-9]{1,7}$', 'expected seconds, such as 7200'],
];

/** Items of a translated list annotation: each must match, as [annotation, item pattern, what an item is]. */
const LIST_CHECKS: ReadonlyArray<readonly [string, string, string]> = [
  ['cors-allow-origin', ORIGIN, 'an origin Envoy Gateway accepts: *, or http(s)://host[:port] with an optional *. wildcard'],
  ['cors-allow-methods', '^[A-Z]+$', 'an HTTP method in capitals'],
  ['cors-allow-headers', TOKEN, 'a header name'],
  ['cors-expose-headers', TOKEN, 'a header name'],
  ['auth-response-headers', TOKEN, 'a header name'],
];

const listItems = (value: string) => value.replace(/\s+/g, '').split(',').filter(Boolean);

/** The message for an annotation under the Gateway API that is not translated, or undefined when it is (or is the chart's own). */
function refusal(annotation: string): string | undefined {
  if (annotation === INGRESS_ONLY_KEYS.exact) return `means something on an Ingress only; ${GATEWAY}: the routes attach to traffic.gateway (use ingress.className for Ingresses)`;
  if (annotation.startsWith(INGRESS_ONLY_KEYS.prefix)) return `cert-manager’s ingress-shim reads Ingresses only; ${GATEWAY}, whose listener holds the certificate: ${INGRESS_ONLY}`;
  if (!annotation.startsWith(`${NGINX}/`)) return undefined;
  const found = ROWS.get(annotation);
  if (!found) return `not an ingress-nginx annotation the platform translates to the Gateway API (README: Ingress annotations under the Gateway API), and ${GATEWAY}: ${INGRESS_ONLY}`;
  if (found.fate.kind !== 'refused') return undefined;
  return `no Gateway API or Envoy Gateway equivalent: ${found.fate.why}; ${GATEWAY}: ${found.fate.instead}`;
}

const CHART_KEYS = INGRESS_NGINX_ANNOTATIONS.filter((r) => r.fate.kind === 'chart').map((r) => key(r.name));
const UNKNOWN = refusal(`${NGINX}/?`) as string;
const INGRESS_CLASS = refusal(INGRESS_ONLY_KEYS.exact) as string;
const CERT_MANAGER = refusal(`${INGRESS_ONLY_KEYS.prefix}x`) as string;

/**
 * The Go side's table, small enough for every chart's validate-values.yaml: each known annotation (its
 * name after the prefix) to a code — `c` the chart's own, `t` translated without a check, `rN` refused
 * with the Nth (why, instead), `vN` the Nth value check, `lN` the Nth list check.
 */
const REFUSALS = [...new Map(INGRESS_NGINX_ANNOTATIONS.flatMap((r) => (r.fate.kind === 'refused' ? [[`${r.fate.why}\u0000${r.fate.instead}`, [r.fate.why, r.fate.instead]] as const] : []))).values()];
const GO_CODES: ReadonlyArray<readonly [string, string]> = INGRESS_NGINX_ANNOTATIONS.map((r) => {
  const value = VALUE_CHECKS.findIndex(([name]) => name === r.name);
  const items = LIST_CHECKS.findIndex(([name]) => name === r.name);
  if (r.fate.kind === 'chart') return [r.name, 'c'];
  if (r.fate.kind === 'refused') {
    const fate = r.fate;
    return [r.name, `r${REFUSALS.findIndex(([why, instead]) => why === fate.why && instead === fate.instead)}`];
  }
  return [r.name, value >= 0 ? `v${value}` : items >= 0 ? `l${items}` : 't'];
});

const BOTH_CORS = 'CORS is given both in ingress.cors and as ingress-nginx annotations: give it once (ingress.cors, which both providers take)';
const BOTH_BASIC_AUTH = 'basic authentication of the admin paths is given both in ingress.adminPaths.basicAuth and as ingress-nginx annotations: give it once';
const path = (annotation: string) => ['ingress', 'annotations', annotation];
const quote = (s: string) => JSON.stringify(s);

/** The rules of ingress.annotations (see the module comment), both renderings. */
export const ANNOTATION_RULES: readonly EdgeRule<AnnotationRuleValues>[] = [
  {
    check: (v, report) => {
      const annotations = v.ingress.annotations;
      const present = (name: string) => Object.hasOwn(annotations, key(name));
      const cors = CORS_KEYS.find((k) => Object.hasOwn(annotations, k));
      if (v.ingress.cors.enabled && cors) report(path(cors), BOTH_CORS);
      const basic = BASIC_AUTH_KEYS.find((k) => Object.hasOwn(annotations, k));
      if (v.ingress.adminPaths.basicAuth !== undefined && basic) report(path(basic), BOTH_BASIC_AUTH);
      // ingress-nginx's own defaults (origin *, credentials true) count: they are what it serves.
      if (annotations[key('enable-cors')] === 'true') {
        const origins = listItems(annotations[key('cors-allow-origin')] || NGINX_CORS_DEFAULTS.origin);
        if (origins.includes('*') && annotations[key('cors-allow-credentials')] !== 'false') report(path(key(present('cors-allow-origin') ? 'cors-allow-origin' : 'enable-cors')), ANY_ORIGIN_WITH_CREDENTIALS);
      }
    },
    go: `{{- $annotations := default (dict) .Values.ingress.annotations }}
{{- range $key := list ${CORS_KEYS.map(quote).join(' ')} }}
{{- if and $.Values.ingress.cors.enabled (hasKey $annotations $key) }}
{{- fail (printf "ingress.annotations.%s: %s" $key ${quote(BOTH_CORS)}) }}
{{- end }}
{{- end }}
{{- range $key := list ${BASIC_AUTH_KEYS.map(quote).join(' ')} }}
{{- if and (hasKey $.Values.ingress.adminPaths "basicAuth") (hasKey $annotations $key) }}
{{- fail (printf "ingress.annotations.%s: %s" $key ${quote(BOTH_BASIC_AUTH)}) }}
{{- end }}
{{- end }}
{{- if eq (toString (get $annotations ${quote(key('enable-cors'))})) "true" }}
{{- $origins := compact (splitList "," (regexReplaceAll "\\\\s+" (default ${quote(NGINX_CORS_DEFAULTS.origin)} (get $annotations ${quote(key('cors-allow-origin'))})) "")) }}
{{- if and (has "*" $origins) (ne (toString (get $annotations ${quote(key('cors-allow-credentials'))})) "false") }}
{{- fail (printf "ingress.annotations.%s: %s" (ternary ${quote(key('cors-allow-origin'))} ${quote(key('enable-cors'))} (hasKey $annotations ${quote(key('cors-allow-origin'))})) ${quote(ANY_ORIGIN_WITH_CREDENTIALS)}) }}
{{- end }}
{{- end }}`,
  },
  {
    check: (v, report) => {
      if (v.traffic.provider !== 'gatewayAPI') return;
      const annotations = v.ingress.annotations;
      for (const [annotation, value] of Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (CHART_KEYS.includes(annotation)) continue; // refused as a key the chart sets itself (lib/chart/reserved-keys.ts)
        // Refused already as given twice (the rule above): one message per problem.
        if ((v.ingress.cors.enabled && CORS_KEYS.includes(annotation)) || (v.ingress.adminPaths.basicAuth !== undefined && BASIC_AUTH_KEYS.includes(annotation))) continue;
        const message = refusal(annotation);
        if (message) {
          report(path(annotation), message);
          continue;
        }
        for (const [name, pattern, why] of VALUE_CHECKS) {
          if (annotation === key(name) && !new RegExp(pattern).test(value)) report(path(annotation), `${quote(value)} cannot be translated: ${why}`);
        }
        for (const [name, pattern, what] of LIST_CHECKS) {
          if (annotation !== key(name)) continue;
          const bad = listItems(value).find((item) => !new RegExp(pattern).test(item));
          if (bad !== undefined) report(path(annotation), `${quote(bad)} cannot be translated: expected ${what}`);
        }
      }
    },
    go: `{{- if eq .Values.traffic.provider "gatewayAPI" }}
{{- $codes := dict ${GO_CODES.map(([n, c]) => `${quote(n)} ${quote(c)}`).join(' ')} }}
{{- $refusals := list ${REFUSALS.map(([why, instead]) => `(list ${quote(why)} ${quote(instead)})`).join(' ')} }}
{{- $values := list ${VALUE_CHECKS.map(([, p, w]) => `(list ${quote(p)} ${quote(w)})`).join(' ')} }}
{{- $lists := list ${LIST_CHECKS.map(([, p, w]) => `(list ${quote(p)} ${quote(w)})`).join(' ')} }}
{{- range $key, $value := (default (dict) .Values.ingress.annotations) }}
{{- if eq $key ${quote(INGRESS_ONLY_KEYS.exact)} }}
{{- fail (printf "ingress.annotations.%s: %s" $key ${quote(INGRESS_CLASS)}) }}
{{- else if hasPrefix ${quote(INGRESS_ONLY_KEYS.prefix)} $key }}
{{- fail (printf "ingress.annotations.%s: %s" $key ${quote(CERT_MANAGER)}) }}
{{- else if hasPrefix ${quote(`${NGINX}/`)} $key }}
{{- $code := get $codes (trimPrefix ${quote(`${NGINX}/`)} $key) }}
{{- if not $code }}
{{- fail (printf "ingress.annotations.%s: %s" $key ${quote(UNKNOWN)}) }}
{{- else if hasPrefix "r" $code }}
{{- $refusal := index $refusals (atoi (trimPrefix "r" $code)) }}
{{- fail (printf "ingress.annotations.%s: no Gateway API or Envoy Gateway equivalent: %s; ${GATEWAY}: %s" $key (index $refusal 0) (index $refusal 1)) }}
{{- else if hasPrefix "v" $code }}
{{- $check := index $values (atoi (trimPrefix "v" $code)) }}
{{- if not (regexMatch (index $check 0) (toString $value)) }}
{{- fail (printf "ingress.annotations.%s: %s cannot be translated: %s" $key (toJson (toString $value)) (index $check 1)) }}
{{- end }}
{{- else if hasPrefix "l" $code }}
{{- $check := index $lists (atoi (trimPrefix "l" $code)) }}
{{- range $item := compact (splitList "," (regexReplaceAll "\\\\s+" (toString $value) "")) }}
{{- if not (regexMatch (index $check 0) $item) }}
{{- fail (printf "ingress.annotations.%s: %s cannot be translated: expected %s" $key (toJson $item) (index $check 1)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
];

/**
 * The table as Markdown, one line per fate and row group, for the README section "Ingress annotations
 * under the Gateway API" (test/traffic/annotations.test.ts checks that the README holds it).
 */
export function annotationTable(): string {
  const groups = new Map<string, { names: string[]; fate: AnnotationFate; sources: readonly string[] }>();
  for (const r of INGRESS_NGINX_ANNOTATIONS) {
    const id = JSON.stringify(r.fate);
    const group = groups.get(id) ?? { names: [], fate: r.fate, sources: r.sources };
    group.names.push(r.name);
    groups.set(id, group);
  }
  const what = (fate: AnnotationFate) =>
    fate.kind === 'translated'
      ? `translated: ${fate.to}`
      : fate.kind === 'chart'
        ? `set by the chart from values (a key of its own, refused in ingress.annotations): ${fate.use}`
        : `refused: ${fate.why}; ${fate.instead}`;
  const links = (sources: readonly string[]) => sources.map((url, i) => `[${i === 0 ? 'ingress-nginx' : url.includes('envoyproxy') ? 'Envoy Gateway' : 'Gateway API'}](${url})`).join(', ');
  return [
    '| annotations (`nginx.ingress.kubernetes.io/`) | under the Gateway API | sources |',
    '| --- | --- | --- |',
    ...[...groups.values()].map((g) => `| ${g.names.map((n) => `\`${n}\``).join(', ')} | ${what(g.fate).replaceAll('|', '\\|')} | ${links(g.sources)} |`),
  ].join('\n');
}
