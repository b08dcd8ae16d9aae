/**
 * With `traffic.provider: ingress`: Ingress for the NGINX ingress controller with TLS from cert-manager (a Certificate
 * for the TLS hosts, lib/certificates/route-certificate.ts), per-client rate limits, HTTPS
 * redirect, HSTS and security headers, and websocket-friendly timeouts. Admin paths get an Ingress of
 * their own, restricted to the allowed source networks, with their own rate limit
 * (`ingress.adminPaths.requestsPerSecond`) and basic authentication when `ingress.adminPaths.basicAuth`
 * names an htpasswd Secret. CORS (`ingress.cors`) on both. Compression is the controller's, for every Ingress
 * (lib/traffic/compression.ts).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { routeCertificate } from '../certificates/route-certificate';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, and, fmt, release } from '../template/expr';
import { each, spread, when } from '../template/manifest';
import type { Checked, Manifest } from '../template/typed';
import { usesIngress } from '../traffic/gateway-api';
import { basicAuthAnnotations } from '../traffic/basic-auth';
import { corsAnnotations } from '../traffic/cors';
import { NGINX, customHeaders, proxyTimeouts, requestRate, sourceRanges, sslRedirect } from '../traffic/ingress-nginx';
import { API_CONTENT_SECURITY_POLICY, securityHeadersData } from '../traffic/security-headers';
import { commonLabels, nameWith, names } from './names';
import type { AppObjectProps } from './props';

type IngressRules = Manifest<k8s.IngressRule[]>;

export class AppIngress extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const ing = v.ingress;
    const headersName = nameWith('security-headers');
    const enabled = and(ing.enabled, usesIngress(v.traffic));

    const backend = { service: { name: names.fullname, port: { name: 'http' } } };
    const annotations = {
      ...sslRedirect(ing.tls.enabled),
      ...requestRate(ing.rateLimit.requestsPerSecond),
      [`${NGINX}/limit-burst-multiplier`]: fmt`${ing.rateLimit.burstMultiplier}`,
      [`${NGINX}/limit-connections`]: fmt`${ing.rateLimit.connections}`,
      ...proxyTimeouts(ing.websocketTimeoutSeconds),
      ...customHeaders(fmt`${release.namespace}/${headersName}`),
      ...spread(ing.annotations),
      // Not keys of the chart's own beside ingress.annotations (a map, absent when CORS is off): a rule
      // refuses CORS in both places (lib/traffic/annotations.ts).
      ...corsAnnotations(ing.cors),
    };
    const tls = when(ing.tls.enabled, [{ hosts: ing.tls.hosts, secretName: ing.tls.secretName }]);
    // The rules are checked where they are written, as a TemplatedObject's manifest is (see Checked).
    const ingress = <const R extends IngressRules, const A extends object>(name: Expr<string>, extraAnnotations: A, rules: Checked<R, IngressRules>) => {
      const checkedRules: IngressRules = rules;
      return {
        metadata: { name, namespace: release.namespace, labels: commonLabels(v), annotations: { ...annotations, ...extraAnnotations } },
        spec: { ingressClassName: ing.className, tls, rules: checkedRules },
      };
    };

    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeIngress,
      template: 'ingress.yaml',
      condition: enabled,
      manifest: ingress(
        names.fullname,
        {},
        each(ing.hosts, 'host', (host) => ({
          host: host.host,
          http: { paths: each(host.paths, 'path', (path) => ({ path: path.path, pathType: path.pathType, backend })) },
        })),
      ),
    });

    new TemplatedObject(this, 'Admin', {
      type: k8s.KubeIngress,
      template: 'ingress-admin.yaml',
      condition: and(enabled, ing.adminPaths.paths),
      manifest: ingress(
        nameWith('admin'),
        { ...sourceRanges(ing.adminPaths.allowedCidrs), ...requestRate(ing.adminPaths.requestsPerSecond), ...spread(basicAuthAnnotations(ing.adminPaths, 'Administrators')) },
        each(ing.hosts, 'host', (host) => ({
          host: host.host,
          http: { paths: each(ing.adminPaths.paths, 'adminPath', (path) => ({ path, pathType: 'Prefix', backend })) },
        })),
      ),
    });

    routeCertificate(this, 'Certificate', {
      template: 'certificate.yaml',
      condition: and(enabled, ing.tls.enabled),
      metadata: { name: ing.tls.secretName, namespace: release.namespace, labels: commonLabels(v) },
      secretName: ing.tls.secretName,
      dnsNames: ing.tls.hosts,
      issuer: ing.tls.clusterIssuer,
      solverPolicy: {
        template: 'networkpolicy-allow-acme-solver.yaml',
        condition: v.networkPolicy.enabled,
        metadata: { name: nameWith('allow-acme-solver'), namespace: release.namespace, labels: commonLabels(v) },
        ingressControllerNamespace: v.networkPolicy.ingressControllerNamespace,
      },
    });

    new TemplatedObject(this, 'SecurityHeaders', {
      type: k8s.KubeConfigMap,
      template: 'security-headers.yaml',
      condition: enabled,
      manifest: {
        metadata: { name: headersName, namespace: release.namespace, labels: commonLabels(v) },
        data: securityHeadersData(ing, API_CONTENT_SECURITY_POLICY),
      },
    });
  }
}
