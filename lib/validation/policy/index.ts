/** Platform policy checks over a whole manifest set (some rules need other objects: Namespaces, NetworkPolicies). */
import type { Finding } from '../finding';
import type { ManifestDocument } from '../kubernetes-object';
import { checkImages } from './images';
import { checkMetadata } from './metadata';
import { checkNetworkPolicyCoverage, podSelectorsByNamespace } from './network-policy';
import { checkPlatformReferences } from './platform-references';
import { checkPodSecurity, enforcedLevels } from './pod-security';
import { podTemplatesOf } from './pod-templates';
import { checkProbes } from './probes';
import { checkResources } from './resources';
import { checkSecrets } from './secrets';
import { routeClaimFindings } from '../../traffic/route-claims';

export function checkPolicies(documents: readonly ManifestDocument[]): Finding[] {
  const levels = enforcedLevels(documents);
  const selectors = podSelectorsByNamespace(documents);
  const findings: Finding[] = [];
  for (const template of podTemplatesOf(documents)) {
    findings.push(...checkPodSecurity(template, levels), ...checkResources(template), ...checkProbes(template), ...checkImages(template), ...checkNetworkPolicyCoverage(template, selectors));
  }
  findings.push(...checkSecrets(documents), ...checkMetadata(documents), ...checkPlatformReferences(documents));
  // A host and path claimed by two routes or Ingresses of one environment (lib/traffic/route-claims.ts).
  findings.push(...routeClaimFindings(documents));
  return findings;
}
