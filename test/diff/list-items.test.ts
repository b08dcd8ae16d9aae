/**
 * List items matched before they are compared (lib/diff/list-items.ts): by the keys the Kubernetes API
 * merges them on (from the schemas), and by content where a list has none, so an inserted item reads as
 * one added item and not as every later item changed.
 */
import { describe, expect, it } from 'vitest';
import { diffObjects, type SideObject } from '../../lib/diff/object-diff';
import { keyedListsOf } from '../../lib/diff/list-items';
import type { KubeObject } from '../../lib/upgrade/rules';

const at = (object: KubeObject, file = 'manifests/dev/api/object.yaml'): SideObject => ({ file, object });

/** The changed fields of one object between two versions, as `path type before after` lines. */
function fieldsOf(before: KubeObject, after: KubeObject): string[] {
  const [change] = diffObjects([at(before)], [at(after)]).changed;
  return (change?.fields ?? []).map((f) => `${f.path} ${f.type}${f.before === undefined ? '' : ` ${JSON.stringify(f.before)}`}${f.after === undefined ? '' : ` ${JSON.stringify(f.after)}`}`);
}

const container = (name: string, fields: Record<string, unknown> = {}) => ({ name, image: `${name}:1`, ...fields });
const deployment = (containers: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'api-dev' },
  spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers, ...extra } } },
});

describe('keys from the schemas', () => {
  it('reads the merge keys of each list from the Kubernetes and CRD schemas', () => {
    const keys = keyedListsOf('apps/v1', 'Deployment');
    expect(keys['spec.template.spec.containers']).toEqual(['name']);
    expect(keys['spec.template.spec.containers[].env']).toEqual(['name']);
    expect(keys['spec.template.spec.containers[].ports']).toEqual(['containerPort', 'protocol']);
    expect(keys['spec.template.spec.containers[].volumeMounts']).toEqual(['mountPath']);
    expect(keys['spec.template.spec.volumes']).toEqual(['name']);
    expect(keyedListsOf('v1', 'Service')['spec.ports']).toEqual(['port', 'protocol']);
    // A custom resource with a pod template (Argo Rollouts CRD), and a kind with keyed lists of its own.
    expect(keyedListsOf('argoproj.io/v1alpha1', 'Rollout')['spec.template.spec.initContainers']).toEqual(['name']);
    expect(keyedListsOf('monitoring.coreos.com/v1', 'PrometheusRule')['spec.groups']).toEqual(['name']);
    // No schema: no keys (matched by content).
    expect(keyedListsOf('example.com/v1', 'Widget')).toEqual({});
  });
});

describe('keyed lists', () => {
  it('a container added before the others is one added item', () => {
    expect(fieldsOf(deployment([container('api'), container('proxy')]), deployment([container('init-cache'), container('api'), container('proxy')]))).toEqual([
      'spec.template.spec.containers[name=init-cache] added {"name":"init-cache","image":"init-cache:1"}',
    ]);
  });

  it('a field of a container named by its key, whatever its position', () => {
    expect(fieldsOf(deployment([container('api'), container('proxy')]), deployment([container('proxy', { image: 'proxy:2' }), container('api')]))).toEqual([
      'spec.template.spec.containers[name=proxy].image changed "proxy:1" "proxy:2"',
    ]);
  });

  it('env by name, ports by containerPort and protocol, volumeMounts by mountPath, volumes by name', () => {
    const before = deployment(
      [
        container('api', {
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        }),
      ],
      { volumes: [{ name: 'tmp', emptyDir: {} }] },
    );
    const after = deployment(
      [
        container('api', {
          env: [
            { name: 'NEW', value: '0' },
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
          ],
          ports: [
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
            { name: 'web', containerPort: 8080, protocol: 'TCP' },
          ],
          volumeMounts: [
            { name: 'cache', mountPath: '/cache' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        }),
      ],
      {
        volumes: [
          { name: 'cache', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
        ],
      },
    );
    expect(fieldsOf(before, after)).toEqual([
      'spec.template.spec.containers[name=api].env[name=B].value changed "2" "3"',
      'spec.template.spec.containers[name=api].env[name=NEW] added {"name":"NEW","value":"0"}',
      'spec.template.spec.containers[name=api].ports[containerPort=8080,protocol=TCP].name changed "http" "web"',
      'spec.template.spec.containers[name=api].ports[containerPort=9090,protocol=TCP] added {"name":"metrics","containerPort":9090,"protocol":"TCP"}',
      'spec.template.spec.containers[name=api].volumeMounts[mountPath=/cache] added {"name":"cache","mountPath":"/cache"}',
      'spec.template.spec.volumes[name=cache] added {"name":"cache","emptyDir":{}}',
    ]);
  });

  it('a list with a repeated key (duplicate env names pass the API server) is matched by content', () => {
    const env = (values: string[]) => deployment([container('api', { env: values.map((value) => ({ name: 'A', value })) })]);
    expect(fieldsOf(env(['1', '2']), env(['0', '1', '2']))).toEqual(['spec.template.spec.containers[name=api].env[0] added {"name":"A","value":"0"}']);
  });

  it('a container removed is one removed item, with its value', () => {
    expect(fieldsOf(deployment([container('api'), container('proxy')]), deployment([container('api')]))).toEqual(['spec.template.spec.containers[name=proxy] removed {"name":"proxy","image":"proxy:1"}']);
  });
});

describe('lists without keys', () => {
  const policy = (namespaces: string[], port = 8080): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-allow-dependencies', namespace: 'web-dev' },
    spec: {
      podSelector: {},
      egress: namespaces.map((namespace) => ({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }], ports: [{ port, protocol: 'TCP' }] })),
    },
  });

  it('an application added between two others is one added rule (not "api → payments, worker → web")', () => {
    expect(fieldsOf(policy(['api-dev', 'worker-dev']), policy(['api-dev', 'payments-dev', 'worker-dev']))).toEqual([
      'spec.egress[1] added {"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"payments-dev"}}}],"ports":[{"port":8080,"protocol":"TCP"}]}',
    ]);
  });

  it('a removed rule is named by its position before the change', () => {
    expect(fieldsOf(policy(['api-dev', 'payments-dev', 'worker-dev']), policy(['api-dev', 'worker-dev']))).toEqual([
      'spec.egress[1] removed {"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"payments-dev"}}}],"ports":[{"port":8080,"protocol":"TCP"}]}',
    ]);
  });

  it('a rule changed in place is compared field by field', () => {
    const before = policy(['api-dev', 'worker-dev']);
    const after = policy(['api-dev', 'worker-dev']);
    ((after.spec as { egress: { ports: { port: number }[] }[] }).egress[1].ports[0] as { port: number }).port = 9090;
    expect(fieldsOf(before, after)).toEqual(['spec.egress[1].ports[0].port changed 8080 9090']);
  });

  it('scalar lists (args) show inserted and removed words only', () => {
    const args = (list: string[]) => deployment([container('api', { args: list })]);
    expect(fieldsOf(args(['serve', '--port', '8080']), args(['serve', '--verbose', '--port', '8080']))).toEqual(['spec.template.spec.containers[name=api].args[1] added "--verbose"']);
    expect(fieldsOf(args(['serve', '--port', '8080']), args(['serve', '--port', '9090']))).toEqual(['spec.template.spec.containers[name=api].args[2] changed "8080" "9090"']);
  });

  it('a removed item and an unchanged item at the same position do not hide each other', () => {
    const args = (list: string[]) => deployment([container('api', { args: list })]);
    expect(fieldsOf(args(['a', 'b', 'c']), args(['x', 'c', 'd']))).toEqual([
      'spec.template.spec.containers[name=api].args[0] changed "a" "x"',
      'spec.template.spec.containers[name=api].args[1] removed "b"',
      'spec.template.spec.containers[name=api].args[2] added "d"',
    ]);
  });
});
