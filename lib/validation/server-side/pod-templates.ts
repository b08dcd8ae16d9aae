/**
 * Pod template rules of the API server that the OpenAPI schemas do not state
 * (k8s.io/kubernetes/pkg/apis/core/validation/validation.go), for every workload kind (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Rollout, an AnalysisTemplate's jobs):
 * - container names: DNS labels, unique across containers, init containers and ephemeral containers
 *   (validateContainers / validateInitContainers: "Duplicate value");
 * - container port names: IANA_SVC_NAME (at most 15 characters, lower-case letters, digits and "-",
 *   at least one letter, no "--", not starting or ending with "-"; validation.IsValidPortName), unique
 *   within the pod (validateContainerPorts, AccumulateUniqueHostPorts's sibling check of names);
 * - probes: exactly one handler (exec, httpGet, tcpSocket, grpc) each (validateHandler: "may not specify
 *   more than 1 handler type" / "must specify a handler type");
 * - resources: each request at most its limit (ValidateResourceRequirements: "must be less than or
 *   equal to <resource> limit").
 */
import { dnsLabelPattern } from '../../values/kubernetes-names';
import { parseQuantity, isQuantity } from '../../values/quantity';
import type { Finding } from '../finding';
import { isRecord } from '../kubernetes-object';
import { containersOf, type PodTemplate } from '../policy/pod-templates';
import { policyFinding } from '../policy/policy-finding';

const DNS_LABEL = new RegExp(dnsLabelPattern);

/** k8s.io/apimachinery/pkg/util/validation IsValidPortName (IANA_SVC_NAME, RFC 6335). */
function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return `"${name}" is ${name.length} characters; a port name (IANA_SVC_NAME) is at most 15`;
  if (!/^[-a-z0-9]+$/.test(name)) return `"${name}" is not a valid port name: lower-case letters, digits and "-" only (IANA_SVC_NAME)`;
  if (!/[a-z]/.test(name)) return `"${name}" is not a valid port name: it needs at least one letter (IANA_SVC_NAME)`;
  if (name.includes('--') || name.startsWith('-') || name.endsWith('-')) return `"${name}" is not a valid port name: no "--", and no "-" at either end (IANA_SVC_NAME)`;
  return undefined;
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

export function checkPodTemplateRules(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  const at = (path: (string | number)[], message: string) => findings.push(policyFinding(template, path, message));
  const containerNames = new Map<string, string>();
  const portNames = new Map<string, string>();
  for (const { container, path, label } of containersOf(template)) {
    const name = container.name;
    if (typeof name === 'string') {
      if (!DNS_LABEL.test(name) || name.length > 63) at([...path, 'name'], `${label}: a container name is a DNS label of at most 63 characters`);
      const earlier = containerNames.get(name);
      if (earlier !== undefined) at([...path, 'name'], `${label}: duplicate container name (also ${earlier}); names are unique across the pod's containers`);
      else containerNames.set(name, label);
    }
    const ports = (container as { ports?: unknown }).ports;
    if (Array.isArray(ports)) {
      ports.forEach((port: unknown, index) => {
        if (!isRecord(port) || typeof port.name !== 'string') return;
        const problem = portNameProblem(port.name);
        if (problem) at([...path, 'ports', index, 'name'], `${label}: ${problem}`);
        const earlier = portNames.get(port.name);
        if (earlier !== undefined) at([...path, 'ports', index, 'name'], `${label}: duplicate port name "${port.name}" (also in ${earlier}); port names are unique within the pod`);
        else portNames.set(port.name, label);
      });
    }
    for (const probe of PROBES) {
      const value = (container as Record<string, unknown>)[probe];
      if (!isRecord(value)) continue;
      const handlers = HANDLERS.filter((handler) => value[handler] !== undefined);
      if (handlers.length !== 1) {
        at([...path, probe], `${label}: ${handlers.length === 0 ? 'a probe must specify a handler' : `a probe may have one handler, it has ${handlers.join(', ')}`} (one of exec, httpGet, tcpSocket, grpc)`);
      }
    }
    const resources = (container as { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }).resources;
    for (const [resource, request] of Object.entries(resources?.requests ?? {})) {
      const limit = resources?.limits?.[resource];
      if (typeof request !== 'string' && typeof request !== 'number') continue;
      if (typeof limit !== 'string' && typeof limit !== 'number') continue;
      if (!isQuantity(String(request)) || !isQuantity(String(limit))) continue;
      if (parseQuantity(String(request)) > parseQuantity(String(limit))) {
        at([...path, 'resources', 'requests', resource], `${label}: the ${resource} request ${request} must be less than or equal to its limit ${limit}`);
      }
    }
  }
  return findings;
}
