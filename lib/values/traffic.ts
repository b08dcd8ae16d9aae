/**
 * How traffic enters the platform in an environment: `environment.traffic` in the values files, one
 * setting for every chart of the environment (not per application). Synth copies the merged setting
 * into each chart's values as `traffic` (application charts and the monitoring chart), so that a Helm
 * release can switch with `--set traffic.provider=ingress`:
 * - `gatewayAPI` (the default): HTTPRoutes attached to the platform's Gateway (its name, namespace and
 *   listeners below), rate limits and source allow-lists as Envoy Gateway policies
 *   (BackendTrafficPolicy, SecurityPolicy); NetworkPolicies admit the Gateway's proxy pods;
 * - `ingress`: Ingresses for the NGINX ingress controller, as before; NetworkPolicies admit the ingress
 *   controller's namespace.
 * Both take the environment's TLS policy (`tls`, lib/traffic/tls-policy.ts) and compression of responses
 * (`compression`, lib/traffic/compression.ts), with the documents' defaults for what is not set.
 */
import { Type } from '@sinclair/typebox';
import { CompressionSchema, DEFAULT_COMPRESSION } from '../traffic/compression';
import { DEFAULT_TLS_POLICY, TLS_POLICY_RULE, TlsPolicySchema, tlsPolicyProblems } from '../traffic/tls-policy';
import { dnsLabelPattern, labelMap } from './kubernetes-names';
import { deepMerge } from './merge';
import type { SchemaProblem } from './schema-check';

const closed = { additionalProperties: false } as const;
/** A Gateway API SectionName (a listener name): a DNS subdomain, at most 253 characters. */
const SECTION_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS_SUBDOMAIN = SECTION_NAME;

const TRAFFIC_PROVIDERS = ['gatewayAPI', 'ingress'] as const;
export type TrafficProvider = (typeof TRAFFIC_PROVIDERS)[number];

/** The provider of an environment that does not name one. */
const DEFAULT_TRAFFIC_PROVIDER: TrafficProvider = 'gatewayAPI';

const text = (description: string, pattern: string, maxLength = 253) => Type.String({ description, pattern, maxLength });

/** The `traffic` values of a chart (and, complete once merged, `environment.traffic` of the values files). */
export const TrafficSchema = Type.Object(
  {
    provider: Type.Unsafe<TrafficProvider>({
      type: 'string',
      enum: [...TRAFFIC_PROVIDERS],
      description: 'gatewayAPI: HTTPRoutes on the platform Gateway, limits and allow-lists as Envoy Gateway policies; ingress: Ingresses for the NGINX ingress controller.',
    }),
    gateway: Type.Object(
      {
        name: text('Name of the platform’s Gateway the routes attach to.', DNS_SUBDOMAIN),
        namespace: text('Namespace of that Gateway.', dnsLabelPattern, 63),
        listeners: Type.Object(
          {
            https: text('Listener (sectionName) serving HTTPS: the routes attach here when TLS is enabled.', SECTION_NAME),
            http: text('Listener (sectionName) serving plain HTTP: the HTTP to HTTPS redirects attach here (and the routes when TLS is disabled).', SECTION_NAME),
          },
          { ...closed, description: 'Listeners of the Gateway, by name.' },
        ),
        proxies: Type.Object(
          {
            namespace: text('Namespace of the pods that proxy the Gateway’s traffic (Envoy Gateway: envoy-gateway-system).', dnsLabelPattern, 63),
            podLabels: Type.Unsafe<Record<string, string>>({
              ...labelMap('Labels of those pods (Envoy Gateway: gateway.envoyproxy.io/owning-gateway-name and -namespace); at least one, as no labels would admit every pod of the namespace.'),
              minProperties: 1,
            }),
          },
          { ...closed, description: 'The proxy pods NetworkPolicies admit to the applications (gatewayAPI only).' },
        ),
      },
      { ...closed, description: 'The platform’s Gateway (Gateway API, gateway.networking.k8s.io/v1).' },
    ),
    tls: TlsPolicySchema,
    compression: CompressionSchema,
  },
  { ...closed, description: 'How traffic enters (an environment setting: written by synth from environment.traffic of the values files).' },
);

export type TrafficValues = typeof TrafficSchema.static;

/** Where a chart's values (an application, `defaults`, `monitoring:`) set `traffic`, which only `environment.traffic` sets. */
export const TRAFFIC_IS_ENVIRONMENT_SETTING = 'is an environment setting, the same for every chart of the environment: set environment.traffic in the values file instead';

/** `environment.traffic` in one values file: any part of it (base.yaml and the overlays merge). */
export const TrafficSettingsSchema = Type.Object(
  {
    provider: Type.Optional(TrafficSchema.properties.provider),
    gateway: Type.Optional(
      Type.Partial(
        Type.Object(
          {
            ...TrafficSchema.properties.gateway.properties,
            listeners: Type.Partial(TrafficSchema.properties.gateway.properties.listeners),
            proxies: Type.Partial(TrafficSchema.properties.gateway.properties.proxies),
          },
          closed,
        ),
      ),
    ),
    tls: Type.Optional(
      Type.Partial(Type.Object({ ...TlsPolicySchema.properties, sessionResumption: Type.Partial(TlsPolicySchema.properties.sessionResumption) }, { ...closed, description: TlsPolicySchema.description })),
    ),
    compression: Type.Optional(Type.Partial(CompressionSchema)),
  },
  { ...closed, description: `How traffic enters the environment (every chart of it): provider (default ${DEFAULT_TRAFFIC_PROVIDER}) and the platform Gateway.` },
);

/**
 * The traffic values of an environment from its merged `environment.traffic` (provider defaulted), and
 * the problems of the merged setting, with paths under `environment.traffic`.
 */
export function environmentTraffic(merged: unknown, check: (schema: typeof TrafficSchema, value: unknown) => SchemaProblem[]): { traffic: TrafficValues; problems: SchemaProblem[] } {
  const given = merged !== null && typeof merged === 'object' && !Array.isArray(merged) ? (merged as Record<string, unknown>) : {};
  // Lists given replace the default ones (ciphers, curves), as in every values merge.
  const traffic = deepMerge({ provider: DEFAULT_TRAFFIC_PROVIDER, tls: DEFAULT_TLS_POLICY, compression: DEFAULT_COMPRESSION }, given) as TrafficValues;
  const schemaProblems = check(TrafficSchema, traffic);
  const problems = [...schemaProblems, ...(schemaProblems.length === 0 ? trafficProblems(traffic) : [])].map((p) => ({ ...p, path: ['environment', 'traffic', ...p.path] }));
  return { traffic, problems };
}

const SAME_LISTENER = 'the HTTP to HTTPS redirect would attach beside the HTTPS route and answer its requests (a redirect loop); name the Gateway’s plain-HTTP listener as http';

/**
 * One listener for both HTTPS and HTTP: the https-redirect HTTPRoute would share the HTTPS listener
 * with the application's route. Paths under `traffic`; the same rule in Go is TRAFFIC_LISTENER_RULE.
 */
function listenerProblems(traffic: TrafficValues): SchemaProblem[] {
  // Values the schema refused (no gateway) reach the application rules in synth, which report them at environment.traffic.
  const listeners = (traffic.gateway as Partial<TrafficValues['gateway']> | undefined)?.listeners;
  if (listeners === undefined) return [];
  const { https, http } = listeners;
  return https === http ? [{ path: ['gateway', 'listeners'], message: `https and http are both "${http}": ${SAME_LISTENER}` }] : [];
}

/**
 * Every rule of the traffic setting beyond its schema (listeners, TLS policy), paths under `traffic`;
 * TRAFFIC_RULES says the same in Go.
 */
export function trafficProblems(traffic: TrafficValues): SchemaProblem[] {
  const tls = (traffic as Partial<TrafficValues>).tls;
  return [...listenerProblems(traffic), ...(tls ? tlsPolicyProblems(tls).map((p) => ({ ...p, path: ['tls', ...p.path] })) : [])];
}

/** listenerProblems as Go template text. */
const TRAFFIC_LISTENER_RULE = `{{- with .Values.traffic.gateway.listeners }}
{{- if eq .https .http }}
{{- fail (printf "traffic.gateway.listeners: https and http are both %q: ${SAME_LISTENER}" .http) }}
{{- end }}
{{- end }}`;

/** trafficProblems as Go template text, for every chart's templates/validate-values.yaml. */
export const TRAFFIC_RULES = `${TRAFFIC_LISTENER_RULE}\n${TLS_POLICY_RULE}`;
