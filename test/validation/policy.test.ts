/** Platform policies: each rule fires on a violating fixture and stays quiet on the compliant set. */
import { describe, expect, it } from 'vitest';
import { checkPolicies, validateManifests } from '../../lib/validation';
import { fixture, lines, schemaLocations } from './helpers';

const policyLines = async (...paths: string[]) => lines(checkPolicies(await fixture(...paths)));
/** Findings of one fixture, with the NetworkPolicy rule satisfied by the compliant set's default-deny. */
const findingsOf = async (path: string) => policyLines(path, 'valid/networkpolicy.yaml');

describe('policies', () => {
  it('finds nothing in the compliant set, which is also schema-valid', async () => {
    const result = await validateManifests(await fixture('valid'), { schemaLocations });
    expect(lines(result.policyFindings)).toEqual([]);
    expect(lines(result.schemaErrors)).toEqual([]);
  });

  it('applies Pod Security restricted by default', async () => {
    const at = (field: string, message: string) => `policy/pod-security-restricted.yaml: Deployment/shop/root-app: spec.template.spec.${field}: Pod Security restricted: ${message}`;
    expect(await findingsOf('policy/pod-security-restricted.yaml')).toEqual([
      at('hostNetwork', 'hostNetwork must not be true'),
      at('hostPID', 'hostPID must not be true'),
      at('hostIPC', 'hostIPC must not be true'),
      at('volumes[0].hostPath', 'volume "host": hostPath volumes are not allowed'),
      at('containers[0].securityContext.privileged', 'container "app": privileged must not be true'),
      at('containers[0].securityContext.capabilities.add[0]', 'container "app": adding capability SYS_ADMIN is not allowed (allowed: NET_BIND_SERVICE)'),
      at('containers[0].securityContext.capabilities.add[1]', 'container "app": adding capability NET_RAW is not allowed (allowed: NET_BIND_SERVICE)'),
      at('containers[0].ports[0].hostPort', 'container "app": hostPort must not be set'),
      at('volumes[1].nfs', 'volume "data": volume type nfs is not allowed (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)'),
      at('securityContext.runAsUser', 'the pod: runAsUser must not be 0 (root)'),
      at('containers[0].securityContext.allowPrivilegeEscalation', 'container "app": allowPrivilegeEscalation must be false'),
      at('containers[0].securityContext.capabilities.drop', 'container "app": capabilities must drop ALL'),
      at('containers[0].securityContext.runAsNonRoot', 'container "app": runAsNonRoot must be true (on the pod or on every container)'),
      at('containers[0].securityContext.seccompProfile.type', 'container "app": seccomp profile must be RuntimeDefault or Localhost, on the pod or on every container (got Unconfined)'),
      expect.stringContaining('has no cpu request'),
      expect.stringContaining('has no memory request'),
      expect.stringContaining('has no cpu limit'),
      expect.stringContaining('has no memory limit'),
      expect.stringContaining('has no livenessProbe'),
      expect.stringContaining('has no readinessProbe'),
    ]);
  });

  it('checks a Namespace declared baseline at baseline, and one declared privileged not at all', async () => {
    const podSecurity = (await findingsOf('policy/pod-security-exceptions.yaml')).filter((line) => line.includes('Pod Security'));
    expect(podSecurity).toEqual([
      'policy/pod-security-exceptions.yaml: Deployment/legacy/legacy-host: spec.template.spec.hostNetwork: Pod Security baseline: hostNetwork must not be true',
      'policy/pod-security-exceptions.yaml: Deployment/legacy/legacy-host: spec.template.spec.containers[0].securityContext.seccompProfile.type: Pod Security baseline: container "app": seccomp profile must not be Unconfined',
      'policy/pod-security-exceptions.yaml: Deployment/legacy/legacy-host: spec.template.spec.containers[0].securityContext.privileged: Pod Security baseline: container "app": privileged must not be true',
    ]);
  });

  it('requires cpu and memory requests and limits on every container and init container', async () => {
    const at = (field: string, message: string) => `policy/resources.yaml: StatefulSet/shop/db: spec.template.spec.${field}: ${message}`;
    const resources = (await findingsOf('policy/resources.yaml')).filter((line) => line.includes('.resources.'));
    expect(resources).toEqual([
      at('containers[0].resources.limits.cpu', 'container "db" has no cpu limit'),
      at('initContainers[0].resources.requests.cpu', 'init container "init" has no cpu request'),
      at('initContainers[0].resources.requests.memory', 'init container "init" has no memory request'),
      at('initContainers[0].resources.limits.cpu', 'init container "init" has no cpu limit'),
      at('initContainers[0].resources.limits.memory', 'init container "init" has no memory limit'),
    ]);
  });

  it('requires liveness and readiness probes on long-running containers only', async () => {
    const probes = (await findingsOf('policy/probes.yaml')).filter((line) => line.includes('Probe'));
    expect(probes).toEqual(['policy/probes.yaml: Deployment/shop/api: spec.template.spec.containers[0].readinessProbe: container "api" has no readinessProbe']);
  });

  it('rejects latest and untagged images, accepts tags and digests', async () => {
    const images = (await findingsOf('policy/images.yaml')).filter((line) => line.includes('.image:'));
    expect(images).toEqual([
      'policy/images.yaml: Pod/shop/images: spec.containers[0].image: container "untagged" image nginx has no tag (it means :latest): pin a version tag or a digest',
      'policy/images.yaml: Pod/shop/images: spec.containers[1].image: container "registry-port-untagged" image registry.example.com:5000/team/app has no tag (it means :latest): pin a version tag or a digest',
      'policy/images.yaml: Pod/shop/images: spec.initContainers[0].image: init container "latest" image busybox:latest uses the latest tag: pin a version tag or a digest',
    ]);
  });

  it('reports Secrets that carry values', async () => {
    expect(await findingsOf('policy/secrets.yaml')).toEqual([
      'policy/secrets.yaml: Secret/shop/db-password: data: Secret holds values (password): keep secret values out of git, create the Secret in the cluster (e.g. with an ExternalSecret)',
      'policy/secrets.yaml: Secret/shop/api-token: stringData: Secret holds values (token): keep secret values out of git, create the Secret in the cluster (e.g. with an ExternalSecret)',
    ]);
  });
});

describe('object metadata', () => {
  it('reports names, namespaces, label keys and values (pod templates’ too), annotation keys and names of DNS-label kinds the API server refuses', async () => {
    const long = 'a'.repeat(60);
    expect(await findingsOf('policy/metadata.yaml')).toEqual([
      'policy/metadata.yaml: ConfigMap/shop/Bad_Name: metadata.name: "Bad_Name" is not a valid object name: lower-case letters, digits, "-" and ".", at most 253 characters',
      'policy/metadata.yaml: ConfigMap/shop/Bad_Name: metadata.labels["bad key!"]: "bad key!" is not a valid label key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", "."',
      'policy/metadata.yaml: ConfigMap/shop/Bad_Name: metadata.labels["bad key!"]: "v w" is not a valid label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit',
      'policy/metadata.yaml: ConfigMap/shop/Bad_Name: metadata.labels["app.kubernetes.io/name"]: "-x-" is not a valid label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit',
      'policy/metadata.yaml: ConfigMap/shop/Bad_Name: metadata.annotations["also bad/"]: "also bad/" is not a valid annotation key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", "."',
      'policy/metadata.yaml: ConfigMap/Shop_NS/fine: metadata.namespace: "Shop_NS" is not a valid namespace: a DNS label of at most 63 characters',
      `policy/metadata.yaml: Service/shop/${long}-canary: metadata.name: "${long}-canary" (67 characters) is not a valid Service name: a DNS-1035 label: lower-case letters, digits and "-", starting with a letter of at most 63 characters`,
      `policy/metadata.yaml: Job/shop/${long}-migration: metadata.name: "${long}-migration" (70 characters) is not a valid Job name: a DNS label (its pods carry it as the job-name label) of at most 63 characters`,
      `policy/metadata.yaml: Job/shop/${long}-migration: spec.template.metadata.labels["app.kubernetes.io/name"]: "${long}-migration" is not a valid label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit`,
    ]);
  });
});

describe('NetworkPolicy coverage', () => {
  /** A Deployment in `namespace` whose pods carry `labels`, with the policies of policy/network-policies.yaml. */
  const coverage = async (labels: Record<string, string>, namespace?: string) => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', ...(namespace ? { namespace } : {}) },
      spec: { template: { metadata: { labels }, spec: { containers: [] } } },
    };
    const documents = [...(await fixture('policy/network-policies.yaml')), { file: 'app.yaml', doc: deployment }];
    return lines(checkPolicies(documents));
  };

  it('counts a pod selected by matchLabels and matchExpressions (In, NotIn) as covered', async () => {
    expect(await coverage({ team: 'shop', tier: 'backend' }, 'shop')).toEqual([]);
    expect(await coverage({ team: 'shop', tier: 'frontend', track: 'stable' }, 'shop')).toEqual([]);
  });

  it('counts a pod selected by Exists and DoesNotExist as covered', async () => {
    expect(await coverage({ sidecar: 'envoy' }, 'shop')).toEqual([]);
  });

  it('reports a pod that no selector matches', async () => {
    const uncovered = ['app.yaml: Deployment/shop/app: spec.template.metadata.labels: pods are not selected by any NetworkPolicy in namespace shop'];
    expect(await coverage({ team: 'shop', tier: 'database' }, 'shop')).toEqual(uncovered); // In: value not listed
    expect(await coverage({ team: 'shop', tier: 'backend', track: 'canary' }, 'shop')).toEqual(uncovered); // NotIn: value listed
    expect(await coverage({ tier: 'backend' }, 'shop')).toEqual(uncovered); // matchLabels not met
    expect(await coverage({ sidecar: 'envoy', legacy: 'true' }, 'shop')).toEqual(uncovered); // DoesNotExist: label present
  });

  it('only counts policies of the pod namespace, default when absent', async () => {
    expect(await coverage({ team: 'shop', tier: 'backend' })).toEqual(['app.yaml: Deployment/default/app: spec.template.metadata.labels: pods are not selected by any NetworkPolicy in namespace default']);
    expect(await coverage({ anything: 'x' }, 'other')).toEqual([]);
  });
});
