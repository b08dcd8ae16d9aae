/**
 * Data store alerts: the PostgreSQL and Redis the applications depend on (lib/monitoring/data-stores/),
 * from their exporters (postgres_exporter, redis_exporter: jobs `postgresql` and `redis`) and the
 * blackbox TCP probe of their addresses (job `blackbox-tcp`). Every series carries `data_store`, the
 * dependency's name. Names are the exporters' mixins' where they have one (postgres_exporter's
 * postgres-mixin: PostgreSQLDown, PostgreSQLHighConnections, PostgreSQLSlowQueries; redis_exporter's:
 * RedisDown, RedisOutOfMemory), the documents' otherwise (DatabaseConnectionPoolExhausted), at the
 * documents' thresholds: connections above 90% for 5m (P1) and above 95% for 2m (P0), slow queries
 * over 1 s for 5m, a cache hit rate below 50% for 10m. Routed to the database team.
 */
import { type AlertGroupDefinition, percent } from './model';
import type { AlertThresholds } from './thresholds';

const store = 'data store {{ $labels.data_store }}';
const Store = 'Data store {{ $labels.data_store }}';

/** Connections in use over those the applications may open (max_connections less the superuser reserve). */
const connectionsUsed = 'sum by (data_store) (pg_stat_activity_count) / on (data_store) (max by (data_store) (pg_settings_max_connections) - max by (data_store) (pg_settings_superuser_reserved_connections))';

function connections(alert: string, priority: 'P0' | 'P1', threshold: number, forDuration: string, consequence: string) {
  return {
    alert,
    priority,
    expr: `${connectionsUsed} > ${threshold}`,
    for: forDuration,
    summary: `PostgreSQL {{ $labels.data_store }} uses {{ $value | humanizePercentage }} of its connections`,
    description: `PostgreSQL ${store} has had {{ $value | humanizePercentage }} of its connections in use, above ${percent(threshold)}, for ${forDuration}: ${consequence}`,
  };
}

export const dataStoreAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.data-stores.alerts',
  component: 'database',
  alerts: (t) => [
    {
      alert: 'DataStoreUnreachable',
      priority: 'P0',
      expr: 'max by (data_store, kind, instance) (probe_success{job="blackbox-tcp"}) == 0',
      for: t.dataStoreDownFor,
      summary: `${Store} ({{ $labels.kind }}) does not accept connections`,
      description: `blackbox-exporter has not been able to open a TCP connection to ${store} at {{ $labels.instance }} for ${t.dataStoreDownFor}: the applications that depend on it fail.`,
    },
    {
      alert: 'PostgreSQLDown',
      priority: 'P0',
      expr: 'max by (data_store) (pg_up) == 0',
      for: t.dataStoreDownFor,
      summary: 'PostgreSQL {{ $labels.data_store }} is down',
      description: `postgres_exporter has not been able to log in to PostgreSQL ${store} for ${t.dataStoreDownFor}: the server is down, refuses connections, or the exporter's credentials are wrong (its logs say which).`,
    },
    connections('PostgreSQLHighConnections', 'P1', t.connectionsWarningRatio, t.connectionsWarningFor, 'new connections will soon be refused; look for connection leaks and pool sizes.'),
    connections('DatabaseConnectionPoolExhausted', 'P0', t.connectionsCriticalRatio, t.connectionsCriticalFor, 'the applications are about to be refused connections.'),
    {
      alert: 'PostgreSQLSlowQueries',
      priority: 'P1',
      expr: `max by (data_store, datname) (pg_stat_activity_max_tx_duration{state="active", datname!~"template.*"}) > ${t.slowQuerySeconds}`,
      for: t.slowQueryFor,
      summary: 'PostgreSQL {{ $labels.data_store }} runs slow queries in {{ $labels.datname }}',
      description: `An active transaction in database {{ $labels.datname }} of ${store} has been running for more than ${t.slowQuerySeconds}s at every evaluation for ${t.slowQueryFor} (now {{ $value | humanizeDuration }}): slow queries or locks (pg_stat_activity).`,
    },
    {
      alert: 'PostgreSQLReplicationLag',
      priority: 'P1',
      expr: `max by (data_store) (pg_replication_lag_seconds) > ${t.replicationLagSeconds}`,
      for: t.replicationLagFor,
      summary: 'PostgreSQL replica {{ $labels.data_store }} lags {{ $value | humanizeDuration }} behind',
      description: `The replica ${store} has been more than ${t.replicationLagSeconds}s behind its primary for ${t.replicationLagFor} ({{ $value | humanizeDuration }}): reads from it are stale, and a failover would lose that much.`,
    },
    {
      alert: 'RedisDown',
      priority: 'P0',
      expr: 'max by (data_store) (redis_up) == 0',
      for: t.dataStoreDownFor,
      summary: 'Redis {{ $labels.data_store }} is down',
      description: `redis_exporter has not been able to reach Redis ${store} for ${t.dataStoreDownFor}: the server is down, refuses connections, or the exporter's password is wrong (its logs say which).`,
    },
    {
      alert: 'RedisOutOfMemory',
      priority: 'P1',
      // Only where maxmemory is set: without it Redis grows until the node's memory limit.
      expr: `max by (data_store) (redis_memory_used_bytes) / max by (data_store) (redis_memory_max_bytes > 0) > ${t.redisMemoryRatio}`,
      for: t.redisMemoryFor,
      summary: 'Redis {{ $labels.data_store }} uses {{ $value | humanizePercentage }} of its maxmemory',
      description: `Redis ${store} has used more than ${percent(t.redisMemoryRatio)} of its maxmemory for ${t.redisMemoryFor} ({{ $value | humanizePercentage }}): at the limit it evicts keys or refuses writes (maxmemory-policy).`,
    },
    {
      alert: 'RedisEvictingKeys',
      priority: 'P2',
      expr: 'sum by (data_store) (rate(redis_evicted_keys_total[5m])) > 0',
      for: t.redisEvictionsFor,
      summary: 'Redis {{ $labels.data_store }} evicts keys',
      description: `Redis ${store} has been evicting keys for ${t.redisEvictionsFor} ({{ $value | humanize }} per second): it is full, and cached data is dropped before it expires.`,
    },
    {
      alert: 'RedisLowHitRate',
      priority: 'P2',
      expr:
        'sum by (data_store) (rate(redis_keyspace_hits_total[5m]))' +
        ' / (sum by (data_store) (rate(redis_keyspace_hits_total[5m])) + sum by (data_store) (rate(redis_keyspace_misses_total[5m])))' +
        ` < ${t.cacheHitRatio}`,
      for: t.cacheHitRatioFor,
      summary: 'Redis {{ $labels.data_store }} hits only {{ $value | humanizePercentage }} of its lookups',
      description: `Only {{ $value | humanizePercentage }} of the key lookups of Redis ${store} found a key over the last 5 minutes, below ${percent(t.cacheHitRatio)} for ${t.cacheHitRatioFor}: the cache does little, and its callers fall through to the database.`,
    },
  ],
};
