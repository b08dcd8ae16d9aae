/** Platform policy: every container and init container sets cpu and memory requests and limits. */
import type { Finding } from '../finding';
import { containersOf, type PodTemplate } from './pod-templates';
import { policyFinding } from './policy-finding';

const REQUIRED = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'cpu'],
  ['limits', 'memory'],
] as const;

export function checkResources(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const { container, path, label } of containersOf(template, ['containers', 'initContainers'])) {
    for (const [kind, resource] of REQUIRED) {
      if (container.resources?.[kind]?.[resource] === undefined) {
        findings.push(policyFinding(template, [...path, 'resources', kind, resource], `${label} has no ${resource} ${kind === 'requests' ? 'request' : 'limit'}`));
      }
    }
  }
  return findings;
}
