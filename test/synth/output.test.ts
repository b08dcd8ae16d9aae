/**
 * The committed output: up to date with the sources, deterministic, and carrying the objects and
 * fields a platform expects in each environment.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distDir, environments, type K8sObject, plainObjects } from '../support/dist';
import { runSynth } from '../support/synth-cli';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.filter((f) => !f.startsWith('helm/packages/')).sort();
}

function synthInto(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'fresh-')), 'dist');
  const result = runSynth(['--out', out]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return out;
}

describe('dist/', () => {
  it('is what a fresh synth writes (run `npm run synth` and commit dist/ when this fails)', () => {
    const fresh = synthInto();
    const committed = listFiles(distDir);
    expect(listFiles(fresh)).toEqual(committed);
    const stale = committed.filter((f) => readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(distDir, f), 'utf8'));
    expect(stale, `stale files in dist/: ${stale.join(', ')}`).toEqual([]);
  });

  it('is deterministic: two runs write identical bytes', () => {
    const a = synthInto();
    const b = synthInto();
    const files = listFiles(a);
    expect(listFiles(b)).toEqual(files);
    for (const file of files) expect(readFileSync(join(b, file), 'utf8'), file).toBe(readFileSync(join(a, file), 'utf8'));
  });
});

const apps = ['api', 'worker'];
/** A manifest's spec as the assertions below read it: any depth of fields, checked by the expectations. */
// biome-ignore lint/suspicious/noExplicitAny: the tests walk arbitrary nested fields of the parsed YAML
type AnySpec = any;
const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: K8sObject[], kind: string, name?: string) => {
  const found = byKind(objects, kind).filter((o) => name === undefined || o.metadata.name === name);
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] as K8sObject & { spec: AnySpec; data?: Record<string, string> };
};
/** The workload running the application's pods: its Deployment, or the Argo Rollout in its place (rollout.strategy). */
const workload = (objects: K8sObject[], name?: string) => one(objects, byKind(objects, 'Rollout').length > 0 ? 'Rollout' : 'Deployment', name);

describe.each(environments())('%s manifests', (env) => {
  it.each(apps)('%s: every object carries the app.kubernetes.io labels; selectors use only name and instance', (app) => {
    for (const object of plainObjects(env, app).filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(`${app}-${env}`);
      // The canary and preview Services of a progressive release also say which they are (lib/delivery/service-role.ts).
      const role = object.kind === 'Service' && /-(canary|preview)$/.test(object.metadata.name) ? ['platform.example/service-role'] : [];
      expect(Object.keys(object.metadata.labels ?? {}).sort()).toEqual([...['component', 'instance', 'managed-by', 'name', 'part-of', 'version'].map((k) => `app.kubernetes.io/${k}`), ...role]);
      expect(object.metadata.name.startsWith(app)).toBe(true);
      expect(object.metadata.name).not.toMatch(/-[a-f0-9]{8}$/); // no hash suffixes
    }
    const deployment = workload(plainObjects(env, app), app);
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app } });
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe(deployment.metadata.labels!['app.kubernetes.io/version']);
  });

  it.each(apps)('%s: pods are Pod Security restricted, with probes, resources and graceful shutdown', (app) => {
    const pod = workload(plainObjects(env, app), app).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const [container] = pod.containers;
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.image).toMatch(/^ghcr\.io\/example\/shop-[a-z]+:\d+\.\d+\.\d+$/);
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe.httpGet.path).toBe('/health/startup');
    expect(Object.keys(container.resources).sort()).toEqual(['limits', 'requests']);
    // /tmp always; worker adds a writable cache (extraVolumes, extraVolumeMounts in values/base.yaml).
    expect(container.volumeMounts[0]).toEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(container.volumeMounts.slice(1)).toEqual(app === 'worker' ? [{ name: 'cache', mountPath: '/var/cache/worker' }] : []);
    expect(pod.volumes.slice(1)).toEqual(app === 'worker' ? [{ name: 'cache', emptyDir: { sizeLimit: '256Mi' } }] : []);
    expect(container.lifecycle.preStop.exec.command[0]).toBe('sleep');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(0);
    expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(container.envFrom).toEqual([{ configMapRef: { name: `${app}-config` } }]);
  });

  it.each(apps)('%s: the namespace enforces Pod Security restricted and has a quota and limit range', (app) => {
    const objects = plainObjects(env, app);
    expect(one(objects, 'Namespace').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(one(objects, 'ResourceQuota').spec.hard).toHaveProperty('limits.memory');
    expect(one(objects, 'LimitRange').spec.limits[0].type).toBe('Container');
  });

  it.each(apps)('%s: network policies deny by default and allow DNS', (app) => {
    const policies = byKind(plainObjects(env, app), 'NetworkPolicy') as Array<K8sObject & { spec: AnySpec }>;
    const deny = policies.find((p) => p.metadata.name === `${app}-default-deny`)!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = policies.find((p) => p.metadata.name === `${app}-allow-dns`)!;
    expect(dns.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
  });
});

describe('environment differences', () => {
  const config = (env: string, app: string) => one(plainObjects(env, app), 'ConfigMap', `${app}-config`).data!;
  const hpa = (env: string) => byKind(plainObjects(env, 'api'), 'HorizontalPodAutoscaler') as Array<K8sObject & { spec: AnySpec }>;

  it('trace sampling: all in dev, 50% in staging, 10% in production', () => {
    expect(config('dev', 'api').OTEL_TRACES_SAMPLER_ARG).toBe('1');
    expect(config('staging', 'api').OTEL_TRACES_SAMPLER_ARG).toBe('0.5');
    expect(config('production', 'api').OTEL_TRACES_SAMPLER_ARG).toBe('0.1');
    expect(config('production', 'worker').LOG_LEVEL).toBe('warn');
  });

  it('production autoscales from 3 to 20 on CPU, memory and requests per second; the Deployment leaves replicas to the HPA', () => {
    const [production] = hpa('production');
    expect(production.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    expect(production.spec.metrics.map((m: { type: string }) => m.type)).toEqual(['Resource', 'Resource', 'Pods']);
    expect(production.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(workload(plainObjects('production', 'api')).spec).not.toHaveProperty('replicas');
    expect(hpa('dev')).toEqual([]);
    expect(workload(plainObjects('dev', 'api')).spec.replicas).toBe(1);
  });

  it('PDBs in staging and production only, each leaving a pod evictable', () => {
    expect(one(plainObjects('production', 'api'), 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 2 });
    expect(one(plainObjects('staging', 'api'), 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1 });
    expect(byKind(plainObjects('dev', 'api'), 'PodDisruptionBudget')).toEqual([]);
  });

  it('hosts and TLS issuers follow the environment, on its traffic provider', () => {
    // values/: staging enters through Ingress, production through the Gateway API.
    const ingress = one(plainObjects('staging', 'api'), 'Ingress', 'api');
    // One Certificate per Secret, from the environment's issuer: no ingress-shim annotation beside it.
    expect(ingress.metadata.annotations!['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(one(plainObjects('staging', 'api'), 'Certificate', 'api-tls').spec).toMatchObject({
      secretName: 'api-tls',
      dnsNames: ['api.staging.example.com'],
      issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-staging' },
    });
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.staging.example.com'], secretName: 'api-tls' }]);
    expect(ingress.spec.rules[0].host).toBe('api.staging.example.com');
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/limit-rps': '20',
      'nginx.ingress.kubernetes.io/custom-headers': 'api-staging/api-security-headers',
    });
    const admin = one(plainObjects('staging', 'api'), 'Ingress', 'api-admin');
    expect(admin.metadata.annotations!['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('10.0.0.0/8');
    expect(admin.spec.rules[0].http.paths[0].path).toBe('/admin');
    const route = one(plainObjects('production', 'api'), 'HTTPRoute', 'api') as unknown as { spec: { hostnames: string[] } };
    expect(route.spec.hostnames).toEqual(['api.example.com']);
    const limit = one(plainObjects('production', 'api'), 'BackendTrafficPolicy', 'api') as unknown as { spec: { rateLimit: { local: { rules: Array<{ limit: unknown }> } } } };
    expect(limit.spec.rateLimit.local.rules[0].limit).toEqual({ requests: 50, unit: 'Second' });
    expect(byKind(plainObjects('production', 'api'), 'Ingress')).toEqual([]);
    // On the Gateway API, TLS ends at the platform Gateway's listener: no Certificate of the application's.
    expect(byKind(plainObjects('production', 'api'), 'Certificate')).toEqual([]);
  });

  it('the worker has no Ingress and may reach only PostgreSQL and Redis', () => {
    const objects = plainObjects('production', 'worker');
    expect(byKind(objects, 'Ingress')).toEqual([]);
    const egress = one(objects, 'NetworkPolicy', 'worker-allow-dependencies').spec.egress;
    expect(egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ]);
    const env = workload(objects).spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'worker-database', key: 'password' } } },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'worker-redis', key: 'password' } } },
    ]);
  });

  it('a configuration change changes the pods checksum annotation', () => {
    const checksum = (env: string) => workload(plainObjects(env, 'api')).spec.template.metadata.annotations['checksum/config'];
    expect(checksum('production')).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum('production')).not.toBe(checksum('staging'));
  });
});
