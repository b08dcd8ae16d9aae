/**
 * How long the names an application chart builds from may be. The chart names objects
 * `<fullname>-<suffix>` and labels helper pods `app.kubernetes.io/name: <name>-<suffix>`; object names
 * (DNS labels, the Services' and NetworkPolicies' at least) and label values allow 63 characters
 * (Kubernetes, k8s.io/apimachinery validation), so the full name and the name keep room for the
 * longest suffix. The lists are the only suffixes `nameWith` and `nameLabelWith` (lib/app/names.ts)
 * accept, so a new one counts here by construction.
 */

/** Kubernetes' limit for a DNS label and a label value. */
const MAX_DNS_LABEL = 63;

/** Suffixes of object names, `<fullname>-<suffix>`. */
const FULLNAME_SUFFIXES = [
  'config',
  'quota',
  'limits',
  'admin',
  'https-redirect',
  'security-headers',
  'canary',
  'preview',
  'release-analysis',
  'smoke-test',
  'migration',
  'test-connection',
  'test-connection-egress',
  'smoke-test-egress',
  'backup-script',
  'default-deny',
  'allow-dns',
  'allow-ingress-controller',
  'allow-gateway',
  'allow-monitoring',
  'allow-dependencies',
  'allow-dependents',
  'allow-service-sources',
  'allow-smoke-test',
  'allow-tracing',
  'allow-acme-solver',
  'extra-ingress',
  'extra-egress',
] as const;
/**
 * `backup-<database>` and `drill-<database>`: the backup and restore-drill CronJobs, whose database keys
 * the budget cannot know; each is checked against the CronJob name limit by a rule of its own
 * (lib/backup/rules.ts).
 */
export type FullnameSuffix = (typeof FULLNAME_SUFFIXES)[number] | `backup-${string}` | `drill-${string}`;

/** Suffixes of the `app.kubernetes.io/name` label of helper pods, `<name>-<suffix>`. */
const NAME_LABEL_SUFFIXES = ['migration', 'smoke-test', 'test', 'backup', 'drill'] as const;
export type NameLabelSuffix = (typeof NAME_LABEL_SUFFIXES)[number];

const longest = (suffixes: readonly string[]) => suffixes.reduce((a, b) => (b.length > a.length ? b : a));

/** The longest object-name suffix. */
export const LONGEST_FULLNAME_SUFFIX = longest(FULLNAME_SUFFIXES);

/** Longest full name (fullnameOverride, or the release name and nameOverride): 63 less `-<longest suffix>`. */
export const MAX_FULLNAME = MAX_DNS_LABEL - 1 - LONGEST_FULLNAME_SUFFIX.length;

/** The longest name-label suffix. */
export const LONGEST_NAME_LABEL_SUFFIX = longest(NAME_LABEL_SUFFIXES);

/** Longest name (nameOverride, or the chart name): 63 less `-<longest label suffix>`. */
export const MAX_NAME = MAX_DNS_LABEL - 1 - LONGEST_NAME_LABEL_SUFFIX.length;
