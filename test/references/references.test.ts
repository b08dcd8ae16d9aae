/**
 * Every reference resolves or is declared (issue 19 §2, lib/references/): each reference the objects
 * make (Secret, ConfigMap, ServiceAccount, PVC, ClusterIssuer, ClusterSecretStore, IngressClass,
 * metrics APIs, Velero locations, Argo Rollouts plugins, CRDs and their controllers) is either written
 * in the same environment or declared under `prerequisites`; synth refuses it otherwise, located at the
 * values line the name comes from (or where it would be declared), naming the object and field.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentReferences } from '../../lib/references/needs';
import { referenceFindings } from '../../lib/references/resolve';
import { projectRoot } from '../support/helm';
import { edit, runSynth, scratchProject, synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The problems of a synth of values/ with `file` edited. */
const problemsWith = (file: string, change: (text: string) => string) => synthProblems(valuesCopyWith(roots, file, change)).map((line) => line.replace(/^.*?values\//, 'values/'));
/** `lines` appended to an overlay, as the worker's section (four-space indented). */
const workerIn = (lines: string) => (text: string) => `${text}\napplications:\n  worker:\n${lines}`;
/** `lines` added to the worker's section of an overlay that has one (staging, production). */
const workerLines = (lines: string) => (text: string) => text.replace(/\n {2}worker:\n/, `\n  worker:\n${lines}`);

describe('a reference that is neither written nor declared is refused at the value it comes from', () => {
  it('an existing Secret read by secretEnv (the worker’s Redis password), undeclared in production', () => {
    const problems = problemsWith('production.yaml', (t) => t.replace('  secrets:\n    worker-production:\n      worker-redis: { keys: [password] }\n', ''));
    expect(problems).toEqual([
      expect.stringMatching(
        /^values\/base\.yaml:\d+:\d+: applications\.worker\.secretEnv\[1\]\.secretName: Secret worker-redis in worker-production is neither written in production nor declared: write it \(an ExternalSecret or SealedSecret under the application’s `secrets`\), or declare it in prerequisites\.secrets\.worker-production\.worker-redis with its keys \(password\) \(Deployment worker-production\/worker at spec\.template\.spec\.containers\[0\]\.env\[1\]\.valueFrom\.secretKeyRef \(manifests\/production\/worker\/deployment\.yaml\)\)$/,
      ),
    ]);
  });

  it('a declared Secret without the key that is read', () => {
    const problems = problemsWith('production.yaml', (t) => t.replace('worker-redis: { keys: [password] }', 'worker-redis: { keys: [redis-password] }'));
    expect(problems).toEqual([
      expect.stringMatching(
        /^values\/base\.yaml:\d+:\d+: applications\.worker\.secretEnv\[1\]\.secretName: Secret worker-redis in worker-production has no key password \(declared in prerequisites\.secrets\.worker-production\.worker-redis, keys: redis-password\) \(Deployment worker-production\/worker at .*\)$/,
      ),
    ]);
  });

  it('the other Secret sources: envFrom, a secret volume, image pull Secrets of global, a backup password', () => {
    const problems = problemsWith('production.yaml', (t) =>
      workerLines(
        ['    envFrom: [{ secretRef: { name: worker-env } }]', '    extraVolumes: [{ name: cache, emptyDir: { sizeLimit: 256Mi } }, { name: certs, secret: { secretName: worker-certs } }]', ''].join('\n'),
      )(
        `${t.replace('backups: { destination: { s3: { bucket: shop-production-backups } } }', 'backups: { destination: { s3: { bucket: shop-production-backups } }, postgresql: { orders: { passwordSecret: { name: orders-backup, key: password } } } }')}\nglobal: { imagePullSecrets: [registry-credentials] }\n`,
      ),
    );
    const joined = problems.join('\n');
    expect(joined).toMatch(/^values\/production\.yaml:\d+:\d+: applications\.worker\.envFrom\[0\]\.secretRef\.name: Secret worker-env in worker-production is neither written/m);
    expect(joined).toMatch(/^values\/production\.yaml:\d+:\d+: applications\.worker\.extraVolumes\[1\]\.secret\.secretName: Secret worker-certs in worker-production is neither written/m);
    expect(joined).toMatch(/^values\/production\.yaml:\d+:\d+: global\.imagePullSecrets\[0\]: Secret registry-credentials in api-production is neither written/m);
    expect(joined).toMatch(
      /^values\/production\.yaml:\d+:\d+: applications\.worker\.backups\.postgresql\.orders\.passwordSecret\.name: Secret orders-backup in worker-production is neither written .*CronJob worker-production\/worker-backup-orders at spec\.jobTemplate\.spec\.template\.spec\.initContainers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef/m,
    );
  });

  it('the monitoring chart’s Secrets: Grafana’s admin, and the keys Alertmanager’s configuration reads from the receivers Secret', () => {
    const problems = problemsWith('base.yaml', (t) =>
      t
        .replace('      grafana-admin: { keys: [admin-user, admin-password] }\n', '')
        .replace('alertmanager-receivers: { keys: [slack-api-url, smtp-password, pagerduty-routing-key] }', 'alertmanager-receivers: { keys: [smtp-password] }'),
    );
    const joined = problems.join('\n');
    for (const env of ['dev', 'staging', 'production']) {
      expect(joined).toMatch(
        new RegExp(
          `^values/base\\.yaml:\\d+:\\d+: monitoring\\.grafana\\.adminSecret\\.name: Secret grafana-admin in monitoring is neither written in ${env} nor declared: .* with its keys \\(admin-password, admin-user\\) \\(Deployment monitoring/grafana at`,
          'm',
        ),
      );
    }
    // Alertmanager reads slack_api_url_file and (production only) routing_key_file from the mounted Secret.
    expect(joined).toMatch(
      /^values\/base\.yaml:\d+:\d+: monitoring\.alertmanager\.secretName: Secret alertmanager-receivers in monitoring has no key pagerduty-routing-key, slack-api-url \(declared .*StatefulSet monitoring\/alertmanager at spec\.template\.spec\.volumes\[\d+\]\.secret/m,
    );
    expect(joined).toMatch(/^values\/base\.yaml:\d+:\d+: monitoring\.alertmanager\.secretName: Secret alertmanager-receivers in monitoring has no key slack-api-url \(declared/m);
  });

  it('the users of basic authentication: the SecurityPolicy’s basicAuth.users (key .htpasswd) and ingress-nginx’s auth-secret (key auth)', () => {
    // api's admin users without their ExternalSecret: dev and production (Gateway API), staging (Ingress).
    const removed = problemsWith('base.yaml', (t) => t.replace(/ {4}secrets:\n {6}api-admin-htpasswd:\n(?: {8}.*\n)+/, ''));
    expect(removed).toHaveLength(3);
    for (const [env, by] of [
      ['dev', 'SecurityPolicy api-dev/api-admin at spec\\.basicAuth\\.users'],
      ['production', 'SecurityPolicy api-production/api-admin at spec\\.basicAuth\\.users'],
      ['staging', 'Ingress api-staging/api-admin at metadata\\.annotations\\["nginx\\.ingress\\.kubernetes\\.io/auth-secret"\\]'],
    ]) {
      expect(removed.join('\n')).toMatch(
        new RegExp(
          `^values/base\\.yaml:\\d+:\\d+: applications\\.api\\.ingress\\.adminPaths\\.basicAuth\\.secretName: Secret api-admin-htpasswd in api-${env} is neither written in ${env} nor declared: .*\\(${by} `,
          'm',
        ),
      );
    }
    // The ExternalSecret without the key ingress-nginx reads: staging only.
    const withoutKey = problemsWith('base.yaml', (t) => t.replace(/ {12}- \{ secretKey: auth, remoteKey: shop\/api\/admin-htpasswd.*\n/, ''));
    expect(withoutKey).toEqual([expect.stringMatching(/^values\/base\.yaml:\d+:\d+: applications\.api\.ingress\.adminPaths\.basicAuth\.secretName: Secret api-admin-htpasswd in api-staging has no key auth /)]);
    // The monitoring stack's admin routes, on a Secret nobody writes or declares.
    const monitoring = problemsWith('base.yaml', (t) =>
      t.replace('admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8] }', 'admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8], basicAuth: { secretName: monitoring-admin-htpasswd } }'),
    );
    expect(monitoring.join('\n')).toMatch(
      /^values\/base\.yaml:\d+:\d+: monitoring\.ingress\.admin\.basicAuth\.secretName: Secret monitoring-admin-htpasswd in monitoring is neither written in production nor declared: .* with its keys \(\.htpasswd\)/m,
    );
  });

  it('a ConfigMap, a PersistentVolumeClaim and a ServiceAccount that exist outside the platform', () => {
    const existing = workerLines(
      [
        '    envFrom: [{ configMapRef: { name: shop-settings } }]',
        '    extraVolumes: [{ name: cache, emptyDir: { sizeLimit: 256Mi } }, { name: archive, persistentVolumeClaim: { claimName: worker-archive } }]',
        '    serviceAccount: { create: false, name: shop-worker }',
        '',
      ].join('\n'),
    );
    const problems = problemsWith('staging.yaml', existing);
    const joined = problems.join('\n');
    expect(joined).toMatch(
      /^values\/staging\.yaml:\d+:\d+: applications\.worker\.envFrom\[0\]\.configMapRef\.name: ConfigMap shop-settings in worker-staging is neither written in staging nor declared: .*prerequisites\.configMaps\.worker-staging\.shop-settings/m,
    );
    expect(joined).toMatch(
      /^values\/staging\.yaml:\d+:\d+: applications\.worker\.extraVolumes\[1\]\.persistentVolumeClaim\.claimName: PersistentVolumeClaim worker-archive in worker-staging is neither written/m,
    );
    expect(joined).toMatch(/^values\/staging\.yaml:\d+:\d+: applications\.worker\.serviceAccount\.name: ServiceAccount shop-worker in worker-staging is neither written/m);
    // Declared, they resolve.
    const declared = valuesCopyWith(roots, 'staging.yaml', (t) =>
      existing(
        t.replace(
          '  secrets:\n    worker-staging:\n',
          '  configMaps: { worker-staging: { shop-settings: { keys: [] } } }\n  persistentVolumeClaims: { worker-staging: [worker-archive] }\n  serviceAccounts: { worker-staging: [shop-worker] }\n  secrets:\n    worker-staging:\n',
        ),
      ),
    );
    expect(() => synthProblems(declared)).toThrow('synth did not fail');
  });

  it('a ClusterSecretStore, a ClusterIssuer and an IngressClass of the cluster', () => {
    const store = problemsWith('base.yaml', (t) => t.replace(', clusterSecretStores: [platform-secrets]', ''));
    expect(store).toContainEqual(
      expect.stringMatching(
        // The first application's first ExternalSecret: api's admin users (issue 23), then the worker's.
        /^values\/base\.yaml:\d+:\d+: applications\.api\.secrets\.api-admin-htpasswd\.externalSecret\.storeRef\.name: ClusterSecretStore platform-secrets is neither written in dev nor declared: declare it in prerequisites\.controllers\.externalSecrets\.clusterSecretStores \(ExternalSecret api-dev\/api-admin-htpasswd at spec\.secretStoreRef .*ExternalSecret worker-dev\/worker-backup-bucket at spec\.secretStoreRef .*; and \d+ more\)$/,
      ),
    );
    const issuer = problemsWith('staging.yaml', (t) =>
      `${t.replace('applications:\n  # Blue-green', 'applications:\n  # Blue-green')}`.replace('  api:\n    rollout:', '  api:\n    ingress: { tls: { clusterIssuer: internal-ca } }\n    rollout:'),
    );
    expect(issuer).toEqual([
      expect.stringMatching(
        /^values\/staging\.yaml:\d+:\d+: applications\.api\.ingress\.tls\.clusterIssuer: ClusterIssuer internal-ca is neither written in staging nor declared: .* \(Certificate api-staging\/api-tls at spec\.issuerRef \(manifests\/staging\/api\/certificate\.yaml\)\)$/,
      ),
    ]);
    const ingressClass = problemsWith('staging.yaml', (t) => t.replace('ingressClasses: [nginx]', 'ingressClasses: [traefik]'));
    expect(ingressClass).toContainEqual(
      expect.stringMatching(/^values\/base\.yaml:\d+:\d+: defaults\.ingress\.className: IngressClass nginx is neither written in staging nor declared: .*Ingress api-staging\/api at spec\.ingressClassName/),
    );
  });

  it('the metrics APIs of the HPAs: the resource metrics of every HPA, the custom metric of production api', () => {
    const problems = problemsWith('production.yaml', (t) => t.replace('  metricsAPIs:\n    custom: { provider: prometheus-adapter, namespace: custom-metrics }\n', ''));
    expect(problems).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: prerequisites\.metricsAPIs\.custom: the custom\.metrics\.k8s\.io API is not declared, and HorizontalPodAutoscalers read it: declare what serves it \(e\.g\. prometheus-adapter\) in prerequisites\.metricsAPIs\.custom \(HorizontalPodAutoscaler api-production\/api at spec\.metrics\[2\] \(type Pods\) \(manifests\/production\/api\/hpa\.yaml\)\)$/,
      ),
    ]);
    const resource = problemsWith('base.yaml', (t) => t.replace('  metricsAPIs:\n    resource: { provider: metrics-server, namespace: kube-system }\n', ''));
    // Dev runs no HPA: staging and production need the resource metrics, each where its file declares its prerequisites.
    expect(resource).toEqual([
      expect.stringMatching(/^values\/production\.yaml:\d+:\d+: prerequisites\.metricsAPIs\.resource: the metrics\.k8s\.io API is not declared/),
      expect.stringMatching(
        /^values\/staging\.yaml:\d+:\d+: prerequisites\.metricsAPIs\.resource: the metrics\.k8s\.io API is not declared, .*HorizontalPodAutoscaler api-staging\/api at spec\.metrics\[0\] \(type Resource\).*; and \d+ more\)$/,
      ),
    ]);
  });
});

describe('what the cluster provides does not run where the output’s default-deny policies would cut it off', () => {
  it('a metrics adapter or a trace collector declared in a namespace the output writes', () => {
    const adapter = problemsWith('production.yaml', (t) => t.replace('custom: { provider: prometheus-adapter, namespace: custom-metrics }', 'custom: { provider: prometheus-adapter, namespace: monitoring }'));
    expect(adapter).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: prerequisites\.metricsAPIs\.custom\.namespace: prometheus-adapter runs in monitoring, a namespace production's output writes with default-deny NetworkPolicies that admit only its own pods: the API server could not call it; run it in a namespace of its own$/,
      ),
    ]);
    const collector = problemsWith('staging.yaml', (t) =>
      t.replace('host: otel-collector.observability.svc', 'host: otel-collector.monitoring.svc').replace('namespace: observability', 'namespace: monitoring'),
    );
    expect(collector).toEqual([expect.stringMatching(/^values\/staging\.yaml:\d+:\d+: prerequisites\.traceCollectors\.otel-collector\.namespace: the collector runs in monitoring, .*no trace would reach it/)]);
  });
});

describe('every custom kind needs its controller, at a version its features allow', () => {
  it('a controller not declared: Velero in production, for the monitoring Schedules', () => {
    const problems = problemsWith('production.yaml', (t) => t.replace('    velero: { version: "1.16.2", namespace: velero, backupStorageLocations: [production-backups] }\n', ''));
    expect(problems.join('\n')).toMatch(
      /^values\/production\.yaml:\d+:\d+: prerequisites\.controllers\.velero: Velero is not declared, and production writes its kinds: Schedule velero\/monitoring-prometheus \(manifests\/production\/monitoring\/velero-schedule-prometheus\.yaml\), Schedule velero\/monitoring-grafana .*; declare it with the version the cluster runs \(at least 1\.10\.0: .*\)$/m,
    );
    // Its namespace and its backup location go with it.
    expect(problems.join('\n')).toMatch(/monitoring\.velero\.namespace: namespace velero is neither written in production nor declared/);
    expect(problems.join('\n')).toMatch(/monitoring\.velero\.storageLocation: BackupStorageLocation production-backups in velero is neither written/);
  });

  it('a version older than a feature needs: Argo Rollouts before traffic router plugins, Envoy Gateway before Distinct local rate limits', () => {
    const problems = problemsWith('production.yaml', (t) => t.replace('argoRollouts: { trafficRouterPlugins', 'argoRollouts: { version: "v1.4.7", trafficRouterPlugins'));
    expect(problems).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: prerequisites\.controllers\.argoRollouts\.version: Argo Rollouts v1\.4\.7 is older than 1\.5\.0, which production needs for spec\.strategy\.canary\.trafficRouting\.plugins \(traffic router plugins\) \(Argo Rollouts v1\.5\.0 changelog: traffic router plugins \(argoproj\/argo-rollouts#2573\)\)$/,
      ),
    ]);
    const envoy = problemsWith('base.yaml', (t) => t.replace('envoyGateway: { version: "1.7.0"', 'envoyGateway: { version: "1.3.2"'));
    expect(envoy.join('\n')).toMatch(
      /prerequisites\.controllers\.envoyGateway\.version: Envoy Gateway 1\.3\.2 is older than 1\.4\.0, which dev needs for BackendTrafficPolicy local rate limit with a Distinct sourceCIDR/,
    );
    // Staging (Ingress) writes no Envoy Gateway policy: an old declared version is no problem there.
    expect(envoy.join('\n')).not.toMatch(/which staging needs/);
  });

  it('the Argo Rollouts traffic router plugin the canary names, and cert-manager’s Gateway API support for the HTTP-01 solver', () => {
    const plugin = problemsWith('production.yaml', (t) => t.replace('    argoRollouts: { trafficRouterPlugins: [argoproj-labs/gatewayAPI] }\n', ''));
    expect(plugin).toEqual([
      expect.stringMatching(
        /^values\/production\.yaml:\d+:\d+: prerequisites\.controllers\.argoRollouts\.trafficRouterPlugins: the Argo Rollouts traffic router plugin argoproj-labs\/gatewayAPI is neither written in production nor declared: .* \(Rollout api-production\/api at spec\.strategy\.canary\.trafficRouting\.plugins \(manifests\/production\/api\/rollout\.yaml\)\)$/,
      ),
    ]);
    const gateway = problemsWith('base.yaml', (t) => t.replace(', gatewayAPI: true }', ' }'));
    expect(gateway).toContainEqual(
      expect.stringMatching(/^values\/dev\.yaml:\d+:\d+: prerequisites\.controllers\.certManager\.gatewayAPI: dev's ClusterIssuer solves HTTP-01 challenges with a gatewayHTTPRoute, .*--enable-gateway-api/),
    );
    expect(gateway.join('\n')).not.toMatch(/staging's ClusterIssuer/);
  });

  it('a kind no catalogued controller serves (an extra object) needs its CRD declared', () => {
    const problems = problemsWith(
      'dev.yaml',
      workerIn('    extraObjects:\n      - { apiVersion: postgresql.cnpg.io/v1, kind: ScheduledBackup, metadata: { name: orders }, spec: { schedule: "0 0 3 * * *", cluster: { name: orders } } }\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^values\/(base|dev)\.yaml:\d+:\d+: prerequisites\.crds: the CustomResourceDefinition scheduledbackups\.postgresql\.cnpg\.io is not declared, and dev writes its kind: ScheduledBackup worker-dev\/orders \(manifests\/dev\/worker\/extra-scheduledbackup-orders\.yaml\); add it to prerequisites\.crds/,
      ),
    ]);
  });
});

describe('the synth command refuses unresolved references like any bad value', () => {
  it('exit code 1, one line per problem, the output untouched', () => {
    const { root, values, out, sentinel } = scratchProject();
    roots.push(root);
    edit(join(values, 'production.yaml'), (t) => t.replace('  secrets:\n    worker-production:\n      worker-redis: { keys: [password] }\n', ''));
    const run = runSynth(['--values', values, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/values\/base\.yaml:\d+:\d+: applications\.worker\.secretEnv\[1\]\.secretName: Secret worker-redis in worker-production is neither written in production nor declared/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(sentinel, 'utf8')).toBe('kind: Previous\n');
  });
});

describe('needs read from the objects', () => {
  const pod = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec });

  it('optional references need nothing; projected sources, items keys and pull Secrets do', () => {
    const refs = new EnvironmentReferences();
    refs.observe('chart', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }, 'namespace.yaml');
    refs.observe(
      'chart',
      pod({
        imagePullSecrets: [{ name: 'pull' }],
        containers: [
          {
            name: 'c',
            env: [
              { name: 'A', valueFrom: { secretKeyRef: { name: 'maybe', key: 'k', optional: true } } },
              { name: 'B', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
            ],
            envFrom: [{ secretRef: { name: 'optional-env', optional: true } }],
          },
        ],
        volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 'projected', items: [{ key: 'token', path: 't' }] } }, { configMap: { name: 'ca', optional: true } }] } }],
      }),
      'pod.yaml',
    );
    const messages = referenceFindings('env', refs, {}, undefined).map((f) => f.message);
    expect(messages).toEqual([
      expect.stringMatching(/^Secret pull in ns is neither written in env nor declared: .*, or declare it in prerequisites\.secrets\.ns\.pull \(Pod ns\/p at spec\.imagePullSecrets\[0\] \(pod\.yaml\)\)$/),
      expect.stringMatching(/^Secret projected in ns is neither written .* with its keys \(token\) \(Pod ns\/p at spec\.volumes\[0\]\.projected\.sources\[0\]\.secret/),
      expect.stringMatching(/^ConfigMap settings in ns is neither written .* with its keys \(level\) \(Pod ns\/p at spec\.containers\[0\]\.env\[1\]\.valueFrom\.configMapKeyRef/),
    ]);
    // Declared with their keys, they resolve.
    expect(
      referenceFindings('env', refs, { secrets: { ns: { pull: { keys: ['.dockerconfigjson'] }, projected: { keys: ['token'] } } }, configMaps: { ns: { settings: { keys: ['level'] } } } }, undefined),
    ).toEqual([]);
  });

  it('a Secret an ExternalSecret makes has the ExternalSecret’s keys; one with dataFrom has any', () => {
    const refs = new EnvironmentReferences();
    refs.observe('chart', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }, 'namespace.yaml');
    refs.observe(
      'chart',
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'ns' }, spec: { secretStoreRef: { name: 's', kind: 'SecretStore' }, data: [{ secretKey: 'user' }] } },
      'es.yaml',
    );
    refs.observe('chart', pod({ containers: [{ name: 'c', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }] }), 'pod.yaml');
    const prerequisites = { controllers: { externalSecrets: { version: '0.16.0', secretStores: { ns: ['s'] } } } };
    expect(referenceFindings('env', refs, prerequisites, undefined).map((f) => f.message)).toEqual([
      expect.stringMatching(/^Secret db in ns has no key password \(written by ExternalSecret ns\/db \(es\.yaml\), keys: user\)/),
    ]);
  });
});

describe('each environment’s README lists its prerequisites with the commands that check them', () => {
  const readme = (env: string) => readFileSync(join(projectRoot, 'dist', 'environments', env, 'README.md'), 'utf8');

  it('production: controllers with their minimum and its source, Secrets with their keys, metrics APIs, the Gateway', () => {
    const text = readme('production');
    expect(text).toContain('## Prerequisites');
    expect(text).toContain('- **Argo Rollouts 1.8.3, in argo-rollouts**, for AnalysisTemplate (argoproj.io/v1alpha1), Rollout (argoproj.io/v1alpha1); minimum 1.5.0:');
    expect(text).toContain('  kubectl get crd analysistemplates.argoproj.io rollouts.argoproj.io\n');
    expect(text).toContain("  kubectl -n argo-rollouts get configmap argo-rollouts-config -o jsonpath='{.data.trafficRouterPlugins}'   # names argoproj-labs/gatewayAPI\n");
    expect(text).toContain("kubectl get crd httproutes.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}'   # at least 1.2.0");
    expect(text).toContain('- **Secret worker-production/worker-redis (keys password)**, for Deployment worker-production/worker');
    expect(text).toContain('- **Secret monitoring/alertmanager-receivers (keys pagerduty-routing-key, slack-api-url, smtp-password)**');
    expect(text).toContain('kubectl get apiservice v1beta1.custom.metrics.k8s.io -o jsonpath=\'{.status.conditions[?(@.type=="Available")].status}\'   # True');
    expect(text).toContain('- **BackupStorageLocation velero/production-backups**');
    expect(text).toContain('- **Gateway gateway-system/platform, listener https**');
  });

  it('staging (Ingress): ingress-nginx and its IngressClass, no Envoy Gateway; dev: no Argo Rollouts, no metrics API', () => {
    const staging = readme('staging');
    expect(staging).toContain('- **IngressClass nginx**');
    expect(staging).not.toContain('Envoy Gateway');
    const dev = readme('dev');
    // dev pages nobody (alertmanager.receivers.pagerduty: false): its Alertmanager reads no routing key.
    expect(dev).toContain('- **Secret monitoring/alertmanager-receivers (keys slack-api-url, smtp-password)**');
    expect(dev).not.toContain('Argo Rollouts');
    expect(dev).not.toContain('metrics.k8s.io');
  });
});
