/**
 * Wiring between applications: a dependency that names another application (`{app: api, port: http}`)
 * is resolved in each environment to what a NetworkPolicy needs, on both sides, and written into the
 * values so that the Helm charts (which know only their own application) render the same policies:
 * - the caller's dependency gets `namespaceLabels` (the callee's namespace `<app>-<env>`), `podLabels`
 *   (the callee's selector labels), `port` (the port of the callee's pods: http's container port, or
 *   the target of one of its `service.extraPorts`, named or by number) and `protocol`;
 * - the callee gets the caller in `networkPolicy.dependents`, for an ingress rule on that port only.
 * - the caller's dependency also gets `host` (the callee's Service, `<fullname>.<namespace>.svc`) and
 *   `servicePort`, which waitForDependencies waits for.
 * Unknown applications, ports the callee does not expose, a dependency on itself, resolved fields or
 * dependents written by hand, and applications that wait for each other at start
 * (waitForDependencies, found with graphlib's Tarjan cycles) are refused with their location.
 */
import { Graph, alg } from '@dagrejs/graphlib';
import { names } from '../app/names';
import { releaseScope } from '../chart/release';
import type { AppValues } from './schema';

type Report = (app: string, path: (string | number)[], message: string) => void;

type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A port an application exposes: the port of its pods (what NetworkPolicies match), its Service port and protocol. */
interface ExposedPort {
  readonly port: number;
  readonly servicePort: number;
  readonly protocol: Protocol;
}

/**
 * The ports an application exposes, by Service port name: http, and each of `service.extraPorts` as
 * the port of its pods the traffic reaches (a number of the application container, or a sidecar port
 * by name), with its protocol. NetworkPolicies match the pods' ports, not the Service's.
 */
function exposedPorts(app: AppValues): Record<string, ExposedPort> {
  const ports: Record<string, ExposedPort> = { http: { port: app.containerPort, servicePort: app.service.port, protocol: 'TCP' } };
  const sidecarPorts = new Map(app.sidecars.flatMap((sidecar) => (sidecar.ports ?? []).map((port) => [port.name, port.containerPort] as const)));
  for (const extra of app.service.extraPorts) {
    const port = typeof extra.targetPort === 'number' ? extra.targetPort : sidecarPorts.get(extra.targetPort);
    if (port !== undefined) ports[extra.name] = { port, servicePort: extra.port, protocol: extra.protocol ?? 'TCP' };
  }
  return ports;
}

/** The selector labels of an application's pods and its Service's DNS name (lib/app/names.ts), as the callee's chart sets them. */
function identityOf(name: string, app: AppValues, namespace: string): { podLabels: { 'app.kubernetes.io/name': string; 'app.kubernetes.io/instance': string }; host: string } {
  const scope = releaseScope({ name, version: '0.0.0', appVersion: app.image.tag }, app, { name, namespace });
  return {
    podLabels: { 'app.kubernetes.io/name': names.name.evaluate(scope) as string, 'app.kubernetes.io/instance': name },
    host: `${names.fullname.evaluate(scope)}.${namespace}.svc`,
  };
}

/**
 * Resolves the dependencies between `applications` (one environment's, by name; changed in place) and
 * reports problems per application. `namespaceOf(app)` is an application's namespace there; null for
 * the charts' own values.yaml, which no environment's layout locates: there only the ports are
 * resolved, and each chart finds the others where its release is (lib/app/callee.ts).
 */
export function resolveWiring(applications: ReadonlyMap<string, AppValues>, namespaceOf: ((app: string) => string) | null, report: Report): void {
  const dependents = new Map<string, NonNullable<AppValues['networkPolicy']['dependents']>>();
  // Who waits for whom at start (waitForDependencies), by name; the edge's label is the dependency's index.
  const waits = new Graph();
  for (const [name, app] of applications) {
    if (app.networkPolicy.dependents !== undefined) {
      report(name, ['networkPolicy', 'dependents'], 'is derived by synth from the other applications’ dependencies: remove it');
    }
    dependents.set(name, []);
  }
  for (const [caller, app] of applications) {
    for (const [i, dep] of app.networkPolicy.dependencies.entries()) {
      if (dep.app === undefined) {
        if (dep.port === undefined) report(caller, ['networkPolicy', 'dependencies', i, 'port'], 'required value is missing (a port number)');
        else if (typeof dep.port === 'string') report(caller, ['networkPolicy', 'dependencies', i, 'port'], `expected a port number; a port name only works with app, got "${dep.port}"`);
        continue;
      }
      const at = ['networkPolicy', 'dependencies', i];
      for (const field of ['cidr', 'namespaceLabels', 'podLabels', 'protocol', 'host', 'servicePort', 'namespace', 'release'] as const) {
        if (dep[field] !== undefined) report(caller, [...at, field], `is derived from app (${dep.app}): remove it`);
      }
      const callee = applications.get(dep.app);
      if (dep.app === caller) {
        report(caller, [...at, 'app'], 'an application does not depend on itself');
        continue;
      }
      if (!callee) {
        report(caller, [...at, 'app'], `expected an application of the platform (${[...applications.keys()].join(', ')}), got "${dep.app}"`);
        continue;
      }
      const ports = exposedPorts(callee);
      const requested = dep.port ?? 'http';
      const target = typeof requested === 'number' ? Object.values(ports).find((p) => p.port === requested) : Object.hasOwn(ports, requested) ? ports[requested] : undefined;
      if (target === undefined) {
        const exposed = Object.entries(ports)
          .map(([portName, p]) => `${portName} ${p.port}`)
          .join(', ');
        report(caller, [...at, 'port'], `${dep.app} does not expose ${JSON.stringify(requested)} (its ports: ${exposed})`);
        continue;
      }
      Object.assign(dep, { name: dep.name ?? dep.app, port: target.port, protocol: target.protocol, servicePort: target.servicePort });
      if (namespaceOf !== null) {
        const namespace = namespaceOf(dep.app);
        const identity = identityOf(dep.app, callee, namespace);
        Object.assign(dep, { host: identity.host, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, podLabels: identity.podLabels });
      }
      if (app.waitForDependencies.enabled) waits.setEdge(caller, dep.app, i);
      const list = dependents.get(dep.app)!;
      if (!list.some((d) => d.app === caller && d.port === target.port && d.protocol === target.protocol)) {
        const located = namespaceOf === null ? {} : { namespace: namespaceOf(caller), podLabels: identityOf(caller, app, namespaceOf(caller)).podLabels };
        list.push({ app: caller, ...located, port: target.port, protocol: target.protocol });
      }
    }
  }
  for (const [name, app] of applications) {
    if (app.networkPolicy.dependents === undefined) app.networkPolicy.dependents = dependents.get(name)!;
  }
  // Applications that wait for each other at start never start. A cycle of NetworkPolicies alone is fine.
  for (const cycle of alg.findCycles(waits)) {
    const members = [...cycle].sort();
    const first = members[0];
    const next = members.find((other) => waits.hasEdge(first, other))!;
    report(
      first,
      ['networkPolicy', 'dependencies', waits.edge(first, next) as number, 'app'],
      `${members.join(', ')} wait for each other at start (waitForDependencies.enabled on each): none would start; disable waitForDependencies on one of them`,
    );
  }
}
