/**
 * kubeconform's `-schema-location` templates: where the schema of a kind is, for one Kubernetes version.
 * Same placeholders and the same rules as kubeconform (pkg/registry/registry.go).
 */
import { join } from 'node:path';
import { ValidationConfigurationError } from './configuration-error';

/** kubeconform's defaults: its Kubernetes schemas, then the community CRD catalog. */
export const DEFAULT_SCHEMA_LOCATIONS: readonly string[] = [
  'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json',
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json',
];

/** Appended to a location that does not end in `json`, i.e. a plain folder or base URL. */
const KUBERNETES_SCHEMAS_LAYOUT = '/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';

/** The two templates for a local copy of the schemas in kubeconform's layout (Kubernetes types and CRDs). */
export function localSchemaLocations(schemaRoot: string): string[] {
  return [join(schemaRoot, KUBERNETES_SCHEMAS_LAYOUT), join(schemaRoot, 'crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json')];
}

/** What a location template is filled in for. */
export interface SchemaTarget {
  readonly kind: string;
  readonly apiVersion: string;
  /** As given by the user, without `v`: 1.27.0, or `master`. */
  readonly kubernetesVersion: string;
}

/** Identifies a target in caches: one schema lookup per (Kubernetes version, apiVersion, kind). */
export function schemaTargetKey({ kind, apiVersion, kubernetesVersion }: SchemaTarget): string {
  return `${kubernetesVersion}|${apiVersion}|${kind}`;
}

type Placeholder = 'NormalizedKubernetesVersion' | 'StrictSuffix' | 'ResourceKind' | 'ResourceAPIVersion' | 'Group' | 'KindSuffix';

const PLACEHOLDER = /\{\{-?\s*\.([A-Za-z]+)\s*-?\}\}/g;

function placeholderValues({ kind, apiVersion, kubernetesVersion }: SchemaTarget): Record<Placeholder, string> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : [apiVersion, undefined];
  // kubeconform: `-<first label of the group>-<version>`, e.g. networking.k8s.io/v1 -> -networking-v1, v1 -> -v1.
  const kindSuffix = `-${group.split('.')[0].toLowerCase()}${version === undefined ? '' : `-${version.toLowerCase()}`}`;
  return {
    NormalizedKubernetesVersion: kubernetesVersion === 'master' ? 'master' : `v${kubernetesVersion}`,
    StrictSuffix: '-strict',
    ResourceKind: kind.toLowerCase(),
    ResourceAPIVersion: version ?? group,
    Group: group,
    KindSuffix: kindSuffix,
  };
}

/** `default` and folder locations expanded to full templates, as kubeconform does; unknown placeholders rejected. */
export function normalizeSchemaLocation(location: string): string {
  const template = location === 'default' ? DEFAULT_SCHEMA_LOCATIONS[0] : location.endsWith('json') ? location : location.replace(/\/+$/, '') + KUBERNETES_SCHEMAS_LAYOUT;
  const known = Object.keys(placeholderValues({ kind: 'Deployment', apiVersion: 'apps/v1', kubernetesVersion: 'master' }));
  for (const [placeholder, name] of template.matchAll(PLACEHOLDER)) {
    if (!known.includes(name)) {
      throw new ValidationConfigurationError(`schema location "${location}": unknown placeholder ${placeholder} (known: ${known.map((k) => `{{ .${k} }}`).join(', ')})`);
    }
  }
  return template;
}

/** The path or URL a normalized location template gives for one kind and Kubernetes version. */
export function schemaPath(template: string, target: SchemaTarget): string {
  const values = placeholderValues(target);
  return template.replace(PLACEHOLDER, (_, name: Placeholder) => values[name]);
}

/** `1.27.0` or `v1.27.0` -> `1.27.0`; `master` stays. */
export function normalizeKubernetesVersion(version: string): string {
  const trimmed = version.trim();
  if (trimmed === 'master') return trimmed;
  const match = /^v?(\d+\.\d+\.\d+)$/.exec(trimmed);
  if (!match) throw new ValidationConfigurationError(`Kubernetes version "${version}": expected a version such as 1.27.0, or master`);
  return match[1];
}
