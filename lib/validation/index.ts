/** Strict Kubernetes schema validation (the kubeconform way) and platform policy checks. */
export { formatUnevaluatedRule } from './cel/check';
export { ValidationConfigurationError } from './configuration-error';
export { formatFinding } from './finding';
export type { Finding } from './finding';
export type { ManifestDocument } from './kubernetes-object';
export { loadManifests } from './manifest-loader';
export { checkPolicies } from './policy';
export { DEFAULT_SCHEMA_LOCATIONS, localSchemaLocations } from './schema-location';
export { DEFAULT_KUBERNETES_VERSIONS, validateManifests } from './validate-manifests';
