/** Rules across fields that a JSON schema cannot state; checked at synth time. */
import { parseQuantity } from './quantity';
import { AppValues } from './schema';
import { SchemaProblem } from './schema-check';

export function checkAppRules(v: AppValues): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const problem = (path: (string | number)[], message: string) => problems.push({ path, message });

  const scaling = v.autoscaling;
  if (scaling.minReplicas > scaling.maxReplicas) {
    problem(['autoscaling', 'minReplicas'], `expected at most maxReplicas (${scaling.maxReplicas}), got ${scaling.minReplicas}`);
  }

  for (const resource of ['cpu', 'memory'] as const) {
    if (parseQuantity(v.resources.requests[resource]) > parseQuantity(v.resources.limits[resource])) {
      problem(['resources', 'requests', resource], `expected at most the limit (${v.resources.limits[resource]}), got ${v.resources.requests[resource]}`);
    }
    if (parseQuantity(v.quota.requests[resource]) > parseQuantity(v.quota.limits[resource])) {
      problem(['quota', 'requests', resource], `expected at most the quota limit (${v.quota.limits[resource]}), got ${v.quota.requests[resource]}`);
    }
    if (parseQuantity(v.limitRange.defaultRequest[resource]) > parseQuantity(v.limitRange.default[resource])) {
      problem(['limitRange', 'defaultRequest', resource], `expected at most the default limit (${v.limitRange.default[resource]})`);
    }
  }

  checkDisruptionBudget(v, problem);
  checkIngress(v, problem);

  v.networkPolicy.dependencies.forEach((dep, i) => {
    if ((dep.cidr === undefined) === (dep.namespaceLabels === undefined)) {
      problem(['networkPolicy', 'dependencies', i], 'expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)');
    }
    if (dep.cidr !== undefined && dep.podLabels !== undefined) {
      problem(['networkPolicy', 'dependencies', i, 'podLabels'], 'podLabels only apply with namespaceLabels');
    }
  });
  return problems;
}

type Report = (path: (string | number)[], message: string) => void;

/** The PDB must leave at least one pod evictable, or node drains block forever. */
function checkDisruptionBudget(v: AppValues, problem: Report): void {
  const pdb = v.pdb;
  if (!pdb.enabled) return;
  if ((pdb.minAvailable === undefined) === (pdb.maxUnavailable === undefined)) {
    problem(['pdb'], 'expected exactly one of minAvailable or maxUnavailable');
    return;
  }
  const replicas = v.autoscaling.enabled ? v.autoscaling.minReplicas : v.replicaCount;
  const scaled = (value: number | string) =>
    typeof value === 'number' ? value : Math.ceil((replicas * Number(value.slice(0, -1))) / 100);
  if (pdb.minAvailable !== undefined && scaled(pdb.minAvailable) >= replicas) {
    problem(['pdb', 'minAvailable'], `expected fewer than the ${replicas} replica(s) so that one pod can be evicted, got ${pdb.minAvailable}`);
  }
  if (pdb.maxUnavailable !== undefined && scaled(pdb.maxUnavailable) < 1) {
    problem(['pdb', 'maxUnavailable'], `expected at least one pod evictable, got ${pdb.maxUnavailable}`);
  }
}

function checkIngress(v: AppValues, problem: Report): void {
  const ingress = v.ingress;
  if (!ingress.enabled) return;
  if (ingress.hosts.length === 0) problem(['ingress', 'hosts'], 'expected at least one host when the ingress is enabled');
  const hosts = new Set(ingress.hosts.map((h) => h.host));
  if (ingress.tls.enabled) {
    if (ingress.tls.hosts.length === 0) problem(['ingress', 'tls', 'hosts'], 'expected at least one host when TLS is enabled');
    ingress.tls.hosts.forEach((host, i) => {
      if (!hosts.has(host)) problem(['ingress', 'tls', 'hosts', i], `expected one of the ingress hosts (${[...hosts].join(', ')}), got "${host}"`);
    });
  }
  if (ingress.adminPaths.paths.length > 0 && ingress.adminPaths.allowedCidrs.length === 0) {
    problem(['ingress', 'adminPaths', 'allowedCidrs'], 'expected at least one allowed network for the admin paths');
  }
}
