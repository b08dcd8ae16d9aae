/**
 * Optional HTTP basic authentication of admin routes (the documents: "optional HTTP basic
 * authentication" of the admin endpoints, besides the IP allow-list): `ingress.adminPaths.basicAuth` of
 * an application, `ingress.admin.basicAuth` of the monitoring stack. The users are an htpasswd file in an
 * existing Secret of the release namespace, named by reference (made by the platform team, or by the
 * chart's own ExternalSecret or SealedSecret under `secrets`), never a value in git.
 *
 * - Envoy Gateway: `basicAuth.users` of the admin route's SecurityPolicy (gateway.envoyproxy.io/v1alpha1
 *   `BasicAuth`), read from the Secret's key `.htpasswd`; Envoy's basic_auth filter accepts `{SHA}`
 *   hashes only (Envoy docs, HTTP filters, Basic Auth: "only SHA format is currently supported").
 * - ingress-nginx: `auth-type: basic`, `auth-secret`, `auth-secret-type: auth-file` (the Secret's key
 *   `auth`) and `auth-realm` on the admin Ingress (ingress-nginx annotations reference, "Authentication").
 * One Secret with both keys, each an htpasswd file of `{SHA}` hashes (`htpasswd -s`), serves both providers,
 * so an environment can move between them.
 */
import { Type } from '@sinclair/typebox';
import type { Expr } from '../template/expr';
import { type Refs, when } from '../template/manifest';
import { mapWhen } from './exprs';
import { NGINX } from './ingress-nginx';
import { dig, hasKey } from '../template/functions';

/** The key of the htpasswd file in the Secret, as Envoy Gateway reads it. */
const ENVOY_HTPASSWD_KEY = '.htpasswd';
/** The key of the htpasswd file in the Secret, as ingress-nginx reads it (`auth-secret-type: auth-file`). */
const NGINX_HTPASSWD_KEY = 'auth';

const SECRET_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** `basicAuth` of an admin route: where the users are. */
export const BasicAuthSchema = Type.Object(
  {
    secretName: Type.String({
      pattern: SECRET_NAME,
      maxLength: 253,
      description: `An existing Secret of the release namespace holding the users as htpasswd with {SHA} hashes (htpasswd -s): key "${ENVOY_HTPASSWD_KEY}" for the Gateway API, "${NGINX_HTPASSWD_KEY}" for ingress-nginx (both, to move between them).`,
    }),
  },
  { additionalProperties: false, description: 'HTTP basic authentication of the admin routes, besides the allowed networks (absent: none).' },
);

export type BasicAuthValues = typeof BasicAuthSchema.static;

/** The `basicAuth` of an Envoy Gateway SecurityPolicy when `parent` has `basicAuth`. */
export function basicAuthPolicy(parent: Refs<{ basicAuth?: BasicAuthValues }>) {
  return when(hasKey(parent, 'basicAuth'), { users: { name: (parent.basicAuth as Refs<BasicAuthValues>).secretName } });
}

/** The ingress-nginx annotations of basic authentication when `parent` has `basicAuth` (a map to spread). */
export function basicAuthAnnotations(parent: Refs<{ basicAuth?: BasicAuthValues }>, realm: string): Expr<Record<string, string>> {
  return mapWhen(hasKey(parent, 'basicAuth'), {
    [`${NGINX}/auth-type`]: 'basic',
    // Read with dig: Go evaluates every entry of the map, present or not.
    [`${NGINX}/auth-secret`]: dig<string>(dig(parent, 'basicAuth'), 'secretName') as Expr<string>,
    [`${NGINX}/auth-secret-type`]: 'auth-file',
    [`${NGINX}/auth-realm`]: realm,
  });
}
