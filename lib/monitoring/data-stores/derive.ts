/**
 * The monitoring chart's `dataStores` value of one environment, derived from the applications'
 * dependencies that have a `kind` (values-schema.ts): each data store once, by its name, with the
 * applications that depend on it. The application rules (rules.ts) have checked each dependency alone;
 * here, across applications: a data store named by several must be declared alike, or the exporter
 * and the probe would watch one of two addresses without saying which.
 */
import type { AppValues } from '../../values/schema';
import type { SchemaProblem } from '../../values/schema-check';
import type { DataStoreKind } from './values-schema';

type Dependency = AppValues['networkPolicy']['dependencies'][number];

/** A data store in the monitoring values (`dataStores.<kind>.<name>`). */
interface DataStoreValues {
  monitored: boolean;
  host: string;
  port: number;
  cidr?: string;
  namespaceLabels?: Record<string, string>;
  podLabels?: Record<string, string>;
  credentialsSecret?: { name: string; usernameKey?: string; passwordKey: string };
  database?: string;
  sslMode?: string;
  applications: string[];
}

export type DataStores = Record<DataStoreKind, Record<string, DataStoreValues>>;

/** What a PostgreSQL exporter connects with when the dependency does not say. */
const POSTGRESQL_DEFAULTS = { database: 'postgres', sslMode: 'require' } as const;

/** A problem at an application's values path (`applications.<app>` or `defaults`, located by the caller). */
export interface DataStoreProblem extends SchemaProblem {
  readonly application: string;
}

/** The fields that make a declaration: two declarations of one data store must agree on each. */
const IDENTITY = ['kind', 'host', 'port', 'cidr', 'namespaceLabels', 'podLabels', 'exporter'] as const;

export function deriveDataStores(applications: ReadonlyMap<string, AppValues>): { dataStores: DataStores; problems: DataStoreProblem[] } {
  const dataStores: DataStores = { postgresql: {}, redis: {} };
  const first = new Map<string, { application: string; dependency: Dependency }>();
  const problems: DataStoreProblem[] = [];
  for (const [application, app] of applications) {
    app.networkPolicy.dependencies.forEach((dependency, index) => {
      const { kind, name, host } = dependency;
      // Incomplete declarations are reported by the application rules.
      if (kind === undefined || name === undefined || host === undefined || typeof dependency.port !== 'number') return;
      const declared = first.get(name);
      if (declared) {
        const differing = IDENTITY.find((key) => JSON.stringify(dependency[key]) !== JSON.stringify(declared.dependency[key]));
        if (differing) {
          problems.push({
            application,
            path: ['networkPolicy', 'dependencies', index, differing],
            message: `data store ${name} is declared by ${declared.application} with ${differing} ${JSON.stringify(declared.dependency[differing]) ?? '(none)'}: every application that names a data store declares it alike`,
          });
          return;
        }
        dataStores[kind][name].applications.push(application);
        return;
      }
      first.set(name, { application, dependency });
      const exporter = dependency.exporter ?? {};
      dataStores[kind][name] = {
        monitored: true,
        host,
        port: dependency.port,
        ...(dependency.cidr !== undefined ? { cidr: dependency.cidr } : {}),
        ...(dependency.namespaceLabels !== undefined ? { namespaceLabels: { ...dependency.namespaceLabels } } : {}),
        ...(dependency.podLabels !== undefined ? { podLabels: { ...dependency.podLabels } } : {}),
        ...(exporter.credentialsSecret !== undefined ? { credentialsSecret: { ...exporter.credentialsSecret } } : {}),
        ...(kind === 'postgresql' ? { database: exporter.database ?? POSTGRESQL_DEFAULTS.database, sslMode: exporter.sslMode ?? POSTGRESQL_DEFAULTS.sslMode } : {}),
        applications: [application],
      };
    });
  }
  return { dataStores, problems };
}

/**
 * Every release gets every data store some release has (a key of a Helm map cannot be removed by an
 * environment's values file), unmonitored where that environment has none; returns the names by kind.
 */
export function alignDataStores(releases: ReadonlyArray<{ values: { dataStores: DataStores } }>): Record<DataStoreKind, string[]> {
  const names = { postgresql: new Map<string, DataStoreValues>(), redis: new Map<string, DataStoreValues>() };
  for (const release of releases) {
    for (const kind of ['postgresql', 'redis'] as const) {
      for (const [name, store] of Object.entries(release.values.dataStores[kind])) if (!names[kind].has(name)) names[kind].set(name, store);
    }
  }
  for (const release of releases) {
    for (const kind of ['postgresql', 'redis'] as const) {
      const stores = release.values.dataStores[kind];
      for (const [name, store] of names[kind]) if (!(name in stores)) stores[name] = { ...structuredClone(store), monitored: false };
      release.values.dataStores[kind] = Object.fromEntries(Object.entries(stores).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return { postgresql: [...names.postgresql.keys()].sort(), redis: [...names.redis.keys()].sort() };
}
