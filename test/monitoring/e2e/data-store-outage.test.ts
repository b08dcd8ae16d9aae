/**
 * End to end, with the real programs on 127.0.0.1: Debian's PostgreSQL 15 (with TLS, as the generated
 * `sslmode=require` asks) and Redis 7, postgres_exporter, redis_exporter and blackbox-exporter started
 * with the generated configuration of production's monitoring manifests (the exporters' arguments and
 * environment from their Deployments, the Secrets they name filled here; blackbox.yml from its
 * ConfigMap), Prometheus with the generated prometheus.yml (the data store jobs) and alert rules,
 * Alertmanager with the generated routing. Only addresses are rewritten to loopback ports, and the
 * scrape and evaluation intervals shortened (2 s and 1 s); labels, relabelling, rules and routes stay as generated.
 * The database and the cache are stopped, and DataStoreUnreachable reaches the pager and the database
 * team's receiver for each, while the exporters' PostgreSQLDown and RedisDown fire and are inhibited.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildAlertmanagerConfig, defaultAlertmanagerValues } from '../../../lib/monitoring/alertmanager-config';
import { type PostgresServer, ownedTempDir, processUser, startPostgres } from '../../backup/postgres-server';
import { type K8sObject, plainObjects } from '../../support/dist';
import { Processes, findBinary, freePort, scratchDir, waitFor } from '../../support/processes';
import { type Delivery, type PrometheusYml, pointReceiversAt, startWebhookReceiver } from './loopback';

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } };
type Container = { args: string[]; env?: EnvVar[] };

const manifests = plainObjects('production', 'monitoring');
const configMap = (name: string) => (manifests.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as K8sObject & { data: Record<string, string> }).data;
const container = (name: string) =>
  (manifests.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as K8sObject & { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0];

/** The data stores run here (production also declares api's PostgreSQL, which is left out). */
const RUNNING = ['orders-db', 'redis'];
const MONITORING_PASSWORD = 'monitoring-e2e-password';
const REDIS_PASSWORD = 'redis-e2e-password';
/** The Secrets the exporters' Deployments name (existing Secrets in the monitoring namespace). */
const secrets: Record<string, Record<string, string>> = {
  'orders-db-exporter': { username: 'monitoring', password: MONITORING_PASSWORD },
  'redis-exporter': { password: REDIS_PASSWORD },
};

/** Every string of a configuration with the cluster addresses replaced by the loopback ones. */
function rewritten<T>(value: T, addresses: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(addresses)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** A container's environment as the kubelet gives it: values as written, secretKeyRefs from `secrets`. */
function environmentOf(c: Container, addresses: Record<string, string>): Record<string, string> {
  const variables = (c.env ?? []).map((v) => [v.name, v.valueFrom ? secrets[v.valueFrom.secretKeyRef.name][v.valueFrom.secretKeyRef.key] : rewritten(v.value ?? '', addresses)]);
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...Object.fromEntries(variables) };
}

/** The container's arguments with its listen address on loopback (`--web.listen-address=:9187`). */
function argsOf(c: Container, port: number, files: Record<string, string> = {}): string[] {
  return c.args.map((arg) => {
    if (arg.startsWith('--web.listen-address=')) return `--web.listen-address=127.0.0.1:${port}`;
    const [flag, value] = arg.split('=');
    return value !== undefined && files[value] ? `${flag}=${files[value]}` : arg;
  });
}

describe('a database and a cache outage, end to end', () => {
  const processes = new Processes();
  let scratch: ReturnType<typeof scratchDir>;
  let postgres: PostgresServer;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let prometheusUrl: string;
  let stoppedAt = 0;

  async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`);
    return body.data.result;
  }
  const logs = () => ['prometheus', 'alertmanager', 'postgres-exporter', 'redis-exporter', 'blackbox-exporter'].map((name) => `--- ${name} ---\n${processes.output(name).slice(-3000)}`).join('\n');

  beforeAll(async () => {
    scratch = scratchDir('data-store-e2e');
    webhook = await startWebhookReceiver();

    // PostgreSQL with TLS (a self-signed certificate: sslmode=require encrypts without verifying) and a
    // monitoring user in pg_monitor, as the exporter's Secret describes it.
    postgres = await startPostgres();
    const tls = ownedTempDir('pg-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(tls, 'server.key'), '-out', join(tls, 'server.crt')], { stdio: 'ignore' });
    chmodSync(join(tls, 'server.key'), 0o600);
    const user = processUser();
    if (user) for (const file of ['server.key', 'server.crt']) chownSync(join(tls, file), user.uid, user.gid);
    await postgres.sql('postgres', `ALTER SYSTEM SET ssl_cert_file = '${join(tls, 'server.crt')}'`);
    await postgres.sql('postgres', `ALTER SYSTEM SET ssl_key_file = '${join(tls, 'server.key')}'`);
    await postgres.sql('postgres', 'ALTER SYSTEM SET ssl = on');
    await postgres.sql('postgres', 'SELECT pg_reload_conf()');
    await postgres.sql('postgres', `CREATE ROLE monitoring LOGIN PASSWORD '${MONITORING_PASSWORD}' IN ROLE pg_monitor`);
    await postgres.sql('postgres', 'CREATE DATABASE orders');

    const redisPort = await freePort();
    processes.start('redis', findBinary('redis-server'), ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', REDIS_PASSWORD, '--maxmemory', '64mb']);

    const [pgExporterPort, redisExporterPort, blackboxPort, prometheusPort, alertmanagerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const addresses = {
      'orders-db.data.internal:5432': `127.0.0.1:${postgres.port}`,
      'redis.data.svc:6379': `127.0.0.1:${redisPort}`,
      'postgres-exporter-orders-db.monitoring.svc:9187': `127.0.0.1:${pgExporterPort}`,
      'redis-exporter-redis.monitoring.svc:9121': `127.0.0.1:${redisExporterPort}`,
      'blackbox-exporter.monitoring.svc:9115': `127.0.0.1:${blackboxPort}`,
    };

    const pgExporter = container('postgres-exporter-orders-db');
    processes.start('postgres-exporter', findBinary('prometheus-postgres-exporter'), argsOf(pgExporter, pgExporterPort), environmentOf(pgExporter, addresses));
    const redisExporter = container('redis-exporter-redis');
    processes.start('redis-exporter', findBinary('prometheus-redis-exporter'), argsOf(redisExporter, redisExporterPort), environmentOf(redisExporter, addresses));
    const blackboxFile = join(scratch.path, 'blackbox.yml');
    writeFileSync(blackboxFile, configMap('blackbox-exporter-config')['blackbox.yml']);
    processes.start('blackbox-exporter', findBinary('prometheus-blackbox-exporter'), argsOf(container('blackbox-exporter'), blackboxPort, { '/etc/blackbox-exporter/blackbox.yml': blackboxFile }));

    const rulesFile = join(scratch.path, 'alerts.yaml');
    writeFileSync(rulesFile, configMap('prometheus-rules')['alerts.yaml']);
    const generated = parse(configMap('prometheus-config')['prometheus.yml']) as PrometheusYml & { global: Record<string, unknown> };
    const jobs = rewritten(generated.scrape_configs, addresses)
      .filter((job) => ['postgresql', 'redis', 'blackbox-tcp'].includes(job.job_name))
      .map((job) => ({ ...job, static_configs: job.static_configs?.filter((s) => RUNNING.includes(s.labels?.data_store ?? '')) }));
    const prometheusYml = {
      // Short intervals for the test: 2 s, since postgres_exporter takes about 1 s to answer while its
      // database is down (the generated 15 s interval and 10 s timeout leave it far more).
      global: { ...generated.global, scrape_interval: '2s', evaluation_interval: '1s' },
      alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
      rule_files: [rulesFile],
      scrape_configs: jobs,
    };
    writeFileSync(join(scratch.path, 'prometheus.yml'), stringify(prometheusYml));
    const alertmanagerYml = pointReceiversAt(buildAlertmanagerConfig(defaultAlertmanagerValues) as Parameters<typeof pointReceiversAt>[0], webhook.url);
    writeFileSync(join(scratch.path, 'alertmanager.yml'), stringify(alertmanagerYml));
    for (const dir of ['alertmanager-data', 'prometheus-data']) mkdirSync(join(scratch.path, dir));
    processes.start('alertmanager', findBinary('alertmanager', 'prometheus-alertmanager'), [
      `--config.file=${join(scratch.path, 'alertmanager.yml')}`,
      `--storage.path=${join(scratch.path, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
      '--cluster.listen-address=',
    ]);
    processes.start('prometheus', findBinary('prometheus'), [
      `--config.file=${join(scratch.path, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(scratch.path, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const ready = (url: string) => async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined);
    await waitFor(`Alertmanager ready\n${logs()}`, ready(`http://127.0.0.1:${alertmanagerPort}`), 20_000);
    await waitFor(`Prometheus ready\n${logs()}`, ready(prometheusUrl), 20_000);
  }, 60_000);

  afterAll(async () => {
    await processes.stopAll();
    if (stoppedAt === 0) await postgres?.stop();
    await webhook?.close();
    scratch?.remove();
  }, 30_000);

  it('scrapes each exporter logged in with the generated environment, and probes each address', async () => {
    const value = async (promql: string) => (await query(promql)).map((r) => `${r.metric.data_store} ${r.value[1]}`).sort();
    await waitFor(
      `both exporters up and both probes succeeding\n${logs()}`,
      async () => {
        const up = [...(await value('pg_up')), ...(await value('redis_up'))];
        const probes = await value('probe_success{job="blackbox-tcp"}');
        return up.join() === 'orders-db 1,redis 1' && probes.join() === 'orders-db 1,redis 1' ? true : undefined;
      },
      30_000,
    );
    // The series the alerts and the dashboard read, from the real exporters, labelled by the generated jobs.
    for (const metric of ['pg_settings_max_connections', 'pg_settings_superuser_reserved_connections', 'pg_stat_activity_count', 'pg_stat_activity_max_tx_duration', 'pg_stat_database_xact_commit']) {
      expect((await query(metric)).length, metric).toBeGreaterThan(0);
      expect(
        (await query(metric)).every((r) => r.metric.job === 'postgresql' && r.metric.data_store === 'orders-db'),
        metric,
      ).toBe(true);
    }
    for (const metric of ['redis_memory_used_bytes', 'redis_memory_max_bytes', 'redis_evicted_keys_total', 'redis_keyspace_hits_total', 'redis_keyspace_misses_total']) {
      expect(await value(metric), metric).toHaveLength(1);
    }
    expect(await value('redis_memory_max_bytes')).toEqual([`redis ${64 * 1024 * 1024}`]);
    // The connection share the pool alerts compare with their thresholds: far below them here.
    const [share] = await query(
      'sum by (data_store) (pg_stat_activity_count) / on (data_store) (max by (data_store) (pg_settings_max_connections) - max by (data_store) (pg_settings_superuser_reserved_connections))',
    );
    expect(Number(share.value[1])).toBeGreaterThan(0);
    expect(Number(share.value[1])).toBeLessThan(0.5);
  }, 40_000);

  it('pages the pager and the database team when the database and the cache stop', async () => {
    stoppedAt = Date.now();
    await Promise.all([postgres.stop(), processes.stop('redis')]);
    const unreachable = (store: string) => (d: Delivery) => d.notification.alerts.some((a) => a.status === 'firing' && a.labels.alertname === 'DataStoreUnreachable' && a.labels.data_store === store);
    const paths = (store: string) => [...new Set(webhook.deliveries.filter(unreachable(store)).map((d) => d.path))].sort();
    await waitFor(`DataStoreUnreachable of both at the pager and the database team\n${logs()}`, async () => (paths('orders-db').length === 2 && paths('redis').length === 2 ? true : undefined), 110_000, 500);
    const seconds = (Date.now() - stoppedAt) / 1000;
    console.info(`DataStoreUnreachable reached the pager and team-database ${seconds.toFixed(1)} s after the data stores stopped`);
    expect(paths('orders-db')).toEqual(['/pager', '/team-database']);
    expect(paths('redis')).toEqual(['/pager', '/team-database']);
    const alert = webhook.deliveries.find(unreachable('orders-db'))!.notification.alerts.find((a) => a.labels.alertname === 'DataStoreUnreachable' && a.labels.data_store === 'orders-db');
    expect(alert?.labels).toEqual({
      alertname: 'DataStoreUnreachable',
      data_store: 'orders-db',
      kind: 'postgresql',
      instance: `127.0.0.1:${postgres.port}`,
      priority: 'P0',
      severity: 'critical',
      component: 'database',
      environment: 'production',
    });
    expect(alert?.annotations.summary).toBe('Data store orders-db (postgresql) does not accept connections');
    // `for: 1m`, then the critical route's 5 s group_wait.
    expect(seconds).toBeGreaterThanOrEqual(60);

    // The exporters see it too: PostgreSQLDown and RedisDown fire, and the unreachable address mutes them.
    const firing = async () => (await query('ALERTS{alertstate="firing", alertname=~"PostgreSQLDown|RedisDown"}')).map((r) => `${r.metric.alertname} ${r.metric.data_store}`).sort();
    await waitFor(`PostgreSQLDown and RedisDown firing\n${logs()}`, async () => ((await firing()).length === 2 ? true : undefined), 20_000);
    expect(await firing()).toEqual(['PostgreSQLDown orders-db', 'RedisDown redis']);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(webhook.deliveries.filter((d) => d.notification.alerts.some((a) => a.status === 'firing' && /^(PostgreSQLDown|RedisDown)$/.test(a.labels.alertname)))).toEqual([]);
  }, 150_000);
});
