/** No secret values in git: Secrets are created in the cluster (e.g. by External Secrets), never committed with data. */
import type { Finding } from '../finding';
import { isKubernetesObject, isRecord, type ManifestDocument } from '../kubernetes-object';
import { policyFinding } from './policy-finding';

export function checkSecrets(documents: readonly ManifestDocument[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, doc } of documents) {
    if (!isKubernetesObject(doc) || doc.kind !== 'Secret' || doc.apiVersion !== 'v1') continue;
    for (const field of ['data', 'stringData'] as const) {
      const values = doc[field];
      if (isRecord(values) && Object.keys(values).length > 0) {
        const keys = Object.keys(values).join(', ');
        findings.push(policyFinding({ file, object: doc }, [field], `Secret holds values (${keys}): keep secret values out of git, create the Secret in the cluster (e.g. with an ExternalSecret)`));
      }
    }
  }
  return findings;
}
