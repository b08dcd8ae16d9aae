/** Long-running containers (not init containers, not Jobs or bare Pods) have liveness and readiness probes. */
import type { Finding } from '../finding';
import { containersOf, type PodTemplate } from './pod-templates';
import { policyFinding } from './policy-finding';

export function checkProbes(template: PodTemplate): Finding[] {
  if (!template.longRunning) return [];
  const findings: Finding[] = [];
  for (const { container, path, label } of containersOf(template, ['containers'])) {
    for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
      if (container[probe] === undefined) findings.push(policyFinding(template, [...path, probe], `${label} has no ${probe}`));
    }
  }
  return findings;
}
