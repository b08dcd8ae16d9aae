/**
 * Databases and caches: the PostgreSQL and Redis the applications depend on, from their exporters
 * (jobs postgresql and redis) and the blackbox TCP probes of their addresses, per data store (the
 * `data_store` label, the dependency's name). Its own variable, `$data_store`, instead of the
 * applications': these series belong to no application.
 */
import type { DashboardDefinition } from './dashboard';
import type { TemplateVariable } from './model';
import { stat, thresholds, timeseries, valueMapping } from './panels';
import { legend } from './promql';
import { datasourceVariable, queryVariable } from './templating';

const STORE = 'data_store=~"$data_store"';
const BY_STORE = 'data_store';
const ACTIVE = `${STORE}, state="active"`;

/** The variables of this dashboard: the data source, and the data stores to show. */
function dataStoreVariables(): TemplateVariable[] {
  const query = 'label_values(up{job=~"postgresql|redis"}, data_store)';
  return [datasourceVariable(), queryVariable('data_store', 'Data store', query)];
}

/** A counter's per-second rate, summed per data store. */
function perSecond(metric: string, matchers = STORE): string {
  return `sum by (${BY_STORE}) (rate(${metric}{${matchers}}[$__rate_interval]))`;
}

export function dataStoresDashboard(): DashboardDefinition & { variables: TemplateVariable[] } {
  const upMapping = valueMapping({ 0: ['down', 'red'], 1: ['up', 'green'] });
  return {
    uid: 'platform-data-stores',
    title: 'Databases and caches',
    description: 'The PostgreSQL and Redis the applications depend on: reachability, connections, transactions, slow queries, replication, memory, evictions and hit rate.',
    tags: ['postgresql', 'redis', 'data-stores'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    variables: dataStoreVariables(),
    sections: [
      {
        title: 'Reachability',
        panels: [
          stat({
            title: 'Exporter logged in',
            description: 'Whether each exporter could log in to its data store at its last scrape (pg_up, redis_up).',
            queries: [{ expr: `max by (${BY_STORE}) (pg_up{${STORE}}) or max by (${BY_STORE}) (redis_up{${STORE}})`, legend: legend(BY_STORE) }],
            unit: 'none',
            mappings: [upMapping],
            thresholds: thresholds('red', [1, 'green']),
            colorMode: 'background',
            width: 8,
          }),
          stat({
            title: 'TCP probe',
            description: 'Whether blackbox-exporter could open a TCP connection to each data store’s address (tcp_connect).',
            queries: [{ expr: `max by (${BY_STORE}) (probe_success{job="blackbox-tcp", ${STORE}})`, legend: legend(BY_STORE) }],
            unit: 'none',
            mappings: [upMapping],
            thresholds: thresholds('red', [1, 'green']),
            colorMode: 'background',
            width: 8,
          }),
          timeseries({
            title: 'TCP connect time',
            description: 'How long the probe took to connect: a slow network path, or a saturated server.',
            queries: [{ expr: `max by (${BY_STORE}) (probe_duration_seconds{job="blackbox-tcp", ${STORE}})`, legend: legend(BY_STORE) }],
            unit: 's',
            width: 8,
          }),
        ],
      },
      {
        title: 'PostgreSQL',
        panels: [
          timeseries({
            title: 'Connections in use',
            description: 'Connections in use relative to those the applications may open (max_connections less the superuser reserve); the alerts warn at 90% and page at 95%.',
            queries: [
              {
                expr: `sum by (${BY_STORE}) (pg_stat_activity_count{${STORE}}) / on (${BY_STORE}) (max by (${BY_STORE}) (pg_settings_max_connections{${STORE}}) - max by (${BY_STORE}) (pg_settings_superuser_reserved_connections{${STORE}}))`,
                legend: legend(BY_STORE),
              },
            ],
            unit: 'percentunit',
            max: 1,
            thresholds: thresholds('green', [0.9, 'orange'], [0.95, 'red']),
            thresholdLines: true,
          }),
          timeseries({
            title: 'Transactions',
            description: 'Commits and rollbacks per second.',
            queries: [
              { expr: perSecond('pg_stat_database_xact_commit'), legend: `${legend(BY_STORE)} commits` },
              { expr: perSecond('pg_stat_database_xact_rollback'), legend: `${legend(BY_STORE)} rollbacks` },
            ],
            unit: 'short',
          }),
          timeseries({
            title: 'Longest active transaction',
            description: 'Age of the oldest active transaction per database: sustained values above 1 s are slow queries or lock waits.',
            queries: [{ expr: `max by (${BY_STORE}, datname) (pg_stat_activity_max_tx_duration{${ACTIVE}})`, legend: legend(`${BY_STORE}, datname`) }],
            unit: 's',
            thresholds: thresholds('green', [1, 'orange']),
            thresholdLines: true,
            width: 8,
          }),
          timeseries({
            title: 'Buffer cache hit ratio',
            description: 'Share of block reads served from PostgreSQL’s shared buffers.',
            queries: [
              {
                expr: `${perSecond('pg_stat_database_blks_hit')} / (${perSecond('pg_stat_database_blks_hit')} + ${perSecond('pg_stat_database_blks_read')})`,
                legend: legend(BY_STORE),
              },
            ],
            unit: 'percentunit',
            max: 1,
            includeZero: false,
            width: 8,
          }),
          timeseries({
            title: 'Replication lag',
            description: 'How far each replica is behind its primary (0 on a primary).',
            queries: [{ expr: `max by (${BY_STORE}) (pg_replication_lag_seconds{${STORE}})`, legend: legend(BY_STORE) }],
            unit: 's',
            width: 8,
          }),
        ],
      },
      {
        title: 'Redis',
        panels: [
          timeseries({
            title: 'Memory used / maxmemory',
            description: 'Memory used relative to maxmemory (where it is set): at 100% Redis evicts keys or refuses writes.',
            queries: [{ expr: `max by (${BY_STORE}) (redis_memory_used_bytes{${STORE}}) / max by (${BY_STORE}) (redis_memory_max_bytes{${STORE}} > 0)`, legend: legend(BY_STORE) }],
            unit: 'percentunit',
            max: 1,
            thresholds: thresholds('green', [0.9, 'orange']),
            thresholdLines: true,
          }),
          timeseries({
            title: 'Hit rate',
            description: 'Share of key lookups that found a key; the alert fires below 50% for 10 minutes.',
            queries: [{ expr: `${perSecond('redis_keyspace_hits_total')} / (${perSecond('redis_keyspace_hits_total')} + ${perSecond('redis_keyspace_misses_total')})`, legend: legend(BY_STORE) }],
            unit: 'percentunit',
            max: 1,
            thresholds: thresholds('red', [0.5, 'green']),
            thresholdLines: true,
          }),
          timeseries({
            title: 'Evictions and expirations',
            description: 'Keys evicted (memory full) and expired (TTL) per second.',
            queries: [
              { expr: perSecond('redis_evicted_keys_total'), legend: `${legend(BY_STORE)} evicted` },
              { expr: perSecond('redis_expired_keys_total'), legend: `${legend(BY_STORE)} expired` },
            ],
            unit: 'short',
            width: 8,
          }),
          timeseries({
            title: 'Commands',
            description: 'Commands processed per second.',
            queries: [{ expr: perSecond('redis_commands_processed_total'), legend: legend(BY_STORE) }],
            unit: 'short',
            width: 8,
          }),
          timeseries({
            title: 'Clients',
            description: 'Connected clients, with maxclients (dashed).',
            queries: [
              { expr: `max by (${BY_STORE}) (redis_connected_clients{${STORE}})`, legend: `${legend(BY_STORE)} connected` },
              { expr: `max by (${BY_STORE}) (redis_config_maxclients{${STORE}})`, legend: `${legend(BY_STORE)} max` },
            ],
            unit: 'short',
            dashedSeries: ' max$',
            width: 8,
          }),
        ],
      },
    ],
  };
}
