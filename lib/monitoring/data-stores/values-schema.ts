/**
 * Data stores the platform depends on (PostgreSQL, Redis), in two places of the values:
 * - in an application's values, a dependency (`networkPolicy.dependencies[]`) gains `kind` and
 *   `exporter`: the monitoring stack then runs that kind's exporter against the dependency's address
 *   (`host`:`port`), probes the address with blackbox-exporter's `tcp_connect` module and alerts on both
 *   (lib/monitoring/rules/data-stores.ts);
 * - in the monitoring chart's values, `dataStores.<kind>.<name>`: what synth derives from those
 *   dependencies (lib/monitoring/data-stores/derive.ts), written once, as the applications are.
 * A data store is known by the dependency's `name`: two applications that name the same data store
 * must declare it alike (synth says where they differ).
 */
import { Type } from '@sinclair/typebox';
import { keyedMap, labelMap } from '../../values/kubernetes-names';
import { int, patterns, str } from '../../values/schema-primitives';

const closed = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });
const secretKey = (description: string) => str(description, '^[-._a-zA-Z0-9]+$', { maxLength: 253 });

/** The kinds of data store the stack has an exporter for. */
const DATA_STORE_KINDS = ['postgresql', 'redis'] as const;
export type DataStoreKind = (typeof DATA_STORE_KINDS)[number];

/** libpq's sslmode values (PostgreSQL documentation, "Protection Provided in Different Modes"). */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/**
 * A data store's name is part of its exporter's objects' names (`postgres-exporter-<name>`, the longer
 * prefix): at most 63 - 18 characters, so that they stay DNS labels.
 */
export const EXPORTER_PREFIX: Readonly<Record<DataStoreKind, string>> = { postgresql: 'postgres-exporter-', redis: 'redis-exporter-' };
export const MAX_DATA_STORE_NAME = 63 - Math.max(...Object.values(EXPORTER_PREFIX).map((prefix) => prefix.length));

const CredentialsSecret = Type.Object(
  {
    name: str('An existing Secret in the monitoring namespace (the exporter runs there; never created by the charts).', patterns.dnsSubdomain),
    usernameKey: Type.Optional(secretKey('Key of the user name (required for postgresql; for redis, an ACL user).')),
    passwordKey: secretKey('Key of the password.'),
  },
  { ...closed, description: 'The exporter’s credentials: a read-only monitoring user (PostgreSQL: a member of pg_monitor).' },
);

const Exporter = Type.Object(
  {
    credentialsSecret: Type.Optional(CredentialsSecret),
    database: Type.Optional(str('postgresql: the database the exporter connects to (default postgres).', '^[A-Za-z_][A-Za-z0-9_$-]{0,62}$')),
    sslMode: Type.Optional(oneOf(SSL_MODES, 'postgresql: sslmode of the exporter’s connection (default require).')),
  },
  { ...closed, description: 'How the monitoring stack’s exporter logs in (with kind).' },
);

/** The fields a dependency gains (lib/values/schema.ts spreads them into its Dependency). */
export const dataStoreDependencyFields = {
  kind: Type.Optional(
    oneOf(
      DATA_STORE_KINDS,
      'A data store the monitoring stack watches at host:port: it runs its exporter (postgres_exporter, redis_exporter), probes the address (blackbox tcp_connect) and alerts (README "Alerts"). Needs name, host and a port number; the dependency’s cidr or namespace and pod labels are where the exporter and the probe may connect.',
    ),
  ),
  exporter: Type.Optional(Exporter),
};

/** What every data store has in the monitoring values: derived by synth from the applications' dependencies. */
const storeFields = {
  monitored: Type.Boolean({ description: 'Whether this release watches it (an application depends on it in this environment).' }),
  host: str('Host name or address of the data store.', patterns.dnsSubdomain),
  port: int('Its port.', 1, 65535),
  cidr: Type.Optional(str('Its network, outside the cluster (where the exporter and the probe may connect).', patterns.cidr)),
  namespaceLabels: Type.Optional(labelMap('Labels of its namespace, in the cluster.')),
  podLabels: Type.Optional(labelMap('Labels of its pods, in the cluster.')),
  applications: Type.Array(str('An application.', patterns.dnsLabel), { description: 'The applications that depend on it (for readers).' }),
};

const PostgresqlStore = Type.Object(
  {
    ...storeFields,
    credentialsSecret: Type.Object({ ...CredentialsSecret.properties, usernameKey: secretKey('Key of the user name.') }, { ...closed, description: CredentialsSecret.description }),
    database: str('The database the exporter connects to.', '^[A-Za-z_][A-Za-z0-9_$-]{0,62}$'),
    sslMode: oneOf(SSL_MODES, 'sslmode of the exporter’s connection.'),
  },
  { ...closed, description: 'A PostgreSQL watched by the stack.' },
);

const RedisStore = Type.Object({ ...storeFields, credentialsSecret: Type.Optional(CredentialsSecret) }, { ...closed, description: 'A Redis watched by the stack.' });

const storeKey = Type.String({ pattern: patterns.dnsLabel, maxLength: MAX_DATA_STORE_NAME });

export const DataStoresSchema = Type.Object(
  { postgresql: keyedMap(storeKey, PostgresqlStore, 'The PostgreSQL data stores, by name.'), redis: keyedMap(storeKey, RedisStore, 'The Redis data stores, by name.') },
  { ...closed, description: 'The PostgreSQL and Redis the applications depend on (derived by synth from their networkPolicy.dependencies with a kind; not written in values/).' },
);
