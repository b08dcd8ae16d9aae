/**
 * Every cross-field rule that synth applies (lib/values/app-rules.ts) stops Helm too: for each rule, a
 * violation given to synth's check and to `helm template` (Helm 3 and Helm 4, on the emitted chart
 * with the environment's values file) gives the same first message, naming the value. Values that
 * break no rule render.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { containerNameOf, fullnameOf } from '../../lib/app/names';
import { checkAppRules } from '../../lib/values/app-rules';
import { loadEnvironment } from '../../lib/values/load';
import { deepMerge } from '../../lib/values/merge';
import { dottedPath } from '../../lib/values/problems';
import type { AppValues } from '../../lib/values/schema';
import { distDir } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';

interface RuleCase {
  readonly name: string;
  readonly chart: 'api' | 'worker';
  /** The environment whose values the case starts from; production when not given. */
  readonly environment?: 'staging' | 'production';
  /** Merged over the environment's values (maps by key, lists replaced), as `-f` does in Helm. */
  readonly values: Record<string, unknown>;
  /** The first message, as synth and Helm both say it. */
  readonly message: string;
}

const SMALL = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } };

/** A valid sidecar, with `fields` replacing its own. */
function sidecar(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'proxy',
    image: 'envoyproxy/envoy:v1.33.2',
    resources: SMALL,
    ports: [{ name: 'proxy', containerPort: 9000 }],
    probes: { liveness: { type: 'tcp', port: 9000 }, readiness: { type: 'http', port: 9000, path: '/ready' } },
    ...fields,
  };
}

/** A PostgreSQL dependency of worker, valid, with `fields` replacing its own. */
function database(fields: Record<string, unknown>): Record<string, unknown> {
  const dependency = {
    name: 'orders-db',
    kind: 'postgresql',
    port: 5432,
    cidr: '10.20.0.0/16',
    host: 'orders-db.data.internal',
    exporter: { credentialsSecret: { name: 'orders-db-exporter', usernameKey: 'username', passwordKey: 'password' } },
  };
  return { networkPolicy: { dependencies: [Object.fromEntries(Object.entries({ ...dependency, ...fields }).filter(([, value]) => value !== undefined))] } };
}

function dataStoreCases(): RuleCase[] {
  const at = 'networkPolicy.dependencies[0]';
  return [
    {
      name: 'a data store without a name',
      chart: 'worker',
      values: database({ name: undefined }),
      message: `${at}.name: required with kind postgresql (the data store's name, the same in every application that depends on it)`,
    },
    {
      name: 'a data store whose name leaves no room for its exporter’s prefix',
      chart: 'worker',
      values: database({ name: 'd'.repeat(46) }),
      message: `${at}.name: expected at most 45 characters with kind (its exporter is named <kind>-exporter-<name>), got 46`,
    },
    { name: 'a data store without a host', chart: 'worker', values: database({ host: undefined }), message: `${at}.host: required with kind postgresql (the address its exporter and the blackbox probe reach)` },
    {
      name: 'a PostgreSQL without exporter credentials',
      chart: 'worker',
      values: database({ exporter: undefined }),
      message: `${at}.exporter.credentialsSecret: required with kind postgresql (postgres_exporter logs in as that user)`,
    },
    {
      name: 'a PostgreSQL whose exporter credentials have no user',
      chart: 'worker',
      values: database({ exporter: { credentialsSecret: { name: 'orders-db-exporter', passwordKey: 'password' } } }),
      message: `${at}.exporter.credentialsSecret.usernameKey: required with kind postgresql (postgres_exporter logs in as that user)`,
    },
    { name: 'exporter settings without a kind', chart: 'worker', values: database({ kind: undefined }), message: `${at}.exporter: only applies with kind (postgresql or redis)` },
    { name: 'a database for a Redis', chart: 'worker', values: database({ kind: 'redis', exporter: { database: 'orders' } }), message: `${at}.exporter.database: only applies with kind postgresql` },
    { name: 'an sslMode for a Redis', chart: 'worker', values: database({ kind: 'redis', exporter: { sslMode: 'require' } }), message: `${at}.exporter.sslMode: only applies with kind postgresql` },
    {
      name: 'a data store over UDP',
      chart: 'worker',
      values: database({ protocol: 'UDP' }),
      message: `${at}.protocol: expected TCP with kind postgresql (its exporter and the blackbox probe connect over TCP), got UDP`,
    },
    // The application's own rules (lib/monitoring/rules/extra-rules-checks.ts).
    {
      name: 'an application alert without a priority',
      chart: 'worker',
      values: { metrics: { rules: [{ alert: 'QueueStuck', expr: 'up == 0' }] } },
      message: 'metrics.rules[0].priority: required for an alert (P0, P1 or P2: its severity and routing)',
    },
    { name: 'an application rule that is neither alert nor record', chart: 'worker', values: { metrics: { rules: [{ expr: 'up' }] } }, message: 'metrics.rules[0]: expected exactly one of alert or record' },
    {
      name: 'annotations on a recording rule',
      chart: 'worker',
      values: { metrics: { rules: [{ record: 'a:b:c', expr: 'up', annotations: { summary: 's' } }] } },
      message: 'metrics.rules[0].annotations: only applies to an alert',
    },
  ];
}

const cases: readonly RuleCase[] = [
  {
    name: 'one Gateway listener for HTTPS and HTTP (the redirect would compete with the route)',
    chart: 'api',
    values: { traffic: { gateway: { listeners: { https: 'https', http: 'https' } } } },
    message:
      'traffic.gateway.listeners: https and http are both "https": the HTTP to HTTPS redirect would attach beside the HTTPS route and answer its requests (a redirect loop); name the Gateway’s plain-HTTP listener as http',
  },
  {
    name: 'a canary split by NGINX without an Ingress',
    chart: 'worker',
    values: { rollout: { strategy: 'canary', canary: { trafficRouting: 'nginx' } } },
    message: 'rollout.canary.trafficRouting: nginx splits the traffic of the application’s entry, and ingress.enabled is false; enable it or use replicas',
  },
  {
    name: 'a canary split by NGINX where traffic enters through the Gateway API',
    chart: 'api',
    values: { traffic: { provider: 'gatewayAPI' }, rollout: { strategy: 'canary', canary: { trafficRouting: 'nginx' } } },
    message: 'rollout.canary.trafficRouting: nginx needs traffic.provider ingress, and this environment’s is gatewayAPI; use gatewayAPI or replicas',
  },
  {
    name: 'a canary split by HTTPRoute weights where traffic enters through an Ingress',
    chart: 'api',
    values: { traffic: { provider: 'ingress' }, rollout: { strategy: 'canary', canary: { trafficRouting: 'gatewayAPI' } } },
    message: 'rollout.canary.trafficRouting: gatewayAPI needs traffic.provider gatewayAPI, and this environment’s is ingress; use nginx or replicas',
  },
  {
    name: 'canary phases whose weights do not rise',
    chart: 'api',
    values: {
      rollout: {
        canary: {
          phases: [
            { weight: 25, minutes: 60, maxErrorRatio: 0.01, maxP95Seconds: 0.5 },
            { weight: 25, minutes: 60, maxErrorRatio: 0.01, maxP95Seconds: 0.5 },
          ],
        },
      },
    },
    message: 'rollout.canary.phases[1].weight: expected more than the previous phase’s weight (25), got 25',
  },
  {
    name: 'minReplicas above maxReplicas (issue input)',
    chart: 'api',
    values: { autoscaling: { minReplicas: 10, maxReplicas: 5 } },
    message: 'autoscaling.minReplicas: expected at most maxReplicas (5), got 10',
  },
  { name: 'a CPU request above its limit', chart: 'api', values: { resources: { requests: { cpu: '3' } } }, message: 'resources.requests.cpu: expected at most the limit (2), got 3' },
  {
    name: 'a memory request above its limit, in other units',
    chart: 'api',
    values: { resources: { requests: { memory: '2Gi' }, limits: { memory: '1500Mi' } } },
    message: 'resources.requests.memory: expected at most the limit (1500Mi), got 2Gi',
  },
  { name: 'a quota request above the quota limit', chart: 'api', values: { quota: { requests: { cpu: '64' } } }, message: 'quota.requests.cpu: expected at most the quota limit (48), got 64' },
  {
    name: 'a default request above the default limit',
    chart: 'api',
    values: { limitRange: { defaultRequest: { memory: '1Gi' } } },
    message: 'limitRange.defaultRequest.memory: expected at most the default limit (512Mi)',
  },
  { name: 'a PDB with both minAvailable and maxUnavailable', chart: 'api', values: { pdb: { maxUnavailable: 1 } }, message: 'pdb: expected exactly one of minAvailable or maxUnavailable' },
  { name: 'a PDB that leaves no pod evictable', chart: 'api', values: { pdb: { minAvailable: 3 } }, message: 'pdb.minAvailable: expected fewer than the 3 replica(s) so that one pod can be evicted, got 3' },
  {
    name: 'a PDB percentage that leaves no pod evictable',
    chart: 'api',
    values: { pdb: { minAvailable: '90%' } },
    message: 'pdb.minAvailable: expected fewer than the 3 replica(s) so that one pod can be evicted, got 90%',
  },
  {
    name: 'a PDB maxUnavailable that rounds to no pod',
    chart: 'api',
    environment: 'staging',
    values: { pdb: { maxUnavailable: '0%' } },
    message: 'pdb.maxUnavailable: expected at least one pod evictable, got 0%',
  },
  { name: 'an ingress without hosts', chart: 'api', values: { ingress: { hosts: [] } }, message: 'ingress.hosts: expected at least one host when the ingress is enabled' },
  { name: 'TLS without hosts', chart: 'api', values: { ingress: { tls: { hosts: [] } } }, message: 'ingress.tls.hosts: expected at least one host when TLS is enabled' },
  {
    name: 'a TLS host that is not an ingress host',
    chart: 'api',
    values: { ingress: { tls: { hosts: ['api.example.com', 'www.example.com'] } } },
    message: 'ingress.tls.hosts[1]: expected one of the ingress hosts (api.example.com), got "www.example.com"',
  },
  {
    name: 'admin paths open to no network',
    chart: 'api',
    values: { ingress: { adminPaths: { allowedCidrs: [] } } },
    message: 'ingress.adminPaths.allowedCidrs: expected at least one allowed network for the admin paths',
  },
  {
    name: 'a dependency with neither a CIDR nor namespace labels (issue input: a policy wider than the values)',
    chart: 'worker',
    values: { networkPolicy: { dependencies: [{ name: 'db', port: 5432 }] } },
    message: 'networkPolicy.dependencies[0]: expected exactly one of cidr (outside the cluster), namespaceLabels (in the cluster) or app (an application of the platform)',
  },
  {
    name: 'a dependency with a CIDR and pod labels',
    chart: 'worker',
    values: { networkPolicy: { dependencies: [{ name: 'db', port: 5432, cidr: '10.0.0.0/8', podLabels: { app: 'db' } }] } },
    message: 'networkPolicy.dependencies[0].podLabels: podLabels only apply with namespaceLabels',
  },
  {
    name: 'a preStop sleep as long as the grace period',
    chart: 'api',
    values: { preStopSleepSeconds: 60, terminationGracePeriodSeconds: 10 },
    message: 'preStopSleepSeconds: expected less than terminationGracePeriodSeconds (10), got 60',
  },
  {
    name: 'an envFrom source with both a ConfigMap and a Secret',
    chart: 'api',
    values: { envFrom: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] },
    message: 'envFrom[0]: expected exactly one of configMapRef or secretRef',
  },
  {
    name: 'an extra volume with two sources',
    chart: 'worker',
    values: { extraVolumes: [{ name: 'cache', emptyDir: {}, configMap: { name: 'c' } }] },
    message: 'extraVolumes[0]: expected exactly one of emptyDir, configMap, secret, persistentVolumeClaim, projected',
  },
  {
    name: 'an extra volume named like the chart’s own',
    chart: 'worker',
    values: { extraVolumes: [{ name: 'tmp', emptyDir: {} }], extraVolumeMounts: [] },
    message: 'extraVolumes[0].name: "tmp" is already a volume of the pod',
  },
  {
    name: 'a mount of no extra volume',
    chart: 'worker',
    values: { extraVolumeMounts: [{ name: 'data', mountPath: '/data' }] },
    message: 'extraVolumeMounts[0].name: expected the name of one of extraVolumes, got "data"',
  },
  { name: 'a mount over /tmp', chart: 'worker', values: { extraVolumeMounts: [{ name: 'cache', mountPath: '/tmp' }] }, message: 'extraVolumeMounts[0].mountPath: /tmp is already a mount of the container' },
  { name: 'an exec probe without a command', chart: 'api', values: { probes: { liveness: { type: 'exec' } } }, message: 'probes.liveness.command: required value is missing (type exec runs a command)' },
  { name: 'a command on an HTTP probe', chart: 'api', values: { probes: { startup: { command: ['/bin/true'] } } }, message: 'probes.startup.command: only type exec runs a command (this probe is http)' },
  {
    name: 'two init containers of one name',
    chart: 'api',
    values: {
      initContainers: [
        { name: 'x', image: 'busybox:1.36.1', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } } },
        { name: 'x', image: 'busybox:1.36.1', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } } },
      ],
    },
    message: 'initContainers[1].name: "x" is already an init container',
  },
  {
    name: 'an init container mounting no volume of the pod',
    chart: 'api',
    values: {
      initContainers: [
        { ...{ name: 'x', image: 'busybox:1.36.1', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } } }, volumeMounts: [{ name: 'data', mountPath: '/data' }] },
      ],
    },
    message: 'initContainers[0].volumeMounts[0].name: expected tmp or the name of one of extraVolumes, got "data"',
  },
  {
    name: 'a sidecar named like the application container',
    chart: 'api',
    values: { sidecars: [sidecar({ name: 'api' })] },
    message: 'sidecars[0].name: "api" is already the application container',
  },
  {
    name: 'a sidecar named like an init container',
    chart: 'worker',
    values: { initContainers: [{ name: 'prepare', image: 'busybox:1.36.1', resources: SMALL }], sidecars: [sidecar({ name: 'prepare' })] },
    message: 'sidecars[0].name: "prepare" is already an init container',
  },
  {
    name: 'an init container named like the application container (nameOverride)',
    chart: 'worker',
    values: { nameOverride: 'jobs', initContainers: [{ name: 'jobs', image: 'busybox:1.36.1', resources: SMALL }] },
    message: 'initContainers[0].name: "jobs" is already the application container',
  },
  {
    name: 'a sidecar mounting no volume of the pod',
    chart: 'worker',
    values: { sidecars: [sidecar({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] },
    message: 'sidecars[0].volumeMounts[0].name: expected tmp or the name of one of extraVolumes, got "data"',
  },
  {
    name: 'a sidecar HTTP probe without a port',
    chart: 'api',
    values: { sidecars: [sidecar({ probes: { liveness: { type: 'http', path: '/health' }, readiness: { type: 'tcp', port: 9000 } } })] },
    message: 'sidecars[0].probes.liveness.port: required value is missing (type http connects to a port)',
  },
  {
    name: 'a sidecar TCP probe with a path',
    chart: 'api',
    values: { sidecars: [sidecar({ probes: { liveness: { type: 'tcp', port: 9000 }, readiness: { type: 'tcp', port: 9000, path: '/ready' } } })] },
    message: 'sidecars[0].probes.readiness.path: only type http has a path (this probe is tcp)',
  },
  {
    name: 'a sidecar exec probe without a command',
    chart: 'api',
    values: { sidecars: [sidecar({ probes: { liveness: { type: 'tcp', port: 9000 }, readiness: { type: 'tcp', port: 9000 }, startup: { type: 'exec' } } })] },
    message: 'sidecars[0].probes.startup.command: required value is missing (type exec runs a command)',
  },
  {
    name: 'a sidecar port named http',
    chart: 'api',
    values: { sidecars: [sidecar({ ports: [{ name: 'http', containerPort: 9000 }] })] },
    message: 'sidecars[0].ports[0].name: "http" is already a port of the pod',
  },
  {
    name: 'a sidecar port on the application’s port',
    chart: 'api',
    values: { sidecars: [sidecar({ ports: [{ name: 'proxy', containerPort: 8080 }] })] },
    message: "sidecars[0].ports[0].containerPort: 8080 is the application's containerPort",
  },
  {
    name: 'a LoadBalancer Service with NetworkPolicies and no sources (the pods would refuse what it forwards)',
    chart: 'api',
    values: { service: { type: 'LoadBalancer' } },
    message: 'service.allowFrom: required for type LoadBalancer with networkPolicy.enabled: the networks the nodes or the load balancer forward from (the NetworkPolicies admit nothing else)',
  },
  {
    name: 'a source with neither a network nor namespaces (a policy wider than the values)',
    chart: 'api',
    values: { service: { allowFrom: [{ podLabels: { app: 'x' } }] } },
    message: 'service.allowFrom[0]: expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)',
  },
  {
    name: 'an extra port source with a network and pod labels',
    chart: 'api',
    values: { service: { extraPorts: [{ name: 'grpc', port: 9090, targetPort: 9090, allowFrom: [{ cidr: '10.0.0.0/8', podLabels: { app: 'x' } }] }] } },
    message: 'service.extraPorts[0].allowFrom[0].podLabels: podLabels only apply with namespaceLabels',
  },
  {
    name: 'an extra port named http',
    chart: 'api',
    values: { service: { extraPorts: [{ name: 'http', port: 9090, targetPort: 9090 }] } },
    message: 'service.extraPorts[0].name: "http" is already a port of the Service',
  },
  {
    name: 'two extra ports on one Service port',
    chart: 'api',
    values: {
      service: {
        extraPorts: [
          { name: 'grpc', port: 9090, targetPort: 9090 },
          { name: 'admin', port: 9090, targetPort: 9091 },
        ],
      },
    },
    message: 'service.extraPorts[1].port: 9090/TCP is already a port of the Service',
  },
  {
    name: 'an extra port on the Service’s http port',
    chart: 'api',
    values: { service: { extraPorts: [{ name: 'grpc', port: 80, targetPort: 9090 }] } },
    message: 'service.extraPorts[0].port: 80/TCP is already a port of the Service',
  },
  {
    name: 'an extra port to the http port',
    chart: 'api',
    values: { service: { extraPorts: [{ name: 'alt', port: 8080, targetPort: 8080 }] } },
    message: 'service.extraPorts[0].targetPort: 8080 is the http port; the Service already exposes it',
  },
  {
    name: 'an extra port to a port name no sidecar has',
    chart: 'api',
    values: { service: { extraPorts: [{ name: 'proxy', port: 9000, targetPort: 'proxy-admin' }] }, sidecars: [sidecar({})] },
    message: 'service.extraPorts[0].targetPort: expected a port number of the application container or the name of a sidecar port (proxy), got "proxy-admin"',
  },
  {
    name: 'an extra port to a sidecar’s port by number',
    chart: 'api',
    values: { service: { extraPorts: [{ name: 'proxy', port: 9000, targetPort: 9000 }] }, sidecars: [sidecar({})] },
    message: "service.extraPorts[0].targetPort: 9000 is a sidecar's port: name it instead",
  },
  {
    name: 'a lifecycle hook with a command and a URL',
    chart: 'api',
    values: { preStopSleepSeconds: 0, lifecycle: { postStart: { exec: { command: ['/bin/true'] }, httpGet: { path: '/', port: 'http' } } } },
    message: 'lifecycle.postStart: expected exactly one of exec or httpGet',
  },
  {
    name: 'a preStop hook beside the preStop sleep',
    chart: 'api',
    values: { lifecycle: { preStop: { exec: { command: ['/bin/drain'] } } } },
    message: 'lifecycle.preStop: replaces the preStopSleepSeconds sleep (5); set preStopSleepSeconds to 0 (and sleep in this hook if the pod should keep serving first)',
  },
  {
    name: 'a dependency wait with nothing to wait for',
    chart: 'worker',
    values: { waitForDependencies: { enabled: true }, networkPolicy: { dependencies: [] } },
    message: 'waitForDependencies.enabled: no networkPolicy.dependencies to wait for',
  },
  {
    name: 'a dependency wait for a network without a host',
    chart: 'worker',
    // (worker's shipped dependencies are data stores, which have a host.)
    values: { waitForDependencies: { enabled: true }, networkPolicy: { dependencies: [{ name: 'queue', port: 5672, cidr: '10.30.0.0/16' }] } },
    message: 'networkPolicy.dependencies[0].host: required value is missing (waitForDependencies waits for host:port)',
  },
  {
    name: 'an init container named like the dependency wait',
    chart: 'api',
    values: { initContainers: [{ name: 'wait-for-dependencies', image: 'busybox:1.36.1', resources: SMALL }] },
    message: 'initContainers[0].name: "wait-for-dependencies" is already the dependency wait (waitForDependencies)',
  },
  {
    name: 'a migration without a command',
    chart: 'worker',
    values: { migration: { enabled: true } },
    message: 'migration.command: required value is missing (the migration runs a command)',
  },
  {
    name: 'a sidecar requesting more memory than its limit',
    chart: 'api',
    values: { sidecars: [sidecar({ resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '10m', memory: '32Mi' } } })] },
    message: 'sidecars[0].resources.requests.memory: expected at most the limit (32Mi), got 64Mi',
  },
  {
    name: 'a migration requesting more CPU than its limit',
    chart: 'api',
    values: { migration: { resources: { requests: { cpu: '1' }, limits: { cpu: '500m' } } } },
    message: 'migration.resources.requests.cpu: expected at most the limit (500m), got 1',
  },
  {
    name: 'annotations over 256 KiB',
    chart: 'api',
    values: { podAnnotations: { big: 'x'.repeat(262_142) } },
    message: 'podAnnotations: expected at most 262144 bytes of annotations (keys and values), got 262145',
  },
  {
    name: 'a variable in both env and secretEnv',
    chart: 'worker',
    values: { env: { DATABASE_PASSWORD: 'plain' } },
    message: 'secretEnv[0].name: "DATABASE_PASSWORD" is also a key of env; a variable comes from one place',
  },
  {
    name: 'a secretEnv name twice',
    chart: 'worker',
    values: {
      secretEnv: [
        { name: 'TOKEN', secretName: 'a', key: 'k' },
        { name: 'TOKEN', secretName: 'b', key: 'k' },
      ],
    },
    message: 'secretEnv[1].name: "TOKEN" is already an earlier secretEnv name',
  },
  {
    name: 'backups to a volume without its claim (issue 14)',
    chart: 'worker',
    values: { backups: { destination: { type: 'pvc' } } },
    message: 'backups.destination.pvc: required value is missing (destination type pvc)',
  },
  {
    name: 'server-side encryption of backups without its settings (issue 23)',
    chart: 'worker',
    values: { backups: { encryption: { type: 'serverSide' } } },
    message: 'backups.encryption.serverSide: required value is missing (encryption type serverSide)',
  },
  {
    name: 'server-side encryption of backups on a volume (issue 23)',
    chart: 'worker',
    values: { backups: { destination: { type: 'pvc', pvc: { claimName: 'worker-backups' } }, encryption: { type: 'serverSide', serverSide: { algorithm: 'AES256' } } } },
    message: 'backups.encryption.type: serverSide is the bucket’s encryption, and destination type is pvc; use crypt to encrypt dumps on a volume',
  },
  {
    name: 'a KMS key with AES256 server-side encryption (issue 23)',
    chart: 'worker',
    values: { backups: { encryption: { type: 'serverSide', serverSide: { algorithm: 'AES256', kmsKeyId: 'alias/backups' } } } },
    message: 'backups.encryption.serverSide.kmsKeyId: a KMS key goes with algorithm aws:kms, and the algorithm is AES256',
  },
  {
    name: 'a restore drill on day of week 7 (issue 23, the API server reads 0-6)',
    chart: 'worker',
    values: { backups: { drill: { schedule: '0 4 * * 7' } } },
    message: 'backups.drill.schedule: "0 4 * * 7": day of week 7 is beyond 0-6 (Kubernetes and Velero read five cron fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6)',
  },
  {
    name: 'a restore drill without checks (issue 23)',
    chart: 'worker',
    values: { backups: { postgresql: { orders: { drillChecks: [] } } } },
    message: 'backups.postgresql.orders.drillChecks: a restore drill needs at least one check (a table and its fewest rows): without one it proves only that the archive restores',
  },
  {
    name: 'a Secret from both an ExternalSecret and a SealedSecret (issue 14)',
    chart: 'worker',
    values: { secrets: { 'worker-database': { sealedSecret: { encryptedData: { password: 'AgBZ3kq0c2VhbGVkIGJ5IGt1YmVzZWFsIGZvciB0ZXN0cw==' } } } } },
    message: 'secrets.worker-database: expected exactly one of externalSecret or sealedSecret',
  },
  // Issue 21: dependencies that are data stores the monitoring stack watches (lib/monitoring/data-stores/rules.ts).
  ...dataStoreCases(),
  {
    name: 'a nameOverride whose full name (release name and nameOverride) leaves no room for the longest suffix',
    chart: 'api',
    values: { nameOverride: 'n'.repeat(35) },
    message: `nameOverride: the full name "api-${'n'.repeat(35)}" (from the release name and nameOverride) is 39 characters; objects are named up to <full name>-allow-ingress-controller, so at most 38: set a shorter fullnameOverride`,
  },
];

const environments = {
  production: loadEnvironment(join(projectRoot, 'values'), 'production'),
  staging: loadEnvironment(join(projectRoot, 'values'), 'staging'),
};
const scratch = mkdtempSync(join(tmpdir(), 'value-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function firstSynthProblem(chart: string, overlay: Record<string, unknown>, environment: keyof typeof environments = 'production'): string | undefined {
  const values = deepMerge(environments[environment].applications.get(chart), overlay) as AppValues;
  const [first] = checkAppRules(values, { containerName: containerNameOf(chart, values), fullname: fullnameOf(chart, chart, values) });
  return first && `${dottedPath(first.path)}: ${first.message}`;
}

describe('synth', () => {
  it.each(cases)('refuses $name', ({ chart, values, message, environment }) => {
    expect(firstSynthProblem(chart, values, environment)).toBe(message);
  });

  it('accepts a full name of exactly 38 characters (nameOverride of 34 after "api-")', () => {
    expect(firstSynthProblem('api', { nameOverride: 'n'.repeat(34) })).toBeUndefined();
  });

  it('accepts the shipped values of every application', () => {
    for (const chart of ['api', 'worker']) for (const env of ['production', 'staging'] as const) expect(firstSynthProblem(chart, {}, env)).toBeUndefined();
  });
});

describe.each(helmVersions)('$label', ({ binary }) => {
  it.each(cases.map((c, i) => ({ ...c, i })))('refuses $name', ({ chart, values, message, i, environment = 'production' }) => {
    const file = join(scratch, `case-${i}.yaml`);
    writeFileSync(file, stringify(values));
    const chartDir = join(distDir, 'helm', chart);
    const result = helm(binary, ['template', chart, chartDir, '-n', `${chart}-${environment}`, '-f', join(chartDir, `values-${environment}.yaml`), '-f', file]);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`Error: execution error at (${chart}/templates/validate-values.yaml:${result.stderr.match(/validate-values\.yaml:(\d+:\d+)/)?.[1]}): ${message}`);
    expect(result.status).toBe(1);
  });
});
