/** Schema findings for a set of documents, for each Kubernetes version. */
import { ValidationConfigurationError } from './configuration-error';
import { formatFieldPath } from './field-path';
import type { Finding } from './finding';
import { isKubernetesObject, type KubernetesObject, type ManifestDocument, objectRef } from './kubernetes-object';
import { describeSchemaErrors } from './schema-errors';
import { type SchemaTarget, schemaTargetKey } from './schema-location';
import type { SchemaValidator } from './schema-validator';

interface Typed {
  readonly file: string;
  readonly object: KubernetesObject & { readonly kind: string; readonly apiVersion: string };
}

export async function checkSchemas(
  documents: readonly ManifestDocument[],
  validator: SchemaValidator,
  kubernetesVersions: readonly string[],
  onProgress?: (done: number, total: number, what: string) => void,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const typed: Typed[] = [];
  for (const { file, doc } of documents) {
    if (!isKubernetesObject(doc)) {
      findings.push({ file, message: `not a Kubernetes object: expected a mapping with apiVersion and kind, got ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}` });
      continue;
    }
    const missing = (['apiVersion', 'kind'] as const).filter((field) => typeof doc[field] !== 'string' || doc[field] === '');
    for (const field of missing) findings.push({ file, object: objectRef(doc), field, message: `required field "${field}" is missing` });
    if (missing.length === 0) typed.push({ file, object: doc as Typed['object'] });
  }

  // Look each kind up once (in parallel), then validate every document synchronously.
  const targets = new Map<string, SchemaTarget>();
  for (const { object } of typed) {
    for (const kubernetesVersion of kubernetesVersions) {
      const target = { kind: object.kind, apiVersion: object.apiVersion, kubernetesVersion };
      targets.set(schemaTargetKey(target), target);
    }
  }
  let found = 0;
  const lookups = new Map(
    await Promise.all(
      [...targets].map(async ([key, target]) => {
        const lookup = await validator.lookup(target);
        found += 1;
        onProgress?.(found, targets.size, `schemas (${target.kind}, ${target.kubernetesVersion})`);
        return [key, lookup] as const;
      }),
    ),
  );
  const unreachable = [...lookups.values()].filter((lookup) => lookup.status === 'unreachable');
  if (unreachable.length > 0) throw unreachableSchemas(unreachable);

  for (const { file, object } of typed) {
    for (const kubernetesVersion of kubernetesVersions) {
      const where = { file, object: objectRef(object), kubernetesVersion };
      const lookup = lookups.get(schemaTargetKey({ kind: object.kind, apiVersion: object.apiVersion, kubernetesVersion }))!;
      switch (lookup.status) {
        case 'missing':
          findings.push({ ...where, message: `no schema for ${object.kind} ${object.apiVersion} (looked in: ${lookup.tried.join(', ')})` });
          break;
        case 'unreachable': // thrown above
        case 'unusable':
          findings.push({ ...where, message: `schema ${lookup.location} is unusable: ${lookup.reason}` });
          break;
        case 'found':
          if (!lookup.validate(object)) {
            for (const problem of describeSchemaErrors(lookup.validate.errors ?? [], object)) {
              findings.push({ ...where, field: formatFieldPath(problem.path), message: problem.message });
            }
          }
      }
    }
  }
  return findings;
}

/**
 * Schemas that cannot be fetched (typically: no network) fail the whole validation with one message,
 * naming the servers and how to use a local copy, rather than one finding per document.
 */
function unreachableSchemas(lookups: readonly { location: string; reason: string }[]): ValidationConfigurationError {
  const servers = [...new Set(lookups.map(({ location }) => new URL(location).origin))];
  const reasons = [...new Set(lookups.map(({ reason }) => reason))];
  return new ValidationConfigurationError(
    `cannot fetch the schemas from ${servers.join(', ')} (${reasons.join(', ')}); without network, point --schema-location at a local copy, ` +
      `e.g. --schema-location ../shared/kubernetes-json-schema --schema-location '../shared/kubernetes-json-schema/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'`,
  );
}
