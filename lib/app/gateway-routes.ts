/**
 * The application's entry on the Gateway API (`traffic.provider: gatewayAPI`), from the same values as
 * its Ingress (`ingress.*`: hosts, paths, TLS, rate limit, HSTS, timeouts, admin paths):
 * - HTTPRoute `<fullname>`: every host as a hostname, one rule per host with that host's paths (Prefix
 *   as PathPrefix, Exact as Exact, ImplementationSpecific as PathPrefix), the security headers, the
 *   request timeout (`websocketTimeoutSeconds`), and one backendRefs list: the Service, and the canary
 *   Service when Argo Rollouts' Gateway API plugin splits a canary's traffic by weight;
 * - HTTPRoute `<fullname>-admin` for the admin paths, and a SecurityPolicy admitting only the allowed
 *   networks to it (the longest matching path wins over the main route's);
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
import { and, eq, ifElse, release } from '../template/expr';
import { each, when } from '../template/manifest';
import { clientRateLimit, gatewayParent, httpsRedirectSpec, responseHeadersFilter, routeTarget, sourceAllowList, timeoutOf, usesGatewayApi } from '../traffic/gateway-api';
import { compressorList } from '../traffic/compression';
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
        metadata: metadata(names.fullname),
        spec: {
          parentRefs,
          hostnames,
          rules: each(ing.hosts, 'host', (host) => ({
            matches: each(host.paths, 'path', (path) => ({ path: { type: ifElse(eq(path.pathType, 'Exact'), 'Exact', 'PathPrefix'), value: path.path } })),
            filters: [headers],
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
        metadata: metadata(nameWith('admin')),
        spec: {
          parentRefs,
          hostnames,
          rules: [
            {
              matches: each(ing.adminPaths.paths, 'adminPath', (path) => ({ path: { type: 'PathPrefix', value: path } })),
              filters: [headers],
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
      manifest: { metadata: metadata(nameWith('https-redirect')), spec: httpsRedirectSpec(traffic, hostnames) },
    });

    const compressor = compressorList(traffic.compression);
    new TemplatedObject(this, 'RateLimit', {
      type: BackendTrafficPolicy,
      template: 'backendtrafficpolicy.yaml',
      condition: enabled,
      manifest: {
        metadata: metadata(names.fullname),
        spec: { targetRefs: [routeTarget(names.fullname)], rateLimit: clientRateLimit(ing.rateLimit.requestsPerSecond), compressor },
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
        spec: { targetRefs: [routeTarget(nameWith('admin'))], rateLimit: clientRateLimit(ing.adminPaths.requestsPerSecond), compressor },
      },
    });

    new TemplatedObject(this, 'AdminAllowList', {
      type: SecurityPolicy,
      template: 'securitypolicy-admin.yaml',
      condition: admin,
      manifest: {
        metadata: metadata(nameWith('admin')),
        spec: { targetRefs: [routeTarget(nameWith('admin'))], authorization: sourceAllowList(ing.adminPaths.allowedCidrs) },
      },
    });
  }
}
