/**
 * The routes into the monitoring stack (standalone mode, `ingress.enabled`), on the environment's
 * traffic provider (`traffic.provider`), with the same paths, limits and headers on both:
 * - Grafana under `ingress.path` (e.g. /monitoring), public, `ingress.grafana.requestsPerSecond` per
 *   client IP (100), WebSockets for Grafana Live (long timeouts; Envoy Gateway: httpUpgrade websocket);
 * - the health endpoint `ingress.healthPath` (e.g. /healthz), answered by Grafana's /api/health;
 * - /prometheus and /alertmanager, admins only: `ingress.admin.allowedCidrs`, HTTP basic authentication
 *   when `ingress.admin.basicAuth` names an htpasswd Secret (lib/traffic/basic-auth.ts), and
 *   `ingress.admin.requestsPerSecond` per client IP (10);
 * - security headers on every response, HTTP redirected to HTTPS when TLS is enabled.
 * Gateway API: HTTPRoutes `grafana` (the Grafana and health rules) and `monitoring-admin` (one rule per
 * component), `monitoring-https-redirect`, BackendTrafficPolicies `grafana` and `monitoring-admin`,
 * SecurityPolicy `monitoring-admin`. Ingress: Ingresses `grafana`, `monitoring-health` (rewritten to
 * the health URL) and `monitoring-admin`, the headers ConfigMap `monitoring-security-headers`, and
 * the Certificate of the host (named like its Secret, `ingress.tls.secretName`).
 * No route rewrites Prometheus' or Alertmanager's paths: they serve under their sub paths (ports.ts).
 * Prometheus' admin API (/prometheus/api/v1/admin/, on while Velero backs Prometheus up, for the
 * snapshot hook on loopback) is never served through a route: a rule of `monitoring-admin` without
 * backends (the Gateway answers, forwards nothing), or the Ingress `monitoring-admin-api` that denies
 * every source (403); the longer prefix wins on both.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { routeCertificate } from '../../certificates/route-certificate';
import { BackendTrafficPolicy, SecurityPolicy } from '../../../imports/gateway.envoyproxy.io';
import { HttpRoute } from '../../../imports/gateway.networking.k8s.io';
import { type Expr, and, fmt, release } from '../../template/expr';
import { spread, when } from '../../template/manifest';
import { basicAuthAnnotations, basicAuthPolicy } from '../../traffic/basic-auth';
import { compressorList } from '../../traffic/compression';
import { clientRateLimit, gatewayParent, httpsRedirectSpec, responseHeadersFilter, routeTarget, sourceAllowList, timeoutOf, usesGatewayApi, usesIngress } from '../../traffic/gateway-api';
import { NGINX, customHeaders, denyAllSources, proxyTimeouts, requestRate, sourceRanges, sslRedirect } from '../../traffic/ingress-nginx';
import { UI_CONTENT_SECURITY_POLICY, securityHeaders, securityHeadersData } from '../../traffic/security-headers';
import { type Component, type MonitoringProps, k8sObject, labels, standalone } from './common';
import { PORTS, SUB_PATHS } from './ports';

const ADMIN = 'monitoring-admin';
const ADMIN_API = `${SUB_PATHS.prometheus}/api/v1/admin`;
const HEADERS = 'monitoring-security-headers';

export class MonitoringRoutes extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const ing = v.ingress;
    const routed = and(standalone(v), ing.enabled);
    const onGateway = and(routed, usesGatewayApi(v.traffic));
    const onIngress = and(routed, usesIngress(v.traffic));
    const metadata = (name: Expr<string> | string, component: Component) => ({ name, namespace: release.namespace, labels: labels(component) });
    const healthUrl = fmt`${ing.path}/api/health`;

    // Gateway API.
    const parentRefs = [gatewayParent(v.traffic, ing.tls.enabled)];
    const hostnames = [ing.host];
    const headers = responseHeadersFilter(securityHeaders(ing, UI_CONTENT_SECURITY_POLICY));
    const backend = (name: string, port: number) => [{ name, port }];
    const prefix = (value: Expr<string> | string) => [{ path: { type: 'PathPrefix', value } }] as const;

    k8sObject(
      this,
      'GrafanaRoute',
      'grafana-httproute.yaml',
      HttpRoute,
      {
        metadata: metadata('grafana', 'grafana'),
        spec: {
          parentRefs,
          hostnames,
          rules: [
            { name: 'grafana', matches: prefix(ing.path), filters: [headers], backendRefs: backend('grafana', PORTS.grafana), timeouts: timeoutOf(ing.websocketTimeoutSeconds) },
            {
              name: 'health',
              matches: [{ path: { type: 'Exact', value: ing.healthPath } }],
              filters: [headers, { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: healthUrl } } }],
              backendRefs: backend('grafana', PORTS.grafana),
            },
          ],
        },
      },
      { condition: onGateway },
    );
    k8sObject(
      this,
      'AdminRoute',
      'monitoring-admin-httproute.yaml',
      HttpRoute,
      {
        metadata: metadata(ADMIN, 'monitoring'),
        spec: {
          parentRefs,
          hostnames,
          rules: [
            // No backendRefs: requests to the admin API are answered by the Gateway, never forwarded.
            { name: 'prometheus-admin-api', matches: prefix(ADMIN_API), filters: [headers] },
            { name: 'prometheus', matches: prefix(SUB_PATHS.prometheus), filters: [headers], backendRefs: backend('prometheus', PORTS.prometheus) },
            { name: 'alertmanager', matches: prefix(SUB_PATHS.alertmanager), filters: [headers], backendRefs: backend('alertmanager', PORTS.alertmanager) },
          ],
        },
      },
      { condition: onGateway },
    );
    k8sObject(
      this,
      'HttpsRedirect',
      'monitoring-https-redirect-httproute.yaml',
      HttpRoute,
      { metadata: metadata('monitoring-https-redirect', 'monitoring'), spec: httpsRedirectSpec(v.traffic, hostnames) },
      { condition: and(onGateway, ing.tls.enabled) },
    );
    k8sObject(
      this,
      'GrafanaTrafficPolicy',
      'grafana-backendtrafficpolicy.yaml',
      BackendTrafficPolicy,
      {
        metadata: metadata('grafana', 'grafana'),
        // Grafana Live keeps a WebSocket open per browser tab.
        spec: { targetRefs: [routeTarget('grafana')], rateLimit: clientRateLimit(ing.grafana.requestsPerSecond), httpUpgrade: [{ type: 'websocket' }], compressor: compressorList(v.traffic.compression) },
      },
      { condition: onGateway },
    );
    k8sObject(
      this,
      'AdminTrafficPolicy',
      'monitoring-admin-backendtrafficpolicy.yaml',
      BackendTrafficPolicy,
      { metadata: metadata(ADMIN, 'monitoring'), spec: { targetRefs: [routeTarget(ADMIN)], rateLimit: clientRateLimit(ing.admin.requestsPerSecond), compressor: compressorList(v.traffic.compression) } },
      { condition: onGateway },
    );
    k8sObject(
      this,
      'AdminAllowList',
      'monitoring-admin-securitypolicy.yaml',
      SecurityPolicy,
      { metadata: metadata(ADMIN, 'monitoring'), spec: { targetRefs: [routeTarget(ADMIN)], basicAuth: basicAuthPolicy(ing.admin), authorization: sourceAllowList(ing.admin.allowedCidrs) } },
      { condition: onGateway },
    );

    // Ingress (NGINX ingress controller). One Certificate (cert-manager, issued by the environment's
    // ClusterIssuer) for the host; every Ingress serves its Secret. On the Gateway API the listener's
    // certificate is the platform's (the Gateway terminates TLS).
    const common = { ...sslRedirect(ing.tls.enabled), ...customHeaders(fmt`${release.namespace}/${HEADERS}`) };
    const tls = when(ing.tls.enabled, [{ hosts: [ing.host], secretName: ing.tls.secretName }]);
    const path = (value: Expr<string> | string, pathType: 'Prefix' | 'Exact', service: string) => ({ path: value, pathType, backend: { service: { name: service, port: { name: 'http' } } } });

    k8sObject(
      this,
      'GrafanaIngress',
      'grafana-ingress.yaml',
      k8s.KubeIngress,
      {
        metadata: {
          ...metadata('grafana', 'grafana'),
          annotations: {
            ...common,
            ...requestRate(ing.grafana.requestsPerSecond),
            ...proxyTimeouts(ing.websocketTimeoutSeconds),
          },
        },
        spec: { ingressClassName: ing.className, tls, rules: [{ host: ing.host, http: { paths: [path(ing.path, 'Prefix', 'grafana')] } }] },
      },
      { condition: onIngress },
    );
    routeCertificate(this, 'Certificate', {
      template: 'grafana-certificate.yaml',
      condition: and(onIngress, ing.tls.enabled),
      metadata: metadata(ing.tls.secretName, 'grafana'),
      secretName: ing.tls.secretName,
      dnsNames: [ing.host],
      issuer: ing.tls.clusterIssuer,
      // The HTTP-01 solver pods of its challenges, reached through the ingress controller (lib/certificates/route-certificate.ts).
      solverPolicy: {
        template: 'networkpolicy-acme-solver.yaml',
        condition: v.networkPolicy.enabled,
        metadata: metadata('monitoring-allow-acme-solver', 'grafana'),
        ingressControllerNamespace: v.networkPolicy.ingressControllerNamespace,
      },
    });
    k8sObject(
      this,
      'HealthIngress',
      'monitoring-health-ingress.yaml',
      k8s.KubeIngress,
      {
        metadata: { ...metadata('monitoring-health', 'grafana'), annotations: { ...common, ...requestRate(ing.grafana.requestsPerSecond), [`${NGINX}/rewrite-target`]: healthUrl } },
        spec: { ingressClassName: ing.className, tls, rules: [{ host: ing.host, http: { paths: [path(ing.healthPath, 'Exact', 'grafana')] } }] },
      },
      { condition: onIngress },
    );
    k8sObject(
      this,
      'AdminIngress',
      'monitoring-admin-ingress.yaml',
      k8s.KubeIngress,
      {
        metadata: {
          ...metadata(ADMIN, 'monitoring'),
          annotations: { ...common, ...requestRate(ing.admin.requestsPerSecond), ...sourceRanges(ing.admin.allowedCidrs), ...spread(basicAuthAnnotations(ing.admin, 'Prometheus and Alertmanager')) },
        },
        spec: {
          ingressClassName: ing.className,
          tls,
          rules: [{ host: ing.host, http: { paths: [path(SUB_PATHS.prometheus, 'Prefix', 'prometheus'), path(SUB_PATHS.alertmanager, 'Prefix', 'alertmanager')] } }],
        },
      },
      { condition: onIngress },
    );
    k8sObject(
      this,
      'AdminApiIngress',
      'monitoring-admin-api-ingress.yaml',
      k8s.KubeIngress,
      {
        metadata: { ...metadata(`${ADMIN}-api`, 'monitoring'), annotations: { ...common, ...denyAllSources() } },
        spec: { ingressClassName: ing.className, tls, rules: [{ host: ing.host, http: { paths: [path(ADMIN_API, 'Prefix', 'prometheus')] } }] },
      },
      { condition: onIngress },
    );
    k8sObject(
      this,
      'SecurityHeaders',
      'monitoring-security-headers.yaml',
      k8s.KubeConfigMap,
      { metadata: metadata(HEADERS, 'monitoring'), data: securityHeadersData(ing, UI_CONTENT_SECURITY_POLICY) },
      { condition: onIngress },
    );
  }
}
