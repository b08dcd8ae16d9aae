/**
 * Object metadata as the API server validates it and the JSON schemas do not: the name (a DNS-1123
 * subdomain, at most 253 characters), the namespace (a DNS label), label keys and values, annotation keys
 * and the 256 KiB of annotations (k8s.io/apimachinery/pkg/api/validation ValidateObjectMeta). Every
 * source of objects is covered: the values-driven charts, cdk8s-plus constructs, imported CRD classes,
 * `Include` and JSON patches.
 */
import type { Finding } from '../finding';
import { isKubernetesObject, isRecord, type ManifestDocument } from '../kubernetes-object';
import { ANNOTATIONS_SIZE_LIMIT, annotationsSize, dnsLabelPattern, labelValuePattern, qualifiedNamePattern } from '../../values/kubernetes-names';
import { policyFinding } from './policy-finding';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = new RegExp(dnsLabelPattern);
const QUALIFIED_NAME = new RegExp(qualifiedNamePattern);
const LABEL_VALUE = new RegExp(labelValuePattern);

function validKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  return QUALIFIED_NAME.test(key) && (slash < 0 || slash <= 253);
}

export function checkMetadata(documents: readonly ManifestDocument[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, doc } of documents) {
    if (!isKubernetesObject(doc) || !isRecord(doc.metadata)) continue;
    const at = (path: (string | number)[], message: string) => findings.push(policyFinding({ file, object: doc }, path, message));
    const { name, namespace, labels, annotations } = doc.metadata as Record<string, unknown>;
    if (typeof name === 'string' && (!DNS_SUBDOMAIN.test(name) || name.length > 253)) {
      at(['metadata', 'name'], `"${name}" is not a valid object name: lower-case letters, digits, "-" and ".", at most 253 characters`);
    }
    if (typeof namespace === 'string' && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
      at(['metadata', 'namespace'], `"${namespace}" is not a valid namespace: a DNS label of at most 63 characters`);
    }
    if (isRecord(labels)) {
      for (const [key, value] of Object.entries(labels)) {
        if (!validKey(key)) at(['metadata', 'labels', key], `"${key}" is not a valid label key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", "."`);
        if (typeof value !== 'string' || !LABEL_VALUE.test(value))
          at(['metadata', 'labels', key], `${JSON.stringify(value)} is not a valid label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit`);
      }
    }
    if (isRecord(annotations)) {
      for (const key of Object.keys(annotations)) {
        if (!validKey(key)) at(['metadata', 'annotations', key], `"${key}" is not a valid annotation key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", "."`);
      }
      const size = annotationsSize(annotations as Record<string, string>);
      if (size > ANNOTATIONS_SIZE_LIMIT) at(['metadata', 'annotations'], `${size} bytes of annotations: Kubernetes allows ${ANNOTATIONS_SIZE_LIMIT}`);
    }
  }
  return findings;
}
