/**
 * The library entry: strict schema validation for each Kubernetes version, what the API server checks
 * beyond the schemas (the CRDs' CEL rules), then the platform policies.
 */
import { type CelCheckResult, checkCelRules } from './cel/check';
import type { Finding } from './finding';
import type { ManifestDocument } from './kubernetes-object';
import { checkPolicies } from './policy';
import { checkSchemas } from './schema-check';
import { checkServerSideRules } from './server-side';
import { DEFAULT_SCHEMA_LOCATIONS, normalizeKubernetesVersion } from './schema-location';
import { SchemaValidator } from './schema-validator';

export const DEFAULT_KUBERNETES_VERSIONS: readonly string[] = ['1.27.0', '1.33.0'];

export interface ValidationOptions {
  /** kubeconform `-schema-location` templates, tried in order; default: kubeconform's public locations. */
  readonly schemaLocations?: readonly string[];
  /** Default: 1.27.0 and 1.33.0. */
  readonly kubernetesVersions?: readonly string[];
  /** Run the policy checks (default true). */
  readonly policy?: boolean;
  /** Called as each schema is found (fetched or read): how many, of how many, and which. */
  readonly onProgress?: (done: number, total: number, what: string) => void;
}

export interface ValidationResult {
  readonly schemaErrors: Finding[];
  /** What the API server would refuse beyond the schemas: CRD CEL rules (reason cel-violation), server-side rules (./server-side). */
  readonly apiServerFindings: Finding[];
  /** The CEL rules of the CRDs present: how many, and those not evaluated (listed by validate). */
  readonly celRules: Omit<CelCheckResult, 'findings'>;
  readonly policyFindings: Finding[];
  /** Documents validated (empty documents are not counted). */
  readonly documents: number;
}

/** One validator per list of locations, kept for the process: each schema is loaded and compiled once. */
const validators = new Map<string, SchemaValidator>();

function validatorFor(locations: readonly string[]): SchemaValidator {
  const key = JSON.stringify(locations);
  let validator = validators.get(key);
  if (!validator) {
    validator = new SchemaValidator(locations);
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Validates documents against the strict schemas of every requested Kubernetes version, and the set as a
 * whole against the platform policies. Throws ValidationConfigurationError for a bad location or version.
 */
export async function validateManifests(documents: readonly ManifestDocument[], options: ValidationOptions = {}): Promise<ValidationResult> {
  const kubernetesVersions = (options.kubernetesVersions ?? DEFAULT_KUBERNETES_VERSIONS).map(normalizeKubernetesVersion);
  const validator = validatorFor(options.schemaLocations ?? DEFAULT_SCHEMA_LOCATIONS);
  const present = documents.filter(({ doc }) => doc !== null && doc !== undefined);
  const schemaErrors = await checkSchemas(present, validator, kubernetesVersions, options.onProgress);
  const { findings: celFindings, ...celRules } = await checkCelRules(present, validator, kubernetesVersions);
  return {
    schemaErrors,
    apiServerFindings: [...celFindings, ...checkServerSideRules(present)],
    celRules,
    policyFindings: options.policy === false ? [] : checkPolicies(present),
    documents: present.length,
  };
}
