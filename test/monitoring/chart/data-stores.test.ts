/**
 * The data stores the applications depend on (lib/monitoring/data-stores/): derived once per
 * environment from the dependencies with a kind, refused with the path of the declaration that
 * disagrees, watched only where an application depends on them, and rendered by Helm 3 and 4 as in
 * the plain manifests in every environment (a data store of one environment only is in every
 * release's values, unmonitored elsewhere).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../../charts/platform';
import { withoutHelmOnly, withoutPlainOnly } from '../../helm/helm-only';
import { type K8sObject, distDir, sortObjects } from '../../support/dist';
import { helm, helmTemplate, helmVersions } from '../../support/helm';
import { synthProblems, valuesCopyWith } from '../../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('a data store named by two applications', () => {
  it('is refused where the second declares it otherwise, with file and line', () => {
    // api names worker's Redis too, at another port.
    const values = valuesCopyWith(roots, 'base.yaml', (text) =>
      text.replace(
        '            database: shop\n',
        '            database: shop\n        - { name: redis, kind: redis, host: redis.data.svc, port: 6380, namespaceLabels: { kubernetes.io/metadata.name: data }, podLabels: { app.kubernetes.io/name: redis } }\n',
      ),
    );
    const lines = readFileSync(join(values, 'base.yaml'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('port: 6379') && lines.slice(0, lines.indexOf(l)).some((p) => p.includes('  worker:'))) + 1;
    const problems = synthProblems(values);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/values-copy-[^/]+\/values\/base\.yaml:/);
    expect(problems[0].slice(problems[0].indexOf('base.yaml:'))).toBe(
      `base.yaml:${line}:11: applications.worker.networkPolicy.dependencies[1].port: data store redis is declared by api with port 6380: every application that names a data store declares it alike`,
    );
  });

  it('is written once when the declarations agree, with both applications', () => {
    const values = valuesCopyWith(roots, 'base.yaml', (text) =>
      text.replace(
        '            database: shop\n',
        '            database: shop\n        - { name: redis, kind: redis, host: redis.data.svc, port: 6379, namespaceLabels: { kubernetes.io/metadata.name: data }, podLabels: { app.kubernetes.io/name: redis }, exporter: { credentialsSecret: { name: redis-exporter, passwordKey: password } } }\n',
      ),
    );
    const files = synthesize({ valuesDir: values });
    const chartValues = parse(files.get('helm/monitoring/values.yaml')!) as { dataStores: { redis: Record<string, { applications: string[] }> } };
    expect(Object.keys(chartValues.dataStores.redis)).toEqual(['redis']);
    expect(chartValues.dataStores.redis.redis.applications).toEqual(['api', 'worker']);
    expect([...files.keys()].filter((path) => path.startsWith('manifests/dev/monitoring/redis-exporter-'))).toEqual([
      'manifests/dev/monitoring/redis-exporter-redis-deployment.yaml',
      'manifests/dev/monitoring/redis-exporter-redis-service.yaml',
    ]);
  });

  it('is refused when written under monitoring by hand', () => {
    const values = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}  dataStores: { redis: {} }\n`);
    expect(synthProblems(values).join('\n')).toMatch(
      /dev\.yaml:\d+:\d+: monitoring\.dataStores: derived by synth from the applications' values \(networkPolicy\.dependencies with a kind\): not written under monitoring/,
    );
  });
});

describe('a data store of one environment only', () => {
  // web depends on a Redis for sessions in production only.
  const values = valuesCopyWith(roots, 'production.yaml', (text) =>
    text.replace(
      '  worker:\n    backups:',
      '  web:\n    networkPolicy:\n      dependencies:\n        - { app: api, port: http }\n        - { name: sessions, kind: redis, host: 10.40.0.7, port: 6379, cidr: 10.40.0.0/24 }\n  worker:\n    backups:',
    ),
  );
  const files = synthesize({ valuesDir: values });
  const plain = (env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);

  it('is watched there, and only there', () => {
    const names = (env: string) =>
      plain(env)
        .filter((o) => o.metadata.name.includes('sessions'))
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort();
    expect(names('production')).toEqual(['Deployment/redis-exporter-sessions', 'NetworkPolicy/redis-exporter-sessions', 'Service/redis-exporter-sessions']);
    expect(names('staging')).toEqual([]);
    const config = (env: string) => (plain(env).find((o) => o.metadata.name === 'prometheus-config') as K8sObject & { data: Record<string, string> }).data['prometheus.yml'];
    expect(config('production')).toContain('"10.40.0.7:6379"');
    expect(config('staging')).not.toContain('sessions');
    // A Redis without credentials: its exporter connects without a password.
    const exporter = plain('production').find((o) => o.kind === 'Deployment' && o.metadata.name === 'redis-exporter-sessions') as K8sObject & {
      spec: { template: { spec: { containers: Array<{ env: unknown }> } } };
    };
    expect(exporter.spec.template.spec.containers[0].env).toEqual([{ name: 'REDIS_ADDR', value: 'redis://10.40.0.7:6379' }]);
  });

  it.each(helmVersions)('renders every environment like the plain manifests with $label', ({ binary }) => {
    const dir = mkdtempSync(join(tmpdir(), 'monitoring-chart-'));
    roots.push(dir);
    for (const [path, text] of files) {
      if (!path.startsWith('helm/monitoring/')) continue;
      const target = join(dir, path.slice('helm/monitoring/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    for (const env of ['dev', 'staging', 'production']) {
      const rendered = helmTemplate(binary, ['monitoring', dir, '-f', join(dir, `values-${env}.yaml`), '-n', 'monitoring']) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered)), env).toEqual(sortObjects(withoutPlainOnly(plain(env))));
    }
  });
});

describe('a data store given to the chart by hand', () => {
  // What synth refuses of a dependency (lib/values/app-rules.ts), the chart refuses of dataStores: with
  // neither a network nor labelled namespaces, the exporter's and the probe's NetworkPolicies would
  // admit every namespace (an empty namespaceSelector).
  const chart = join(distDir, 'helm', 'monitoring');
  const ONE_ADDRESS = 'expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster, not empty: no labels would select every namespace)';
  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each([
      ['its network removed (--set ...cidr=null)', ['--set', 'dataStores.postgresql.orders-db.cidr=null'], `dataStores.postgresql.orders-db: ${ONE_ADDRESS}`],
      ['its namespace labels removed', ['--set', 'dataStores.redis.redis.namespaceLabels=null'], `dataStores.redis.redis: ${ONE_ADDRESS}`],
      [
        'empty namespace labels instead of its network',
        ['--set', 'dataStores.postgresql.postgresql.cidr=null', '--set-json', 'dataStores.postgresql.postgresql.namespaceLabels={}'],
        `dataStores.postgresql.postgresql: ${ONE_ADDRESS}`,
      ],
      ['a network and namespace labels', ['--set', 'dataStores.redis.redis.cidr=10.9.0.0/16'], `dataStores.redis.redis: ${ONE_ADDRESS}`],
      ['pod labels beside a network', ['--set', 'dataStores.postgresql.orders-db.podLabels.app=db'], 'dataStores.postgresql.orders-db.podLabels: podLabels only apply with namespaceLabels'],
    ])('refuses %s', (_name, args, message) => {
      const result = helm(binary, ['template', 'monitoring', chart, '-f', join(chart, 'values-production.yaml'), '-n', 'monitoring', ...args]);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).toContain(message);
    });
  });
});
