/**
 * Cases of the data store alerts (lib/monitoring/rules/data-stores.ts), with series as postgres_exporter,
 * redis_exporter and blackbox-exporter expose them, labelled by the scrape jobs (job, data_store).
 */
import { type AlertSpec, selector } from '../promtool';
import { percent } from './format';

const postgres = { job: 'postgresql', instance: 'postgres-exporter-orders-db.monitoring.svc:9187', data_store: 'orders-db' };
const redis = { job: 'redis', instance: 'redis-exporter-cache.monitoring.svc:9121', data_store: 'cache' };
const server = { server: 'orders-db.data.internal:5432' };
const orders = { data_store: 'orders-db' };
const cache = { data_store: 'cache' };

/** max_connections 100, 3 reserved for superusers: `active` and `idle` connections to database orders. */
function connections(active: number, idle: number): Record<string, string> {
  const activity = (state: string, count: number) => [selector('pg_stat_activity_count', { ...postgres, ...server, datname: 'orders', state }), `${count}x20`];
  return {
    ...Object.fromEntries([activity('active', active), activity('idle', idle), activity('idle in transaction', 0)]),
    [selector('pg_settings_max_connections', { ...postgres, ...server })]: '100x20',
    [selector('pg_settings_superuser_reserved_connections', { ...postgres, ...server })]: '3x20',
  };
}

function connectionSpec(
  alertname: string,
  priority: 'P0' | 'P1',
  threshold: (t: Parameters<AlertSpec['cases']>[0]) => number,
  duration: (t: Parameters<AlertSpec['cases']>[0]) => string,
  consequence: string,
  busy: [number, string],
  calm: number,
): AlertSpec {
  const [count, share] = busy;
  return {
    alertname,
    priority,
    component: 'database',
    cases: (t) => [
      {
        name: `fires with ${count} of 97 usable connections in use`,
        series: connections(count - 10, 10),
        evalTime: '10m',
        fires: [
          {
            labels: orders,
            summary: `PostgreSQL orders-db uses ${share} of its connections`,
            description: `PostgreSQL data store orders-db has had ${share} of its connections in use, above ${percent(threshold(t))}, for ${duration(t)}: ${consequence}`,
          },
        ],
      },
      { name: `is silent with ${calm} connections in use`, series: connections(calm - 10, 10), evalTime: '10m', fires: [] },
    ],
  };
}

export const dataStoreSpecs: AlertSpec[] = [
  {
    alertname: 'DataStoreUnreachable',
    priority: 'P0',
    component: 'database',
    cases: (t) => {
      const probe = { job: 'blackbox-tcp', instance: 'orders-db.data.internal:5432', data_store: 'orders-db', kind: 'postgresql' };
      return [
        {
          name: 'fires when the TCP probe fails for 1m',
          series: { [selector('probe_success', probe)]: '1 0x5' },
          evalTime: '4m',
          fires: [
            {
              labels: { data_store: 'orders-db', kind: 'postgresql', instance: 'orders-db.data.internal:5432' },
              summary: 'Data store orders-db (postgresql) does not accept connections',
              description: `blackbox-exporter has not been able to open a TCP connection to data store orders-db at orders-db.data.internal:5432 for ${t.dataStoreDownFor}: the applications that depend on it fail.`,
            },
          ],
        },
        { name: 'is silent while the probe succeeds', series: { [selector('probe_success', probe)]: '1x5' }, evalTime: '4m', fires: [] },
        { name: 'is silent on failing HTTP probes', series: { [selector('probe_success', { job: 'blackbox-http', instance: 'https://shop.example.com/' })]: '0x5' }, evalTime: '4m', fires: [] },
      ];
    },
  },
  {
    alertname: 'PostgreSQLDown',
    priority: 'P0',
    component: 'database',
    cases: (t) => [
      {
        name: 'fires when the exporter cannot log in for 1m',
        series: { [selector('pg_up', postgres)]: '1 0x5' },
        evalTime: '4m',
        fires: [
          {
            labels: orders,
            summary: 'PostgreSQL orders-db is down',
            description: `postgres_exporter has not been able to log in to PostgreSQL data store orders-db for ${t.dataStoreDownFor}: the server is down, refuses connections, or the exporter's credentials are wrong (its logs say which).`,
          },
        ],
      },
      { name: 'is silent while it is up', series: { [selector('pg_up', postgres)]: '1x5' }, evalTime: '4m', fires: [] },
    ],
  },
  connectionSpec(
    'PostgreSQLHighConnections',
    'P1',
    (t) => t.connectionsWarningRatio,
    (t) => t.connectionsWarningFor,
    'new connections will soon be refused; look for connection leaks and pool sizes.',
    [90, '92.78%'],
    80,
  ),
  connectionSpec(
    'DatabaseConnectionPoolExhausted',
    'P0',
    (t) => t.connectionsCriticalRatio,
    (t) => t.connectionsCriticalFor,
    'the applications are about to be refused connections.',
    [95, '97.94%'],
    90,
  ),
  {
    alertname: 'PostgreSQLSlowQueries',
    priority: 'P1',
    component: 'database',
    cases: (t) => {
      const duration = (state: string) => selector('pg_stat_activity_max_tx_duration', { ...postgres, ...server, datname: 'orders', state });
      return [
        {
          name: 'fires when an active transaction stays older than the threshold',
          series: { [duration('active')]: '3x10' },
          evalTime: '8m',
          fires: [
            {
              labels: { ...orders, datname: 'orders' },
              summary: 'PostgreSQL orders-db runs slow queries in orders',
              description: `An active transaction in database orders of data store orders-db has been running for more than ${t.slowQuerySeconds}s at every evaluation for ${t.slowQueryFor} (now 3s): slow queries or locks (pg_stat_activity).`,
            },
          ],
        },
        { name: 'is silent on idle transactions and short queries', series: { [duration('idle in transaction')]: '600x10', [duration('active')]: '0 3 0 0 0 3 0 0 0 0' }, evalTime: '8m', fires: [] },
      ];
    },
  },
  {
    alertname: 'PostgreSQLReplicationLag',
    priority: 'P1',
    component: 'database',
    cases: (t) => [
      {
        name: 'fires on a replica 2 minutes behind',
        series: { [selector('pg_replication_lag_seconds', { ...postgres, ...server })]: '120x10' },
        evalTime: '8m',
        fires: [
          {
            labels: orders,
            summary: 'PostgreSQL replica orders-db lags 2m 0s behind',
            description: `The replica data store orders-db has been more than ${t.replicationLagSeconds}s behind its primary for ${t.replicationLagFor} (2m 0s): reads from it are stale, and a failover would lose that much.`,
          },
        ],
      },
      { name: 'is silent on a replica in sync (and on a primary: 0)', series: { [selector('pg_replication_lag_seconds', { ...postgres, ...server })]: '1x10' }, evalTime: '8m', fires: [] },
    ],
  },
  {
    alertname: 'RedisDown',
    priority: 'P0',
    component: 'database',
    cases: (t) => [
      {
        name: 'fires when the exporter cannot reach Redis for 1m',
        series: { [selector('redis_up', redis)]: '1 0x5' },
        evalTime: '4m',
        fires: [
          {
            labels: cache,
            summary: 'Redis cache is down',
            description: `redis_exporter has not been able to reach Redis data store cache for ${t.dataStoreDownFor}: the server is down, refuses connections, or the exporter's password is wrong (its logs say which).`,
          },
        ],
      },
      { name: 'is silent while it is up', series: { [selector('redis_up', redis)]: '1x5' }, evalTime: '4m', fires: [] },
    ],
  },
  {
    alertname: 'RedisOutOfMemory',
    priority: 'P1',
    component: 'database',
    cases: (t) => {
      const memory = (used: number, max: number) => ({ [selector('redis_memory_used_bytes', redis)]: `${used}x10`, [selector('redis_memory_max_bytes', redis)]: `${max}x10` });
      return [
        {
          name: 'fires at 95% of maxmemory',
          series: memory(95e6, 100e6),
          evalTime: '8m',
          fires: [
            {
              labels: cache,
              summary: 'Redis cache uses 95% of its maxmemory',
              description: `Redis data store cache has used more than ${percent(t.redisMemoryRatio)} of its maxmemory for ${t.redisMemoryFor} (95%): at the limit it evicts keys or refuses writes (maxmemory-policy).`,
            },
          ],
        },
        { name: 'is silent at half of maxmemory', series: memory(50e6, 100e6), evalTime: '8m', fires: [] },
        { name: 'is silent without maxmemory (0: no limit)', series: memory(5e9, 0), evalTime: '8m', fires: [] },
      ];
    },
  },
  {
    alertname: 'RedisEvictingKeys',
    priority: 'P2',
    component: 'database',
    cases: (t) => [
      {
        name: 'fires when keys are evicted for 5m',
        series: { [selector('redis_evicted_keys_total', redis)]: '0+60x15' },
        evalTime: '12m',
        fires: [
          {
            labels: cache,
            summary: 'Redis cache evicts keys',
            description: `Redis data store cache has been evicting keys for ${t.redisEvictionsFor} (1 per second): it is full, and cached data is dropped before it expires.`,
          },
        ],
      },
      { name: 'is silent without evictions', series: { [selector('redis_evicted_keys_total', redis)]: '7x15' }, evalTime: '12m', fires: [] },
    ],
  },
  {
    alertname: 'RedisLowHitRate',
    priority: 'P2',
    component: 'database',
    cases: (t) => {
      const lookups = (hits: number, misses: number) => ({ [selector('redis_keyspace_hits_total', redis)]: `0+${hits}x30`, [selector('redis_keyspace_misses_total', redis)]: `0+${misses}x30` });
      return [
        {
          name: 'fires at a 25% hit rate for 10m',
          series: lookups(60, 180),
          evalTime: '20m',
          fires: [
            {
              labels: cache,
              summary: 'Redis cache hits only 25% of its lookups',
              description: `Only 25% of the key lookups of Redis data store cache found a key over the last 5 minutes, below ${percent(t.cacheHitRatio)} for ${t.cacheHitRatioFor}: the cache does little, and its callers fall through to the database.`,
            },
          ],
        },
        { name: 'is silent at a 90% hit rate', series: lookups(540, 60), evalTime: '20m', fires: [] },
        { name: 'is silent without lookups', series: lookups(0, 0), evalTime: '20m', fires: [] },
      ];
    },
  },
];
