/** Images are pinned: a version tag other than `latest`, or a digest. */
import type { Finding } from '../finding';
import { containersOf, type PodTemplate } from './pod-templates';
import { policyFinding } from './policy-finding';

const DIGEST = /@sha256:[0-9a-f]{64}$/;

export function checkImages(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const { container, path, label } of containersOf(template)) {
    const problem = typeof container.image === 'string' ? imageProblem(container.image) : 'has no image';
    if (problem) findings.push(policyFinding(template, [...path, 'image'], `${label} ${problem}`));
  }
  return findings;
}

/** Why an image reference is not pinned, or undefined when it is. */
function imageProblem(image: string): string | undefined {
  if (DIGEST.test(image)) return undefined;
  if (image.includes('@')) return `image ${image} has a malformed digest (expected @sha256: and 64 hex digits)`;
  // The tag follows the last ":" of the last path segment; an earlier ":" belongs to a registry port.
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  if (colon === -1) return `image ${image} has no tag (it means :latest): pin a version tag or a digest`;
  if (name.slice(colon + 1) === 'latest') return `image ${image} uses the latest tag: pin a version tag or a digest`;
  return undefined;
}
