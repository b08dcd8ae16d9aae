/** One problem found in the manifests: where it is, in which object, and what is wrong. */
export interface Finding {
  readonly file: string;
  /** Set for YAML syntax errors; schema and policy findings name the object and field instead. */
  readonly line?: number;
  readonly column?: number;
  /** The document's position in a file of several (API server findings). */
  readonly document?: number;
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds. */
  readonly object?: string;
  /** The Kubernetes version whose schema was used (schema findings only). */
  readonly kubernetesVersion?: string;
  /** Field path within the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly field?: string;
  readonly message: string;
  /** Why, in one word, where the source has one: `cel-violation` for a CRD's CEL rule. */
  readonly reason?: string;
}

/**
 * `<file>[ (document <n>)]: <object> (Kubernetes <version>): <field>: <message>[ [<reason>]]`, leaving out
 * the parts a finding lacks.
 */
export function formatFinding(finding: Finding): string {
  let where = finding.file;
  if (finding.document !== undefined) where += ` (document ${finding.document})`;
  if (finding.line !== undefined) where += finding.column === undefined ? `:${finding.line}` : `:${finding.line}:${finding.column}`;
  if (finding.object !== undefined) where += `: ${finding.object}`;
  if (finding.kubernetesVersion !== undefined) where += ` (Kubernetes ${finding.kubernetesVersion})`;
  const what = finding.field ? `${finding.field}: ${finding.message}` : finding.message;
  return `${where}: ${what}${finding.reason === undefined ? '' : ` [${finding.reason}]`}`;
}
