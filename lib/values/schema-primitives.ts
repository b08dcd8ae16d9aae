/**
 * The small building blocks of every values schema (the application model in schema.ts and the domain
 * schemas of lib/backup/, lib/secrets/, lib/certificates/, lib/gitops/, lib/monitoring/): patterns
 * written in the common subset of ECMAScript and Go (RE2) regular expressions, and string and integer
 * schemas. A module of its own so that the model and the domain schemas import it, not each other.
 */
import { Type } from '@sinclair/typebox';
import { dnsLabelPattern, labelValuePattern, qualifiedNamePattern, safeTextPattern } from './kubernetes-names';

export const patterns = {
  dnsLabel: dnsLabelPattern,
  dnsSubdomain: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  /** A Kubernetes quantity such as 250m, 1, 0.5, 512Mi, 2Gi. */
  quantity: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$',
  /** An image repository without tag or digest (registry host and port allowed). */
  repository: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
  tag: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
  digest: '^sha256:[a-f0-9]{64}$',
  httpPath: "^/[A-Za-z0-9/._~%!$&'()*+,;=:@-]*$",
  /**
   * A path that routes traffic (Ingress and HTTPRoute): what the Gateway API's HTTPRoute CRD accepts for
   * Exact and PathPrefix matches (its CEL rules on spec.rules[].matches[].path: the characters
   * `^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`, no `//`, `/./`, `/../`, `%2f`, `%2F`,
   * `#`, no trailing `/.` or `/..`), which also covers the Ingress API's (networking validation
   * invalidPathSequences and invalidPathSuffixes). Written as segments, since RE2 has no lookahead:
   * "/", or "/" followed by segments that are not "." or ".." (a non-dot character, or three dots or
   * more), each of unreserved and sub-delimiter characters or a %XX escape other than %2F, and an
   * optional trailing "/".
   */
  routePath:
    "^/((\\.*([-A-Za-z0-9_~!$&'()*+,;=:@]|%([013-9A-Fa-f][0-9A-Fa-f]|2[0-9A-Ea-e]))([-A-Za-z0-9._~!$&'()*+,;=:@]|%([013-9A-Fa-f][0-9A-Fa-f]|2[0-9A-Ea-e]))*|\\.\\.\\.+)(/(\\.*([-A-Za-z0-9_~!$&'()*+,;=:@]|%([013-9A-Fa-f][0-9A-Fa-f]|2[0-9A-Ea-e]))([-A-Za-z0-9._~!$&'()*+,;=:@]|%([013-9A-Fa-f][0-9A-Fa-f]|2[0-9A-Ea-e]))*|\\.\\.\\.+))*/?)?$",
  /**
   * A sub path of the monitoring stack's routes, without trailing slash: segments of unreserved
   * characters, none of them "." or ".." (the HTTPRoute CRD's CEL rules and the Ingress API refuse
   * /./, /../ and a trailing /. or /..; see routePath).
   */
  subPath: '^(/(\\.*[A-Za-z0-9_~-][A-Za-z0-9._~-]*|\\.\\.\\.+))+$',
  /** A Service name, and so an application name: a DNS-1035 label (starting with a letter). */
  dns1035Label: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
  /** An image registry: a host, an optional port and path (a mirror's prefix), or nothing. */
  registry: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*)?$',
  /** An integer percentage of 0% to 100% (IsNotMoreThan100Percent, for PDBs and rolling updates). */
  percent: '^(0{0,2}[0-9]|0?[1-9][0-9]|100)%$',
  /** An IPv4 network: four octets 0-255 and a prefix length 0-32. */
  cidr: '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$',
  envName: '^[A-Za-z_][A-Za-z0-9_]*$',
  duration: '^[0-9]+(ms|s|m|h|d)$',
  labelValue: labelValuePattern,
  labelKey: qualifiedNamePattern,
  /**
   * An http(s) URL of RFC 3986 characters only: no spaces, quotes, braces, backslashes or control
   * characters, so that it can go into Prometheus, Alertmanager and Grafana configuration unescaped.
   */
  url: "^https?://[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]+$",
  urlWithoutTrailingSlash: "^https?://[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]*[A-Za-z0-9._~:?#\\[\\]@!$&'()*+,;=%-]$",
  /**
   * An email address of the common characters only (RFC 5321's dot-atoms): no braces, quotes or
   * spaces, so it can go into Alertmanager's configuration, whose fields are Go templates.
   */
  email: '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*$',
  /** Text without control characters (see kubernetes-names.ts). */
  safeText: safeTextPattern,
  /**
   * A port name as Kubernetes validates it (IsValidPortName, an IANA service name): lower-case letters,
   * digits and single "-" between them, at least one letter; with maxLength 15.
   */
  portName: '^([a-z0-9]+-)*[0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*$',
} as const;

/**
 * Why a value is refused, for a JSON Schema `not` (written `not: { ..., description }`): every `not` of a
 * values schema says why, as "<value> <description>" in synth and in the charts, whose
 * values.schema.json leaves it to templates/validate-values.yaml (Helm would say only "'not' failed":
 * lib/values/readable-schema.ts).
 */
const NOT_LATEST = 'is not allowed here (pin an exact version, never "latest")';

/** `not` of an image tag: never "latest". */
export const notLatestTag = { const: 'latest', description: NOT_LATEST } as const;

/** `not` of an image reference (repository:tag): never the "latest" tag. */
export const notLatestImage = { pattern: ':latest$', description: NOT_LATEST } as const;

/**
 * The longest string a name pattern allows (Kubernetes: a DNS label 63 characters, a DNS subdomain
 * 253), which no regular expression here states: `str` adds it, so no name in values is unbounded.
 */
const NAME_MAX_LENGTH: Readonly<Record<string, number>> = { [patterns.dnsLabel]: 63, [patterns.dns1035Label]: 63, [patterns.dnsSubdomain]: 253 };

/** A string schema with `pattern`, bounded as NAME_MAX_LENGTH says for name patterns (`extra` may lower it). */
export const str = (description: string, pattern?: string, extra: object = {}) =>
  Type.String({ description, ...(pattern ? { pattern } : {}), ...(pattern && NAME_MAX_LENGTH[pattern] ? { maxLength: NAME_MAX_LENGTH[pattern] } : {}), ...extra });
/**
 * A Kubernetes quantity as Kubernetes and Helm users write it: a string (`250m`, `512Mi`, `"2"`) or a
 * whole number (`cpu: 2`, `--set resources.limits.cpu=1`), as the API server accepts both
 * (resource.Quantity unmarshals JSON numbers). The objects get the text (`2` is written `"2"`), and both
 * must be in the canonical form the API server stores (lib/values/quantity.ts; checked beside the schema).
 * `pattern` applies to strings only and `minimum` to numbers only, so one schema without `anyOf` gives
 * one readable message in ajv, Helm 3 and Helm 4.
 */
export const quantity = (description: string) => Type.Unsafe<string | number>({ type: ['string', 'integer'], description, pattern: patterns.quantity, minimum: 0 });
/**
 * A port number (1 to 65535) or a port name (`patterns.portName`, or `namePattern`): one schema of two
 * types, without `anyOf`, so that ajv, Helm 3 and Helm 4 each give one readable message.
 */
export const portNumberOrName = (description: string, namePattern: string = patterns.portName) =>
  Type.Unsafe<number | string>({ type: ['integer', 'string'], description, minimum: 1, maximum: 65535, pattern: namePattern, maxLength: 15 });

/** A count of pods or a percentage of them (PodDisruptionBudget minAvailable, maxUnavailable), without `anyOf`. */
export const intOrPercent = (description: string) => Type.Unsafe<number | string>({ type: ['integer', 'string'], description, minimum: 0, pattern: patterns.percent });

/** An integer schema bounded by minimum and maximum (inclusive). */
export const int = (description: string, minimum: number, maximum: number) => Type.Integer({ description, minimum, maximum });
