/**
 * Extension points of the application charts (envFrom, extraVolumes and extraVolumeMounts,
 * priorityClassName, Service annotations, probe kinds, init containers), set in values/ for one environment: the plain manifests
 * carry them, `helm template` of the emitted chart renders the same objects with Helm 3 and Helm 4, the
 * pods stay Pod Security restricted, and the manifests pass strict schema validation.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../../charts/platform';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { type K8sObject, sortObjects } from '../support/dist';
import { helmTemplate, helmVersions, parseDocuments, projectRoot } from '../support/helm';
import { schemaLocations } from '../support/schemas';
import { withoutHelmOnly, withoutPlainOnly } from './helm-only';

const API_IN_DEV = `
applications:
  api:
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
    initContainers:
      - name: wait-for-db
        image: busybox:1.36.1
        command: [sh, -c, "until nc -z postgresql.data.svc 5432; do sleep 2; done"]
        resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 32Mi } }
        volumeMounts: [{ name: cache, mountPath: /var/cache/api }]
    probes:
      liveness: { type: tcp }
      startup: { type: exec, command: [/bin/healthcheck, --startup] }
`;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'extension-points-'));
  cpSync(join(projectRoot, 'values'), join(root, 'values'), { recursive: true });
  writeFileSync(join(root, 'values', 'dev.yaml'), readFileSync(join(root, 'values', 'dev.yaml'), 'utf8') + API_IN_DEV);
  for (const [path, content] of synthesize({ valuesDir: join(root, 'values') })) {
    mkdirSync(dirname(join(root, 'dist', path)), { recursive: true });
    writeFileSync(join(root, 'dist', path), content);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plain(environment: string): K8sObject[] {
  const dir = join(root, 'dist', 'manifests', environment, 'api');
  return readdirSync(dir)
    .sort()
    .flatMap((file) => parseDocuments(readFileSync(join(dir, file), 'utf8')) as K8sObject[]);
}

type Pod = {
  priorityClassName?: string;
  initContainers?: Array<Record<string, unknown>>;
  volumes: unknown[];
  containers: Array<{ envFrom: unknown[]; volumeMounts: unknown[]; securityContext: { readOnlyRootFilesystem: boolean }; livenessProbe: object; readinessProbe: object; startupProbe: object }>;
};
const podOf = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout') as K8sObject & { spec: { template: { spec: Pod } } }).spec.template.spec;

describe('extension points in dev, not elsewhere', () => {
  it('the plain manifests carry them', () => {
    const pod = podOf(plain('dev'));
    expect(pod.priorityClassName).toBe('shop-high');
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
    expect(pod.initContainers).toEqual([
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
    const service = plain('dev').find((o) => o.kind === 'Service')!;
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' });
    const production = podOf(plain('production'));
    expect(production.priorityClassName).toBeUndefined();
    expect(production.volumes).toHaveLength(1);
    expect(production.initContainers).toBeUndefined();
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(['dev', 'production'])('renders api in %s as the plain manifests', (environment) => {
      const chartDir = join(root, 'dist', 'helm', 'api');
      const rendered = helmTemplate(binary, ['api', chartDir, '-f', join(chartDir, `values-${environment}.yaml`), '-n', `api-${environment}`]) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain(environment))));
    });
  });

  it('pass strict schema validation and the policy checks (Pod Security restricted)', async () => {
    const { documents, problems } = await loadManifests([join(root, 'dist', 'manifests', 'dev')]);
    expect(problems).toEqual([]);
    const result = await validateManifests(documents, { schemaLocations });
    expect(result.schemaErrors.map(formatFinding)).toEqual([]);
    expect(result.policyFindings.map(formatFinding)).toEqual([]);
  });
});
