/**
 * Settings of an environment that its applications take their defaults from, so that a new application
 * gets the right hosts and TLS issuer everywhere (values files: `environment: {domain, clusterIssuer,
 * production}`, in base.yaml for every environment and in each overlay for its own):
 * - the placeholders `{app}`, `{env}`, `{domain}` and `{clusterIssuer}` in an application's ingress hosts,
 *   TLS hosts, TLS issuer and CORS origins are filled in per environment (the charts get the filled values);
 * - an environment marked `production` refuses ingress hosts under another environment's domain and the
 *   TLS issuer of another environment, which are the values that leak when an application is defined in
 *   base.yaml only;
 * - `traffic` (how traffic enters: Gateway API or Ingress, and the platform Gateway) is completed and
 *   written into every chart's values by lib/values/traffic.ts.
 */
import { Type } from '@sinclair/typebox';
import type { SchemaProblem } from './schema-check';
import { TrafficSettingsSchema } from './traffic';

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** The `environment` section of a values file. */
export const EnvironmentSettingsSchema = Type.Object(
  {
    domain: Type.Optional(Type.String({ description: 'DNS domain of the environment: `{domain}` in ingress hosts, e.g. api.{domain}.', pattern: DNS_SUBDOMAIN, maxLength: 253 })),
    clusterIssuer: Type.Optional(Type.String({ description: 'cert-manager ClusterIssuer of the environment: `{clusterIssuer}` in ingress.tls.clusterIssuer.', pattern: DNS_SUBDOMAIN })),
    production: Type.Optional(Type.Boolean({ description: 'A production environment refuses hosts under another environment’s domain and another environment’s issuer.' })),
    traffic: Type.Optional(TrafficSettingsSchema),
  },
  { additionalProperties: false, description: 'Settings of the environment (base.yaml: defaults of every environment).' },
);

export interface EnvironmentSettings {
  readonly domain?: string;
  readonly clusterIssuer?: string;
  readonly production?: boolean;
  /** `environment.traffic` as merged (lib/values/traffic.ts completes and checks it). */
  readonly traffic?: unknown;
}

const PLACEHOLDER = /\{(app|env|domain|clusterIssuer)\}/g;

/**
 * The domain of the charts' own values.yaml (the base values, which no environment deploys as they
 * are): `helm create`'s example domain, so that a chart's defaults name no environment's hosts (an
 * environment's values file, and its package, carry its own).
 */
export const NEUTRAL_DOMAIN = 'chart-example.local';

/** The ingress fields of an application whose text may hold placeholders, as [path, text] pairs. */
function ingressTexts(app: Record<string, unknown>): Array<{ path: (string | number)[]; text: string; set: (text: string) => void }> {
  const ingress = app.ingress as Record<string, unknown> | undefined;
  if (!ingress || typeof ingress !== 'object') return [];
  const found: Array<{ path: (string | number)[]; text: string; set: (text: string) => void }> = [];
  const hosts = Array.isArray(ingress.hosts) ? (ingress.hosts as Array<Record<string, unknown>>) : [];
  hosts.forEach((host, i) => {
    if (host && typeof host.host === 'string') found.push({ path: ['ingress', 'hosts', i, 'host'], text: host.host, set: (t) => (host.host = t) });
  });
  const tls = ingress.tls as Record<string, unknown> | undefined;
  if (tls && typeof tls === 'object') {
    if (typeof tls.clusterIssuer === 'string') found.push({ path: ['ingress', 'tls', 'clusterIssuer'], text: tls.clusterIssuer, set: (t) => (tls.clusterIssuer = t) });
    if (Array.isArray(tls.hosts)) {
      const list = tls.hosts as unknown[];
      list.forEach((host, i) => {
        if (typeof host === 'string') found.push({ path: ['ingress', 'tls', 'hosts', i], text: host, set: (t) => (list[i] = t) });
      });
    }
  }
  // CORS origins name the environment's hosts too (e.g. https://www.{domain}).
  const cors = ingress.cors as Record<string, unknown> | undefined;
  if (cors && typeof cors === 'object' && Array.isArray(cors.allowOrigins)) {
    const list = cors.allowOrigins as unknown[];
    list.forEach((origin, i) => {
      if (typeof origin === 'string') found.push({ path: ['ingress', 'cors', 'allowOrigins', i], text: origin, set: (t) => (list[i] = t) });
    });
  }
  return found;
}

/**
 * Fills the placeholders of an application's ingress values (changed in place) for one environment.
 * Returns a problem for each placeholder whose setting the environment does not have, and the paths
 * filled (a problem there comes from the setting, when the setting itself is refused).
 */
export function fillEnvironmentPlaceholders(app: Record<string, unknown>, name: string, environment: string, settings: EnvironmentSettings): { problems: SchemaProblem[]; filled: string[] } {
  const problems: SchemaProblem[] = [];
  const filled: string[] = [];
  const values: Record<string, string | undefined> = { app: name, env: environment, domain: settings.domain, clusterIssuer: settings.clusterIssuer };
  for (const field of ingressTexts(app)) {
    if (!field.text.includes('{')) continue;
    const missing = [...field.text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((key) => values[key] === undefined);
    if (missing.length > 0) {
      problems.push({ path: field.path, message: `uses {${missing[0]}}, but the environment has no ${missing[0]} (set environment.${missing[0]} in its values file or in base.yaml)` });
      continue;
    }
    field.set(field.text.replace(PLACEHOLDER, (_m, key: string) => values[key] as string));
    filled.push(field.path.join('.'));
  }
  return { problems, filled };
}

/** Whether `host` is under `domain` (the domain itself, or a name ending in `.domain`). */
function under(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * For a production environment: an application's hosts under another environment's domain (and not
 * under its own, more specific one), and a TLS issuer that is another environment's and not its own.
 */
export function productionLeaks(
  app: {
    readonly ingress: {
      readonly enabled: boolean;
      readonly hosts: readonly { readonly host: string }[];
      readonly tls: { readonly enabled: boolean; readonly clusterIssuer: string; readonly hosts: readonly string[] };
    };
  },
  own: EnvironmentSettings,
  others: ReadonlyMap<string, EnvironmentSettings>,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (!app.ingress.enabled) return problems;
  const belongs = (host: string) =>
    [...others].find(
      ([, settings]) => settings.domain && settings.domain !== own.domain && under(host, settings.domain) && !(own.domain && under(host, own.domain) && own.domain.length >= settings.domain.length),
    );
  const check = (path: (string | number)[], host: string) => {
    const other = belongs(host);
    if (other)
      problems.push({
        path,
        message: `${host} is under ${other[1].domain}, the domain of the ${other[0]} environment: a production environment serves its own hosts (use {app}.{domain} or set the host in its values file)`,
      });
  };
  for (const [i, host] of app.ingress.hosts.entries()) check(['ingress', 'hosts', i, 'host'], host.host);
  if (app.ingress.tls.enabled) {
    for (const [i, host] of app.ingress.tls.hosts.entries()) check(['ingress', 'tls', 'hosts', i], host);
    const issuer = app.ingress.tls.clusterIssuer;
    const other = [...others].find(([, settings]) => settings.clusterIssuer === issuer && issuer !== own.clusterIssuer);
    if (other)
      problems.push({
        path: ['ingress', 'tls', 'clusterIssuer'],
        message: `${issuer} is the issuer of the ${other[0]} environment: a production environment uses its own (use {clusterIssuer} or set it in its values file)`,
      });
  }
  return problems;
}
