/**
 * What the API server validates beyond the OpenAPI schemas, for the kinds the platform writes (the
 * names, label values and pod template labels are in ../policy/metadata.ts): pod templates
 * (./pod-templates.ts) and objects (./objects.ts). Each rule's docstring cites its source.
 */
import type { Finding } from '../finding';
import type { ManifestDocument } from '../kubernetes-object';
import { podTemplatesOf } from '../policy/pod-templates';
import { checkObjectRules } from './objects';
import { checkPodTemplateRules } from './pod-templates';

export function checkServerSideRules(documents: readonly ManifestDocument[]): Finding[] {
  const documentOf = new Map(documents.map((d) => [d.doc, d.document]));
  const templates = podTemplatesOf(documents).flatMap((template) => checkPodTemplateRules(template).map((finding) => ({ ...finding, document: documentOf.get(template.object) })));
  return [...templates, ...checkObjectRules(documents)];
}
