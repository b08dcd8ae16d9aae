/**
 * The application's entry on the Gateway API (`traffic.provider: gatewayAPI`), from the same values as
 * its Ingress (`ingress.*`: hosts, paths, TLS, rate limit, HSTS, timeouts, admin paths):
 * - HTTPRoute `<fullname>`: every host as a hostname, one rule per host with that host's paths (Prefix
 *   as PathPrefix, Exact as Exact, ImplementationSpecific as PathPrefix), the security headers, the
 *   request timeout (`websocketTimeoutSeconds`), and one backendRefs list: the Service, and the canary
 *   Service when Argo Rollouts' Gateway API plugin splits a canary's traffic by weight;
 * - HTTPRoute `<fullname>-admin` for the admin paths, and a SecurityPolicy admitting only the allowed
 *   networks to it (the longest matching path wins over the main route's), with basic authentication
 *   when `ingress.adminPaths.basicAuth` names an htpasswd Secret, and the application's CORS;
 * - SecurityPolicy `<fullname>`: the CORS of `ingress.cors` on the main route, when enabled;
 * - HTTPRoute `<fullname>-https-redirect` on the HTTP listener when TLS is enabled;
 * - BackendTrafficPolicy `<fullname>`: the per-client rate limit and compression of responses
 *   (`traffic.compression`) on the main route; `<fullname>-admin` the same on the admin route, with the
 *   admin paths' own limit (`ingress.adminPaths.requestsPerSecond`).
 * The Gateway terminates TLS with its own certificate (its listener), so `ingress.tls.secretName` and
 * the cert-manager annotation are the Ingress's only; burst and connection limits are too (Envoy
 * Gateway's local rate limit has neither).
 */
import { Construct } from 'constructs';
import { BackendTrafficPolicy, SecurityPolicy } from '../../imports/gateway.envoyproxy.io';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, and, eq, ifElse, or, release } from '../template/expr';
import { dig, hasKey } from '../template/functions';
import { each, spread, when } from '../template/manifest';
import { clientRateLimit, gatewayParent, httpsRedirectSpec, responseHeadersFilter, routeTarget, sourceAllowList, timeoutOf, usesGatewayApi } from '../traffic/gateway-api';
import { effectiveCors, routeAnnotations, translatedAnnotations } from '../traffic/annotations';
import { compressorList } from '../traffic/compression';
import { corsPolicy } from '../traffic/cors';
import { API_CONTENT_SECURITY_POLICY, securityHeaders } from '../traffic/security-headers';
import { commonLabels, nameWith, names } from './names';
import { deliveryNames } from '../delivery/strategy';
import { splitsHttpRoutes } from '../delivery/traffic-routing';
import type { AppObjectProps } from './props';

export class AppGatewayRoutes extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const ing = v.ingress;
    const traffic = v.traffic;
    const enabled = and(ing.enabled, usesGatewayApi(traffic));
    const admin = and(enabled, ing.adminPaths.paths);
    const metadata = (name: typeof names.fullname | ReturnType<typeof nameWith>) => ({ name, namespace: release.namespace, labels: commonLabels(v) });
    // The ingress-nginx annotations translated (lib/traffic/annotations.ts); the others are refused, or,
    // of other prefixes, copied to the routes.
    const translated = translatedAnnotations(ing.annotations);
    const routeMetadata = (name: typeof names.fullname | ReturnType<typeof nameWith>) => ({ ...metadata(name), annotations: { ...spread(routeAnnotations(ing.annotations)) } });
    const rewrite = when(translated.rewriteOn, { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: translated.rewritePath } } });
    const hostnames = each(ing.hosts, 'host', (host) => host.host);
    const parentRefs = [gatewayParent(traffic, ing.tls.enabled)];
    const headers = responseHeadersFilter(securityHeaders(ing, API_CONTENT_SECURITY_POLICY));
    // A canary split by the Gateway API plugin: the canary Service beside the stable one, weights left to
    // Argo Rollouts (both Services select the stable pods outside a release, so the default weights are safe).
    const backendRefs = [{ name: names.fullname, port: v.service.port }, when(splitsHttpRoutes(v), { name: deliveryNames.canaryService, port: v.service.port })];

    new TemplatedObject(this, 'Route', {
      type: HttpRoute,
      template: 'httproute.yaml',
      condition: enabled,
      manifest: {
        metadata: routeMetadata(names.fullname),
        spec: {
          parentRefs,
          hostnames,
          rules: each(ing.hosts, 'host', (host) => ({
            matches: each(host.paths, 'path', (path) => ({ path: { type: ifElse(eq(path.pathType, 'Exact'), 'Exact', 'PathPrefix'), value: path.path } })),
            filters: [headers, rewrite],
            backendRefs,
            timeouts: timeoutOf(ing.websocketTimeoutSeconds),
          })),
        },
      },
    });

    new TemplatedObject(this, 'AdminRoute', {
      type: HttpRoute,
      template: 'httproute-admin.yaml',
      condition: admin,
      manifest: {
        metadata: routeMetadata(nameWith('admin')),
        spec: {
          parentRefs,
          hostnames,
          rules: [
            {
              matches: each(ing.adminPaths.paths, 'adminPath', (path) => ({ path: { type: 'PathPrefix', value: path } })),
              filters: [headers, rewrite],
              backendRefs,
              timeouts: timeoutOf(ing.websocketTimeoutSeconds),
            },
          ],
        },
      },
    });

    new TemplatedObject(this, 'HttpsRedirect', {
      type: HttpRoute,
      template: 'httproute-https-redirect.yaml',
      condition: and(enabled, ing.tls.enabled),
      manifest: { metadata: routeMetadata(nameWith('https-redirect')), spec: httpsRedirectSpec(traffic, hostnames) },
    });

    const compressor = compressorList(traffic.compression);
    // proxy-body-size and proxy-connect-timeout, translated.
    const requestBuffer = when(translated.bodyLimitOn, { limit: translated.bodyLimit });
    const timeout = when(translated.connectTimeoutOn, { tcp: { connectTimeout: translated.connectTimeout } });
    new TemplatedObject(this, 'RateLimit', {
      type: BackendTrafficPolicy,
      template: 'backendtrafficpolicy.yaml',
      condition: enabled,
      manifest: {
        metadata: metadata(names.fullname),
        spec: { targetRefs: [routeTarget(names.fullname)], rateLimit: clientRateLimit(ing.rateLimit.requestsPerSecond), compressor, requestBuffer, timeout },
      },
    });

    // The admin paths have a rate limit of their own (an admin route with the application's limit would
    // let a client spend it on the admin paths).
    new TemplatedObject(this, 'AdminRateLimit', {
      type: BackendTrafficPolicy,
      template: 'backendtrafficpolicy-admin.yaml',
      condition: admin,
      manifest: {
        metadata: metadata(nameWith('admin')),
        spec: { targetRefs: [routeTarget(nameWith('admin'))], rateLimit: clientRateLimit(ing.adminPaths.requestsPerSecond), compressor, requestBuffer, timeout },
      },
    });

    // One SecurityPolicy per route (Envoy Gateway keeps only the oldest of two on the same target): CORS,
    // external and basic authentication of the main route together; the allow-list too on the admin route.
    const cors = effectiveCors(ing.cors, translated);
    const corsField = when(cors.on, corsPolicy(cors.source));
    const extAuth = when(translated.extAuthOn, translated.extAuth);
    const adminBasicAuth = hasKey(ing.adminPaths, 'basicAuth');
    // dig: Go evaluates both branches of the choice, and basicAuth may be absent.
    const adminUsers = ifElse(adminBasicAuth, dig<string>(dig(ing.adminPaths, 'basicAuth'), 'secretName') as Expr<string>, translated.basicAuthSecret);
    new TemplatedObject(this, 'AdminAllowList', {
      type: SecurityPolicy,
      template: 'securitypolicy-admin.yaml',
      condition: admin,
      manifest: {
        metadata: metadata(nameWith('admin')),
        spec: {
          targetRefs: [routeTarget(nameWith('admin'))],
          cors: corsField,
          extAuth,
          basicAuth: when(or(adminBasicAuth, translated.basicAuthOn), { users: { name: adminUsers } }),
          authorization: sourceAllowList(ing.adminPaths.allowedCidrs),
        },
      },
    });

    new TemplatedObject(this, 'SecurityPolicy', {
      type: SecurityPolicy,
      template: 'securitypolicy.yaml',
      condition: and(enabled, or(cors.on, translated.extAuthOn, translated.basicAuthOn)),
      manifest: {
        metadata: metadata(names.fullname),
        spec: { targetRefs: [routeTarget(names.fullname)], cors: corsField, extAuth, basicAuth: when(translated.basicAuthOn, { users: { name: translated.basicAuthSecret } }) },
      },
    });
  }
}
