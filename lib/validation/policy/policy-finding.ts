import { type FieldPath, formatFieldPath } from '../field-path';
import type { Finding } from '../finding';
import { type KubernetesObject, objectRef } from '../kubernetes-object';

/** A policy finding on a field of an object. */
export function policyFinding(source: { readonly file: string; readonly object: KubernetesObject }, path: FieldPath, message: string): Finding {
  return { file: source.file, object: objectRef(source.object), field: formatFieldPath(path), message };
}
