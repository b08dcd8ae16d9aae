/**
 * Extension points of the application charts (envFrom, extraVolumes and extraVolumeMounts,
 * priorityClassName, Service annotations, probe kinds, init containers, sidecars,
 * Service type and extra ports, lifecycle hooks, image pull Secrets of
 * every application, the wait for the dependencies, the migration Job), set in values/ for one environment: the plain manifests
 * carry them, `helm template` of the emitted chart renders the same objects with Helm 3 and Helm 4, the
 * pods stay Pod Security restricted, and the manifests pass strict schema validation.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { type K8sObject, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { synthInto } from '../support/synth-cli';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';

/** What dev's cluster has that these values name: declared prerequisites (lib/references/), added to dev.yaml's. */
const DEV_CLUSTER = (devYaml: string) =>
  devYaml
    .replace('prerequisites:\n  secrets:\n', 'prerequisites:\n  configMaps:\n    api-dev: { api-flags: { keys: [] } }\n  secrets:\n')
    .replace(
      '  secrets:\n    worker-dev:\n',
      '  priorityClasses: [shop-high]\n  secrets:\n    api-dev: { registry-credentials: { keys: [] }, api-registry: { keys: [] }, api-extra-env: { keys: [] }, api-client-certs: { keys: [] } }\n    web-dev: { registry-credentials: { keys: [] } }\n    worker-dev:\n      registry-credentials: { keys: [] }\n',
    );

const API_IN_DEV = `
global:
  imagePullSecrets: [registry-credentials]
applications:
  api:
    image:
      pullSecrets: [api-registry, registry-credentials]
    priorityClassName: shop-high
    envFrom:
      - { secretRef: { name: api-extra-env } }
      - { configMapRef: { name: api-flags }, prefix: FLAG_ }
    extraVolumes:
      - { name: cache, emptyDir: { sizeLimit: 128Mi } }
      - { name: certs, secret: { secretName: api-client-certs } }
    extraVolumeMounts:
      - { name: cache, mountPath: /var/cache/api }
      - { name: certs, mountPath: /etc/api/certs, readOnly: true }
    service:
      annotations: { service.beta.kubernetes.io/aws-load-balancer-internal: "true" }
      type: LoadBalancer
      allowFrom: [{ cidr: 10.0.0.0/8 }]
      extraPorts:
        - { name: grpc, port: 9090, targetPort: 9090, allowFrom: [{ namespaceLabels: { team: payments }, podLabels: { app: billing } }] }
        - { name: shipper, port: 2020, targetPort: shipper-http }
    initContainers:
      - name: wait-for-db
        image: busybox:1.36.1
        command: [sh, -c, "until nc -z postgresql.data.svc 5432; do sleep 2; done"]
        resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 32Mi } }
        volumeMounts: [{ name: cache, mountPath: /var/cache/api }]
    probes:
      liveness: { type: tcp }
      startup: { type: exec, command: [/bin/healthcheck, --startup] }
    preStopSleepSeconds: 0
    lifecycle:
      postStart: { exec: { command: [/bin/warm-cache] } }
      preStop: { httpGet: { path: /drain, port: http } }
    sidecars:
      - name: log-shipper
        image: fluent/fluent-bit:3.2.4
        args: [--config, /etc/fluent-bit/fluent-bit.yaml]
        resources: { requests: { cpu: 20m, memory: 32Mi }, limits: { cpu: 100m, memory: 64Mi } }
        ports: [{ name: shipper-http, containerPort: 2020 }]
        probes:
          liveness: { type: http, port: 2020, path: /api/v1/health }
          readiness: { type: tcp, port: 2020, periodSeconds: 5 }
        volumeMounts: [{ name: cache, mountPath: /var/cache/api, readOnly: true }]
  web:
    waitForDependencies: { enabled: true }
    networkPolicy:
      dependencies:
        - { app: api, port: http }
        - { app: api, port: grpc }
`;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'extension-points-'));
  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  writeFileSync(join(root, 'values', 'dev.yaml'), DEV_CLUSTER(readFileSync(join(root, 'values', 'dev.yaml'), 'utf8')) + API_IN_DEV);
  synthInto(join(root, 'values'), join(root, 'dist'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plain(environment: string, chart = 'api'): K8sObject[] {
  const dir = join(root, 'dist', 'manifests', environment, chart);
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
}

type Pod = {
  priorityClassName?: string;
  imagePullSecrets?: unknown[];
  initContainers?: Array<Record<string, unknown>>;
  volumes: unknown[];
  containers: Array<{ envFrom: unknown[]; volumeMounts: unknown[]; securityContext: { readOnlyRootFilesystem: boolean }; livenessProbe: object; readinessProbe: object; startupProbe: object }>;
};
const podOf = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout') as K8sObject & { spec: { template: { spec: Pod } } }).spec.template.spec;

describe('extension points in dev, not elsewhere', () => {
  it('the plain manifests carry them', () => {
    const pod = podOf(plain('dev'));
    expect(pod.priorityClassName).toBe('shop-high');
    // global.imagePullSecrets for every application, then the application's own, each once.
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-credentials' }, { name: 'api-registry' }]);
    expect(podOf(plain('dev', 'worker')).imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(pod.containers[0].envFrom).toEqual([{ configMapRef: { name: 'api-config' } }, { secretRef: { name: 'api-extra-env' } }, { configMapRef: { name: 'api-flags' }, prefix: 'FLAG_' }]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'cache', emptyDir: { sizeLimit: '128Mi' } },
      { name: 'certs', secret: { secretName: 'api-client-certs' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'cache', mountPath: '/var/cache/api' },
      { name: 'certs', mountPath: '/etc/api/certs', readOnly: true },
    ]);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(pod.containers[0].startupProbe).toEqual({ exec: { command: ['/bin/healthcheck', '--startup'] }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30 });
    expect(pod.containers[0].readinessProbe).toMatchObject({ httpGet: { path: '/health/ready', port: 'http' } });
    expect(pod.initContainers?.map((c) => c.name)).toEqual(['wait-for-dependencies', 'wait-for-db']);
    expect(pod.initContainers?.slice(1)).toEqual([
      {
        name: 'wait-for-db',
        image: 'busybox:1.36.1',
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'until nc -z postgresql.data.svc 5432; do sleep 2; done'],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'cache', mountPath: '/var/cache/api' },
        ],
      },
    ]);
    expect(pod.containers.map((c) => (c as unknown as { name: string }).name)).toEqual(['api', 'log-shipper']);
    // lifecycle.preStop in place of the sleep (preStopSleepSeconds 0), postStart beside it.
    expect((pod.containers[0] as unknown as { lifecycle: unknown }).lifecycle).toEqual({ postStart: { exec: { command: ['/bin/warm-cache'] } }, preStop: { httpGet: { path: '/drain', port: 'http' } } });
    expect(pod.containers[1]).toEqual({
      name: 'log-shipper',
      image: 'fluent/fluent-bit:3.2.4',
      imagePullPolicy: 'IfNotPresent',
      args: ['--config', '/etc/fluent-bit/fluent-bit.yaml'],
      ports: [{ name: 'shipper-http', containerPort: 2020 }],
      resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      livenessProbe: { httpGet: { path: '/api/v1/health', port: 2020 } },
      readinessProbe: { tcpSocket: { port: 2020 }, periodSeconds: 5 },
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'cache', mountPath: '/var/cache/api', readOnly: true },
      ],
    });
    const service = plain('dev').find((o) => o.kind === 'Service')! as K8sObject & { spec: { type: string; ports: unknown[] } };
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' });
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' },
      { name: 'shipper', port: 2020, targetPort: 'shipper-http', protocol: 'TCP' },
    ]);
    // A number targets the application container, which declares it; a name targets the sidecar's port.
    expect((pod.containers[0] as unknown as { ports: unknown[] }).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'grpc', containerPort: 9090, protocol: 'TCP' },
    ]);
    const production = podOf(plain('production'));
    expect(production.priorityClassName).toBeUndefined();
    expect(production.imagePullSecrets).toBeUndefined();
    expect(production.volumes).toHaveLength(1);
    expect(production.initContainers?.map((c) => c.name)).toEqual(['wait-for-dependencies']);
    expect(production.containers).toHaveLength(1);
    expect((production.containers[0] as unknown as { lifecycle: unknown }).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  it('web waits for api by its Service, on each port it names, before it starts; api for PostgreSQL by its host', () => {
    const waitOf = (chart: string, environment = 'dev') => podOf(plain(environment, chart)).initContainers?.find((c) => c.name === 'wait-for-dependencies');
    expect(waitOf('web')).toMatchObject({
      image: 'busybox:1.36.1',
      command: ['sh', '-c', expect.stringContaining('until nc -z -w 2 "$host" "$port"'), 'wait-for-dependencies'],
      args: ['api.api-dev.svc:80', 'api.api-dev.svc:9090'],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(waitOf('api', 'production')?.args).toEqual(['postgresql.shop.internal:5432']);
    expect(waitOf('web', 'production')).toBeUndefined();
  });

  it('api migrates its database before each rollout: a hook Job the Service never selects, with egress to the dependencies only', () => {
    for (const environment of ['dev', 'production']) {
      const objects = plain(environment);
      const job = objects.find((o) => o.kind === 'Job') as K8sObject & { spec: Record<string, unknown> & { template: { metadata: { labels: Record<string, string> }; spec: Pod & Record<string, unknown> } } };
      expect(job.metadata.name).toBe('api-migration');
      expect(job.metadata.annotations).toEqual({
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-weight': '-5',
        'helm.sh/hook-delete-policy': 'before-hook-creation',
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/sync-wave': '-5',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        'kustomize.toolkit.fluxcd.io/force': 'enabled',
      });
      expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 600 });
      // No TTL: under Flux a Job deleted by the TTL controller is recreated, and the migration runs again.
      expect(job.spec).not.toHaveProperty('ttlSecondsAfterFinished');
      const pod = job.spec.template;
      expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'api-migration', 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/component': 'migration' });
      // The Service's selector does not select the Job's pod: it never receives traffic.
      const service = objects.find((o) => o.kind === 'Service') as K8sObject & { spec: { selector: Record<string, string> } };
      expect(Object.entries(service.spec.selector).every(([key, value]) => pod.metadata.labels[key] === value)).toBe(false);
      expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } });
      expect(pod.spec.containers).toEqual([
        expect.objectContaining({
          name: 'migration',
          image: 'ghcr.io/example/shop-api:1.4.2',
          command: ['/app/shop-api', 'migrate', 'up'],
          env: [{ name: 'HTTP_PORT', value: '8080' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        }),
      ]);
      // The values' envFrom sources (e.g. a database URL in a Secret), not the chart's ConfigMap, which a pre-install hook runs before.
      const envFrom = (pod.spec.containers[0] as { envFrom?: unknown[] }).envFrom;
      if (environment === 'dev') expect(envFrom).toEqual([{ secretRef: { name: 'api-extra-env' } }, { configMapRef: { name: 'api-flags' }, prefix: 'FLAG_' }]);
      else expect(envFrom).toBeUndefined();
      // Its NetworkPolicy, a hook one step earlier, opens exactly the application's dependencies to it.
      const policy = (suffix: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `api-${suffix}`) as K8sObject & { spec: Record<string, unknown> };
      expect(policy('migration').spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-migration', 'app.kubernetes.io/instance': 'api' } },
        policyTypes: ['Egress'],
        egress: policy('allow-dependencies').spec.egress,
      });
      expect(policy('migration').metadata.annotations?.['helm.sh/hook-weight']).toBe('-10');
    }
    expect(plain('dev', 'worker').find((o) => o.kind === 'Job')).toBeUndefined();
  });

  it('NetworkPolicies admit on each port what the values declare there, and nothing more', () => {
    const policy = (chart: string, suffix: string) => plain('dev', chart).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith(suffix)) as K8sObject & { spec: Record<string, unknown> };
    expect(policy('api', '-allow-service-sources').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { team: 'payments' } }, podSelector: { matchLabels: { app: 'billing' } } }], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    // web names api's grpc port: api lets web in on that port (its pods' 9090), web may go out to it.
    const webPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web-dev' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } } };
    expect(policy('api', '-allow-dependents').spec.ingress).toEqual([
      { from: [webPeer], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [webPeer], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    expect((policy('web', '-allow-dependencies').spec.egress as { ports: unknown[] }[]).map((rule) => rule.ports)).toEqual([[{ protocol: 'TCP', port: 8080 }], [{ protocol: 'TCP', port: 9090 }]]);
    // Without allowFrom (production), no such policy.
    expect(policy('api', '-allow-service-sources') && plain('production').find((o) => o.metadata.name.endsWith('-allow-service-sources'))).toBeUndefined();
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(['dev', 'production'].flatMap((environment) => ['api', 'web', 'worker'].map((chart) => ({ environment, chart }))))(
      'renders $chart in $environment as the plain manifests',
      ({ environment, chart }) => {
        const chartDir = join(root, 'dist', 'helm', chart);
        const rendered = helmTemplate(binary, [chart, chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `${chart}-${environment}`]) as K8sObject[];
        expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment, chart))));
      },
    );
  });

  it('pass strict schema validation and the policy checks (Pod Security restricted)', async () => {
    const { documents, problems } = await loadManifests([join(root, 'dist', 'manifests', 'dev')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });
});
