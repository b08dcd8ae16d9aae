/** What an upgrade deletes rather than updates (lib/upgrade/removals.ts): removed namespaces and renames, with their claims. */
import { describe, expect, it } from 'vitest';
import type { ManifestDocument } from '../../lib/upgrade/output';
import { removedNamespaces, renamedObjects } from '../../lib/upgrade/removals';
import type { KubeObject } from '../../lib/upgrade/rules';

const doc = (file: string, object: KubeObject, environment = 'dev'): ManifestDocument => ({ file: `manifests/${environment}/${file}`, environment, object });
const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const statefulSet = (name: string, ns: string, templates: string[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: ns },
  spec: { volumeClaimTemplates: templates.map((t) => ({ metadata: { name: t }, spec: {} })) },
});
const claim = (name: string, ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: ns }, spec: {} });
const configMap = (name: string, ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });

describe('removedNamespaces', () => {
  const previous = [
    doc('db/namespace.yaml', namespace('db-dev')),
    doc('db/statefulset.yaml', statefulSet('db', 'db-dev', ['data', 'wal'])),
    doc('db/pvc.yaml', claim('uploads', 'db-dev')),
    doc('db/configmap.yaml', configMap('db', 'db-dev')),
    doc('db/namespace.yaml', namespace('db-production'), 'production'),
  ];

  it('names the namespace, counts its objects and lists its claims (written and from volumeClaimTemplates)', () => {
    const [removal] = removedNamespaces(previous, [doc('db/namespace.yaml', namespace('db-production'), 'production')]);
    expect(removal).toMatchObject({ file: 'manifests/dev/db/namespace.yaml', environment: 'dev', what: 'namespace', namespace: 'db-dev' });
    expect(removal.claims).toEqual(['db-dev/data-db-*', 'db-dev/wal-db-*', 'db-dev/uploads']);
    expect(removal.message).toContain('Namespace db-dev is removed: deleting it deletes everything in it (3 object(s) of the output');
  });

  it('compares within one environment: the namespace kept in production does not keep dev’s', () => {
    expect(removedNamespaces(previous, previous)).toEqual([]);
    expect(
      removedNamespaces(
        previous,
        previous.filter((d) => d.environment === 'dev'),
      ).map((r) => `${r.environment}/${r.namespace}`),
    ).toEqual(['production/db-production']);
  });
});

describe('renamedObjects', () => {
  it('a StatefulSet under a new name in the same file leaves its claims behind', () => {
    const previous = [doc('db/namespace.yaml', namespace('db-dev')), doc('db/statefulset.yaml', statefulSet('db', 'db-dev', ['data']))];
    const current = [doc('db/namespace.yaml', namespace('db-dev')), doc('db/statefulset.yaml', statefulSet('pg', 'db-dev', ['data']))];
    const [rename] = renamedObjects(previous, current);
    expect(rename.message).toBe(
      'StatefulSet db-dev/db is renamed to StatefulSet db-dev/pg: a new object is created and the old one deleted (pruned), not updated; the new one claims new volumes: db-dev/data-db-* and their data are left behind (deleted where the reclaim policy is Delete, once the claims are)',
    );
    expect(rename.claims).toEqual(['db-dev/data-db-*']);
  });

  it('an object of another kind in the file, an unchanged name, or a rename inside a removed namespace is no rename', () => {
    const previous = [doc('db/namespace.yaml', namespace('db-dev')), doc('db/x.yaml', configMap('a', 'db-dev')), doc('db/y.yaml', configMap('b', 'db-dev'))];
    expect(renamedObjects(previous, [...previous.slice(0, 2), doc('db/y.yaml', claim('c', 'db-dev'))])).toEqual([]);
    expect(renamedObjects(previous, previous)).toEqual([]);
    // The namespace itself renamed: its removal says it all.
    expect(renamedObjects(previous, [doc('db/namespace.yaml', namespace('pg-dev')), doc('db/x.yaml', configMap('a', 'pg-dev'))])).toEqual([
      expect.objectContaining({ what: 'rename', message: expect.stringMatching(/^Namespace db-dev is renamed to Namespace pg-dev/) }),
    ]);
  });
});
