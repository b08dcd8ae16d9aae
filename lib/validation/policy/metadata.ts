/**
 * Object metadata as the API server validates it and the JSON schemas do not: the name (a DNS-1123
 * subdomain, at most 253 characters), the namespace (a DNS label), label keys and values, annotation keys
 * and the 256 KiB of annotations (k8s.io/apimachinery/pkg/api/validation ValidateObjectMeta). Every
 * source of objects is covered: the values-driven charts, cdk8s-plus constructs, imported CRD classes,
 * `Include` and JSON patches. Also, by kind, the names the API server holds to a DNS label (Services,
 * Namespaces, Jobs, CronJobs, StatefulSets: at most 63 characters, CronJobs 52, Services starting with a
 * letter) and the labels of every pod template inside an object (a Deployment's, a Job's, an
 * AnalysisTemplate's job), which the API server checks when it creates the pods.
 */
import type { Finding } from '../finding';
import { isKubernetesObject, isRecord, type ManifestDocument } from '../kubernetes-object';
import { ANNOTATIONS_SIZE_LIMIT, annotationsSize, dnsLabelPattern, labelValuePattern, qualifiedNamePattern } from '../../values/kubernetes-names';
import { policyFinding } from './policy-finding';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = new RegExp(dnsLabelPattern);
const QUALIFIED_NAME = new RegExp(qualifiedNamePattern);
const LABEL_VALUE = new RegExp(labelValuePattern);

/**
 * Kinds whose names are DNS labels, with their longest name (apimachinery: Service is a DNS-1035 label;
 * Namespace a DNS-1123 label; a Job's name becomes its pods' job-name label; a CronJob appends 11
 * characters for its Jobs; a StatefulSet's pods are `<name>-<ordinal>`, labelled with that name).
 */
const LABEL_NAMED_KINDS: Readonly<Record<string, { readonly max: number; readonly pattern: RegExp; readonly rule: string }>> = {
  Service: { max: 63, pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/, rule: 'a DNS-1035 label: lower-case letters, digits and "-", starting with a letter' },
  Namespace: { max: 63, pattern: DNS_LABEL, rule: 'a DNS label' },
  Job: { max: 63, pattern: DNS_LABEL, rule: 'a DNS label (its pods carry it as the job-name label)' },
  CronJob: { max: 52, pattern: DNS_LABEL, rule: 'a DNS label (its Jobs append 11 characters)' },
  StatefulSet: { max: 63, pattern: DNS_LABEL, rule: 'a DNS label (its pods are named and labelled after it)' },
};

function validKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  return QUALIFIED_NAME.test(key) && (slash < 0 || slash <= 253);
}

type Report = (path: (string | number)[], message: string) => void;

function checkLabels(labels: unknown, metadataPath: (string | number)[], at: Report): void {
  if (!isRecord(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    if (!validKey(key)) at([...metadataPath, 'labels', key], `"${key}" is not a valid label key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", "."`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value))
      at([...metadataPath, 'labels', key], `${JSON.stringify(value)} is not a valid label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit`);
  }
}

/** Every `template.metadata` (a pod template's) under `node`, at any depth, with its path. */
function podTemplateMetadata(node: unknown, path: (string | number)[]): { labels: unknown; at: (string | number)[] }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => podTemplateMetadata(item, [...path, i]));
  if (!isRecord(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const own = key === 'template' && isRecord(value) && isRecord(value.metadata) ? [{ labels: value.metadata.labels, at: [...path, key, 'metadata'] }] : [];
    return [...own, ...podTemplateMetadata(value, [...path, key])];
  });
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
    const labelNamed = LABEL_NAMED_KINDS[String(doc.kind)];
    if (labelNamed && typeof name === 'string' && DNS_SUBDOMAIN.test(name) && (!labelNamed.pattern.test(name) || name.length > labelNamed.max)) {
      at(['metadata', 'name'], `"${name}" (${name.length} characters) is not a valid ${doc.kind} name: ${labelNamed.rule} of at most ${labelNamed.max} characters`);
    }
    if (typeof namespace === 'string' && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
      at(['metadata', 'namespace'], `"${namespace}" is not a valid namespace: a DNS label of at most 63 characters`);
    }
    checkLabels(labels, ['metadata'], at);
    for (const path of podTemplateMetadata(doc.spec, ['spec'])) checkLabels(path.labels, path.at, at);
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
