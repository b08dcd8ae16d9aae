/**
 * The committed manifests of every environment enter through the environment's traffic provider
 * (values/: the Gateway API in dev and production, Ingress in staging), with the routes, filters,
 * limits, allow-lists and NetworkPolicies the values say: application charts and the monitoring chart.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monitoringRelease } from '../../lib/monitoring/stack/release-values';
import { namespaceOf } from '../../lib/synth/synthesize';
import { loadEnvironment } from '../../lib/values/load';
import { type K8sObject, environments, plainObjects } from '../support/dist';
import { projectRoot } from '../support/helm';

const valuesDir = join(projectRoot, 'values');
type Header = { name: string; value: string };
type Filter = { type: string; responseHeaderModifier: { set: Header[] } };
type Rule = { name?: string; matches: unknown; filters: Filter[]; backendRefs: unknown; timeouts?: unknown };
type IngressPath = { path: string; pathType: string; backend: { service: { name: string } } };
/** The fields the assertions read, of the kinds they read (HTTPRoute, Ingress, policies, workloads). */
type Spec = {
  parentRefs: unknown;
  hostnames: string[];
  rules: Rule[] & Array<{ host: string; http: { paths: IngressPath[] } }>;
  targetRefs: Array<{ name: string }>;
  rateLimit: unknown;
  compressor: unknown;
  authorization: unknown;
  ingress: unknown;
  tls: unknown;
  secretName: string;
  dnsNames: string[];
  issuerRef: { name: string };
  template: { spec: { containers: Array<{ args: string[]; readinessProbe: { httpGet: { path: string } } }> } };
};
type Obj = K8sObject & { spec: Spec; data?: Record<string, string> };

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;
const headerNames = ['Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options', 'Referrer-Policy', 'Content-Security-Policy', 'Permissions-Policy'];
const perClient = (requests: number) => ({
  type: 'Local',
  local: {
    rules: ['0.0.0.0/0', '::/0'].map((value) => ({ clientSelectors: [{ sourceCIDR: { type: 'Distinct', value } }], limit: { requests, unit: 'Second' } })),
  },
});

/** The compressor list of a BackendTrafficPolicy for the environment's compression: brotli preferred. */
const compressor = (c: { brotli: boolean; gzip: boolean; minContentLength: number }) => [
  ...(c.brotli ? [{ type: 'Brotli', minContentLength: c.minContentLength }] : []),
  ...(c.gzip ? [{ type: 'Gzip', minContentLength: c.minContentLength }] : []),
];

it('ships both providers: the Gateway API in dev and production, Ingress in staging', () => {
  expect(Object.fromEntries(environments().map((env) => [env, loadEnvironment(valuesDir, env).traffic.provider]))).toEqual({ dev: 'gatewayAPI', production: 'gatewayAPI', staging: 'ingress' });
});

describe.each(environments())('applications in %s', (env) => {
  const loaded = loadEnvironment(valuesDir, env);
  const { traffic } = loaded;
  const gateway = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: traffic.gateway.name, namespace: traffic.gateway.namespace };

  it.each([...loaded.applications.keys()])('%s enters as its values say', (app) => {
    const values = loaded.applications.get(app)!;
    const objects = plainObjects(env, app);
    const kinds = objects.map((o) => o.kind);
    const ing = values.ingress;
    if (!ing.enabled) {
      expect(kinds.filter((k) => ['Ingress', 'HTTPRoute', 'BackendTrafficPolicy', 'SecurityPolicy'].includes(k))).toEqual([]);
      expect(find(objects, 'NetworkPolicy', `${app}-allow-gateway`)).toBeUndefined();
      expect(find(objects, 'NetworkPolicy', `${app}-allow-ingress-controller`)).toBeUndefined();
      return;
    }
    const hosts = ing.hosts.map((h) => h.host);
    if (traffic.provider === 'ingress') {
      expect(kinds).not.toContain('HTTPRoute');
      expect(kinds).not.toContain('BackendTrafficPolicy');
      expect(find(objects, 'Ingress', app)!.spec.rules.map((r: { host: string }) => r.host)).toEqual(hosts);
      expect(find(objects, 'Ingress', app)!.metadata.annotations!['nginx.ingress.kubernetes.io/limit-rps']).toBe(String(ing.rateLimit.requestsPerSecond));
      // The admin paths' own limit, not the application's (issue 23: api's /admin shared its 50 req/s).
      if (ing.adminPaths.paths.length > 0) expect(find(objects, 'Ingress', `${app}-admin`)!.metadata.annotations!['nginx.ingress.kubernetes.io/limit-rps']).toBe(String(ing.adminPaths.requestsPerSecond));
      expect(Object.keys(find(objects, 'ConfigMap', `${app}-security-headers`)!.data!)).toEqual(headerNames);
      expect(find(objects, 'NetworkPolicy', `${app}-allow-ingress-controller`)!.spec.ingress).toEqual([
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': values.networkPolicy.ingressControllerNamespace } } }], ports: [{ protocol: 'TCP', port: values.containerPort }] },
      ]);
      expect(find(objects, 'NetworkPolicy', `${app}-allow-gateway`)).toBeUndefined();
      return;
    }
    expect(kinds).not.toContain('Ingress');
    expect(find(objects, 'ConfigMap', `${app}-security-headers`)).toBeUndefined();
    const route = find(objects, 'HTTPRoute', app)!;
    expect(route.spec.parentRefs).toEqual([{ ...gateway, sectionName: ing.tls.enabled ? traffic.gateway.listeners.https : traffic.gateway.listeners.http }]);
    expect(route.spec.hostnames).toEqual(hosts);
    expect(route.spec.rules).toHaveLength(ing.hosts.length);
    for (const [i, rule] of route.spec.rules.entries()) {
      expect(rule.matches).toEqual(ing.hosts[i].paths.map((p) => ({ path: { type: p.pathType === 'Exact' ? 'Exact' : 'PathPrefix', value: p.path } })));
      // One backendRefs list: the Service, and the canary Service when Argo Rollouts' Gateway API plugin weighs a canary.
      const canary = values.rollout.strategy === 'canary' && values.rollout.canary.trafficRouting === 'gatewayAPI';
      expect(rule.backendRefs).toEqual([{ name: app, port: values.service.port }, ...(canary ? [{ name: `${app}-canary`, port: values.service.port }] : [])]);
      expect(rule.timeouts).toEqual({ request: `${ing.websocketTimeoutSeconds}s` });
      expect(rule.filters).toHaveLength(1);
      expect(rule.filters[0].type).toBe('ResponseHeaderModifier');
      expect(rule.filters[0].responseHeaderModifier.set.map((h) => h.name)).toEqual(headerNames);
      expect(rule.filters[0].responseHeaderModifier.set[0].value).toBe(`max-age=${ing.hstsMaxAgeSeconds}; includeSubDomains${ing.hstsPreload ? '; preload' : ''}`);
    }
    const redirect = find(objects, 'HTTPRoute', `${app}-https-redirect`);
    if (ing.tls.enabled) {
      expect(redirect!.spec).toEqual({
        parentRefs: [{ ...gateway, sectionName: traffic.gateway.listeners.http }],
        hostnames: hosts,
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      });
    } else expect(redirect).toBeUndefined();

    const admin = ing.adminPaths.paths.length > 0;
    const policy = find(objects, 'BackendTrafficPolicy', app)!;
    expect(policy.spec.targetRefs.map((t: { name: string }) => t.name)).toEqual([app]);
    expect(policy.spec.rateLimit).toEqual(perClient(ing.rateLimit.requestsPerSecond));
    expect(policy.spec.compressor).toEqual(compressor(traffic.compression));
    const adminPolicy = find(objects, 'BackendTrafficPolicy', `${app}-admin`);
    if (admin) {
      // The admin paths' own limit (issue 23: api's /admin shared the application's 50 req/s).
      expect(adminPolicy!.spec.targetRefs.map((t: { name: string }) => t.name)).toEqual([`${app}-admin`]);
      expect(adminPolicy!.spec.rateLimit).toEqual(perClient(ing.adminPaths.requestsPerSecond));
      expect(ing.adminPaths.requestsPerSecond).not.toBe(ing.rateLimit.requestsPerSecond);
    } else expect(adminPolicy).toBeUndefined();
    if (admin) {
      expect(find(objects, 'HTTPRoute', `${app}-admin`)!.spec.rules[0].matches).toEqual(ing.adminPaths.paths.map((value) => ({ path: { type: 'PathPrefix', value } })));
      // With the application's CORS and basic authentication when it has them (test/traffic/cors-and-admin-auth.test.ts).
      expect(find(objects, 'SecurityPolicy', `${app}-admin`)!.spec).toMatchObject({
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: `${app}-admin` }],
        authorization: { defaultAction: 'Deny', rules: [{ name: 'allowed-sources', action: 'Allow', principal: { clientCIDRs: ing.adminPaths.allowedCidrs } }] },
      });
    } else {
      expect(find(objects, 'HTTPRoute', `${app}-admin`)).toBeUndefined();
      expect(find(objects, 'SecurityPolicy', `${app}-admin`)).toBeUndefined();
    }
    // Only the Gateway's proxy pods, never the whole namespace or the ingress controller.
    expect(find(objects, 'NetworkPolicy', `${app}-allow-gateway`)!.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': traffic.gateway.proxies.namespace } }, podSelector: { matchLabels: traffic.gateway.proxies.podLabels } }],
        ports: [{ protocol: 'TCP', port: values.containerPort }],
      },
    ]);
    expect(find(objects, 'NetworkPolicy', `${app}-allow-ingress-controller`)).toBeUndefined();
  });
});

describe.each(environments())('monitoring routes in %s', (env) => {
  const loaded = loadEnvironment(valuesDir, env);
  const values = monitoringRelease(loaded, (app) => namespaceOf(app, env)).values;
  const ing = values.ingress;
  const objects = plainObjects(env, 'monitoring');

  it('serves Grafana (100 req/s), the health endpoint, and /prometheus and /alertmanager to the admin networks only (10 req/s)', () => {
    expect([ing.grafana.requestsPerSecond, ing.admin.requestsPerSecond, ing.admin.allowedCidrs.length > 0]).toEqual([100, 10, true]);
    if (values.traffic.provider === 'ingress') {
      const annotations = (name: string) => find(objects, 'Ingress', name)!.metadata.annotations!;
      const paths = (name: string) =>
        find(objects, 'Ingress', name)!.spec.rules[0].http.paths.map((p: { path: string; pathType: string; backend: { service: { name: string } } }) => [p.path, p.pathType, p.backend.service.name]);
      expect(paths('grafana')).toEqual([[ing.path, 'Prefix', 'grafana']]);
      expect(paths('monitoring-health')).toEqual([[ing.healthPath, 'Exact', 'grafana']]);
      expect(paths('monitoring-admin')).toEqual([
        ['/prometheus', 'Prefix', 'prometheus'],
        ['/alertmanager', 'Prefix', 'alertmanager'],
      ]);
      // Prometheus' admin API (the Velero snapshot hook's, on loopback) is refused to every source (403): the longer prefix wins.
      expect(paths('monitoring-admin-api')).toEqual([['/prometheus/api/v1/admin', 'Prefix', 'prometheus']]);
      expect(annotations('monitoring-admin-api')).toMatchObject({ 'nginx.ingress.kubernetes.io/denylist-source-range': '0.0.0.0/0,::/0' });
      expect(annotations('monitoring-admin-api')['nginx.ingress.kubernetes.io/whitelist-source-range']).toBeUndefined();
      expect(annotations('grafana')).toMatchObject({ 'nginx.ingress.kubernetes.io/limit-rps': '100', 'nginx.ingress.kubernetes.io/proxy-read-timeout': String(ing.websocketTimeoutSeconds) });
      expect(annotations('monitoring-health')).toMatchObject({ 'nginx.ingress.kubernetes.io/rewrite-target': `${ing.path}/api/health` });
      expect(annotations('monitoring-admin')).toMatchObject({ 'nginx.ingress.kubernetes.io/limit-rps': '10', 'nginx.ingress.kubernetes.io/whitelist-source-range': ing.admin.allowedCidrs.join(',') });
      for (const name of ['grafana', 'monitoring-health', 'monitoring-admin', 'monitoring-admin-api'])
        expect(annotations(name)['nginx.ingress.kubernetes.io/custom-headers']).toBe('monitoring/monitoring-security-headers');
      // One Certificate for the host (cert-manager, the environment's issuer), whose Secret every Ingress serves; no ingress-shim annotation.
      expect(['grafana', 'monitoring-health', 'monitoring-admin'].filter((name) => annotations(name)['cert-manager.io/cluster-issuer'])).toEqual([]);
      expect((objects.filter((o) => o.kind === 'Certificate') as Obj[]).map((o) => [o.metadata.name, o.spec.secretName, o.spec.dnsNames, o.spec.issuerRef.name])).toEqual([
        [ing.tls.secretName, ing.tls.secretName, [ing.host], ing.tls.clusterIssuer],
      ]);
      for (const name of ['grafana', 'monitoring-health', 'monitoring-admin', 'monitoring-admin-api'])
        expect(find(objects, 'Ingress', name)!.spec.tls).toEqual([{ hosts: [ing.host], secretName: ing.tls.secretName }]);
      expect(Object.keys(find(objects, 'ConfigMap', 'monitoring-security-headers')!.data!)).toEqual(headerNames);
      expect(objects.filter((o) => ['HTTPRoute', 'BackendTrafficPolicy', 'SecurityPolicy'].includes(o.kind))).toEqual([]);
      return;
    }
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    // TLS ends at the platform Gateway's listener, whose certificate is the platform's.
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    const grafana = find(objects, 'HTTPRoute', 'grafana')!;
    expect(grafana.spec.hostnames).toEqual([ing.host]);
    const [main, health] = grafana.spec.rules;
    expect(main).toMatchObject({
      name: 'grafana',
      matches: [{ path: { type: 'PathPrefix', value: ing.path } }],
      backendRefs: [{ name: 'grafana', port: 3000 }],
      timeouts: { request: `${ing.websocketTimeoutSeconds}s` },
    });
    expect(health).toMatchObject({ name: 'health', matches: [{ path: { type: 'Exact', value: ing.healthPath } }], backendRefs: [{ name: 'grafana', port: 3000 }] });
    expect(health.filters[1]).toEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: `${ing.path}/api/health` } } });
    const admin = find(objects, 'HTTPRoute', 'monitoring-admin')!;
    expect(admin.spec.rules.map((r) => [r.name, r.matches, r.backendRefs])).toEqual([
      // No backends: the Gateway answers requests to Prometheus' admin API itself (the longer prefix wins).
      ['prometheus-admin-api', [{ path: { type: 'PathPrefix', value: '/prometheus/api/v1/admin' } }], undefined],
      ['prometheus', [{ path: { type: 'PathPrefix', value: '/prometheus' } }], [{ name: 'prometheus', port: 9090 }]],
      ['alertmanager', [{ path: { type: 'PathPrefix', value: '/alertmanager' } }], [{ name: 'alertmanager', port: 9093 }]],
    ]);
    for (const rule of [...grafana.spec.rules, ...admin.spec.rules]) {
      expect(rule.filters[0].responseHeaderModifier.set.map((h) => h.name)).toEqual(headerNames);
      expect(rule.filters[0].responseHeaderModifier.set.find((h) => h.name === 'Content-Security-Policy')?.value).toBe("frame-ancestors 'none'");
    }
    expect(find(objects, 'HTTPRoute', 'monitoring-https-redirect')!.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(find(objects, 'BackendTrafficPolicy', 'grafana')!.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'grafana' }],
      rateLimit: perClient(100),
      httpUpgrade: [{ type: 'websocket' }],
      compressor: compressor(values.traffic.compression),
    });
    expect(find(objects, 'BackendTrafficPolicy', 'monitoring-admin')!.spec.rateLimit).toEqual(perClient(10));
    expect(find(objects, 'BackendTrafficPolicy', 'monitoring-admin')!.spec.compressor).toEqual(compressor(values.traffic.compression));
    expect(find(objects, 'SecurityPolicy', 'monitoring-admin')!.spec.authorization).toEqual({
      defaultAction: 'Deny',
      rules: [{ name: 'allowed-sources', action: 'Allow', principal: { clientCIDRs: ing.admin.allowedCidrs } }],
    });
  });

  it('serves Prometheus and Alertmanager under their sub paths, with external URLs through the routes', () => {
    const container = (kind: string, name: string) => find(objects, kind, name)!.spec.template.spec.containers[0] as { args: string[]; readinessProbe: { httpGet: { path: string } } };
    expect(container('StatefulSet', 'prometheus').args).toContain(`--web.external-url=https://${ing.host}/prometheus/`);
    expect(container('StatefulSet', 'prometheus').readinessProbe.httpGet.path).toBe('/prometheus/-/ready');
    expect(container('StatefulSet', 'alertmanager').args).toContain(`--web.external-url=https://${ing.host}/alertmanager/`);
    expect(container('StatefulSet', 'alertmanager').readinessProbe.httpGet.path).toBe('/alertmanager/-/ready');
    expect(find(objects, 'ConfigMap', 'grafana-provisioning')!.data!['datasources.yaml']).toContain('url: "http://prometheus.monitoring.svc:9090/prometheus"');
  });
});
