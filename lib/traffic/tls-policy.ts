/**
 * The edge's TLS policy, one per environment (`environment.traffic.tls`, every chart's `traffic.tls`):
 * protocol versions, TLS 1.2 cipher suites, key exchange groups and session resumption, with the
 * defaults of the user's documents ("TLS 1.2 and 1.3 only, Mozilla intermediate cipher suites, session
 * resumption with a cache").
 *
 * Sources:
 * - Mozilla Server Side TLS guidelines 6.0, intermediate configuration
 *   (https://ssl-config.mozilla.org/guidelines/6.0.json): TLS 1.2 and 1.3; the six ECDHE AEAD suites
 *   below (6.0 dropped 5.7's three DHE suites, which BoringSSL, Envoy's TLS library, never had); groups
 *   X25519MLKEM768, X25519, prime256v1, secp384r1; no server preference; HSTS 63072000 s; session cache
 *   on and tickets off in its nginx configuration (`ssl_session_cache shared:MozSSL:10m`,
 *   `ssl_session_timeout 1d`, `ssl_session_tickets off`).
 * - Envoy Gateway ClientTrafficPolicy API (gateway.envoyproxy.io/v1alpha1 `ClientTrafficPolicySpec.tls`,
 *   the CRD in ../shared/kubernetes-json-schema/crds/gateway.envoyproxy.io): minVersion and maxVersion
 *   "1.0" to "1.3" or Auto, `ciphers`, `ecdhCurves`, `session.resumption.{stateful,stateless}` (session
 *   resumption is off unless set); its CEL rules "setting ciphers has no effect if the minimum possible
 *   TLS version is 1.3" and "minVersion must be smaller or equal to maxVersion".
 * - ingress-nginx ConfigMap reference (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/):
 *   `ssl-protocols`, `ssl-ciphers`, `ssl-ecdh-curve`, `ssl-session-cache`, `ssl-session-cache-size`,
 *   `ssl-session-tickets`, `ssl-session-timeout`, `ssl-prefer-server-ciphers` are controller-wide; the
 *   `nginx.ingress.kubernetes.io/ssl-ciphers` annotation sets the ciphers of one server (host).
 *
 * The hybrid post-quantum group X25519MLKEM768 of the guidelines is offered in the values but not in
 * the defaults: Envoy and the ingress-nginx controller's OpenSSL must both know it (an OpenSSL that does
 * not, before 3.5, refuses the whole `ssl_ecdh_curve` list and nginx does not start).
 */
import { Type } from '@sinclair/typebox';
import type { SchemaProblem } from '../values/schema-check';

/** The guidelines the defaults follow, as cited in messages and READMEs. */
export const MOZILLA_GUIDELINES = 'Mozilla Server Side TLS 6.0, intermediate';

/** The TLS 1.2 cipher suites of the intermediate configuration, OpenSSL names, in its order. */
export const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

/** Key exchange groups, as Envoy (BoringSSL) names them; OPENSSL_CURVE_NAMES gives nginx's names. */
export const TLS_CURVES = ['X25519MLKEM768', 'X25519', 'P-256', 'P-384'] as const;

/** The same groups as OpenSSL (ingress-nginx `ssl-ecdh-curve`) names them. */
export const OPENSSL_CURVE_NAMES: Readonly<Record<(typeof TLS_CURVES)[number], string>> = { X25519MLKEM768: 'X25519MLKEM768', X25519: 'X25519', 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

const TLS_VERSIONS = ['1.2', '1.3'] as const;

/** The documents' policy: what an environment gets for what it does not set. */
export const DEFAULT_TLS_POLICY = {
  minVersion: '1.2',
  maxVersion: '1.3',
  ciphers: [...INTERMEDIATE_CIPHERS],
  ecdhCurves: ['X25519', 'P-256', 'P-384'],
  sessionResumption: { stateful: true, stateless: false },
} as const;

const closed = { additionalProperties: false } as const;
const version = (description: string) => Type.Unsafe<(typeof TLS_VERSIONS)[number]>({ type: 'string', enum: [...TLS_VERSIONS], description });

/** `traffic.tls`: the TLS policy of the environment's entry. */
export const TlsPolicySchema = Type.Object(
  {
    minVersion: version('Lowest TLS version served: "1.2" or "1.3" (quoted: YAML reads 1.2 as a number). TLS 1.0 and 1.1 are not offered.'),
    maxVersion: version('Highest TLS version served: "1.3" (or "1.2").'),
    ciphers: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...INTERMEDIATE_CIPHERS] }), {
      uniqueItems: true,
      description: `TLS 1.2 cipher suites, OpenSSL names, in order of preference: any of the ${MOZILLA_GUIDELINES} suites (TLS 1.3 suites are fixed by the protocol). Empty only with minVersion "1.3".`,
    }),
    ecdhCurves: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...TLS_CURVES] }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Key exchange groups, in order of preference (X25519MLKEM768 needs Envoy and the ingress controller’s OpenSSL 3.5 to know it).',
    }),
    sessionResumption: Type.Object(
      {
        stateful: Type.Boolean({ description: 'Resume sessions by session ID from a cache in each proxy (nginx: ssl-session-cache, 10 MB, one day).' }),
        stateless: Type.Boolean({ description: 'Resume sessions by session ticket (nginx: ssl-session-tickets). Off in Mozilla’s nginx configuration: nginx never rotates the ticket key.' }),
      },
      { ...closed, description: 'TLS session resumption (Envoy Gateway turns it off unless set).' },
    ),
  },
  { ...closed, description: `The TLS policy of the entry: versions, cipher suites, groups and session resumption (defaults: ${MOZILLA_GUIDELINES}).` },
);

export type TlsPolicy = typeof TlsPolicySchema.static;

const VERSION_ORDER: Readonly<Record<string, number>> = { '1.2': 2, '1.3': 3 };

const CIPHERS_WITH_TLS13 =
  'TLS 1.3 has its own cipher suites: with minVersion "1.3" Envoy Gateway refuses ciphers ("setting ciphers has no effect if the minimum possible TLS version is 1.3"); leave the list empty';
const NO_CIPHERS = 'expected at least one cipher suite while TLS 1.2 is served (with none, the proxies would offer their own defaults, CBC suites included)';

/** Problems of a TLS policy the schema accepted, with paths under it (`minVersion`, `ciphers`). */
export function tlsPolicyProblems(tls: TlsPolicy): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (VERSION_ORDER[tls.minVersion] > VERSION_ORDER[tls.maxVersion]) problems.push({ path: ['minVersion'], message: `expected at most maxVersion (${tls.maxVersion}), got ${tls.minVersion}` });
  if (tls.minVersion === '1.3' && tls.ciphers.length > 0) problems.push({ path: ['ciphers'], message: CIPHERS_WITH_TLS13 });
  if (tls.minVersion === '1.2' && tls.ciphers.length === 0) problems.push({ path: ['ciphers'], message: NO_CIPHERS });
  return problems;
}

/** tlsPolicyProblems as Go template text (the first problem fails), for every chart's validate-values.yaml. */
export const TLS_POLICY_RULE = `{{- with .Values.traffic.tls }}
{{- $order := dict "1.2" 2 "1.3" 3 }}
{{- if gt (index $order .minVersion) (index $order .maxVersion) }}
{{- fail (printf "traffic.tls.minVersion: expected at most maxVersion (%s), got %s" .maxVersion .minVersion) }}
{{- end }}
{{- if and (eq .minVersion "1.3") .ciphers }}
{{- fail ${JSON.stringify(`traffic.tls.ciphers: ${CIPHERS_WITH_TLS13}`)} }}
{{- end }}
{{- if and (eq .minVersion "1.2") (not .ciphers) }}
{{- fail ${JSON.stringify(`traffic.tls.ciphers: ${NO_CIPHERS}`)} }}
{{- end }}
{{- end }}`;
