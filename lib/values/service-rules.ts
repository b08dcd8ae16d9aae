/**
 * Rules on what the Service exposes and whom the NetworkPolicies admit (service.allowFrom,
 * service.extraPorts, the Service type); part of the rules of lib/values/app-rules.ts, in TypeScript and
 * Go side by side.
 */
import type { AppRule } from './rule';
import type { AppValues } from './schema';

/** The rules; the order is the order of the messages. */
export const SERVICE_RULES: readonly AppRule[] = [
  {
    // A source admitted by a NetworkPolicy is a network or namespaces (and pods): with neither, the peer
    // would admit every namespace, wider than the values.
    check: (v, report) => {
      const lists: [(string | number)[], AppValues['service']['allowFrom']][] = [
        [['service', 'allowFrom'], v.service.allowFrom],
        ...v.service.extraPorts.map((port, i): [(string | number)[], AppValues['service']['allowFrom']] => [['service', 'extraPorts', i, 'allowFrom'], port.allowFrom ?? []]),
      ];
      for (const [at, peers] of lists) {
        peers.forEach((peer, j) => {
          if ((peer.cidr === undefined) === (peer.namespaceLabels === undefined)) report([...at, j], 'expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)');
          if (peer.cidr !== undefined && peer.podLabels !== undefined) report([...at, j, 'podLabels'], 'podLabels only apply with namespaceLabels');
        });
      }
    },
    go: `{{- $peerLists := list (list "service.allowFrom" .Values.service.allowFrom) }}
{{- range $i, $port := .Values.service.extraPorts }}{{ $peerLists = append $peerLists (list (printf "service.extraPorts[%d].allowFrom" $i) $port.allowFrom) }}{{ end }}
{{- range $peerList := $peerLists }}
{{- range $j, $peer := index $peerList 1 }}
{{- if eq (hasKey $peer "cidr") (hasKey $peer "namespaceLabels") }}
{{- fail (printf "%s[%d]: expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)" (index $peerList 0) $j) }}
{{- end }}
{{- if and (hasKey $peer "cidr") (hasKey $peer "podLabels") }}
{{- fail (printf "%s[%d].podLabels: podLabels only apply with namespaceLabels" (index $peerList 0) $j) }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // Extra Service ports: names and ports of their own; a number targets the application container
    // (which declares it under the port's name), a name targets a sidecar's port.
    check: (v, report) => {
      const sidecarPorts = new Map(v.sidecars.flatMap((sidecar) => (sidecar.ports ?? []).map((port) => [port.name, port.containerPort] as const)));
      const sidecarNumbers = new Set(sidecarPorts.values());
      const names = new Set(['http']);
      const ports = new Set([`${v.service.port}/TCP`]);
      v.service.extraPorts.forEach((port, i) => {
        const at = ['service', 'extraPorts', i];
        if (names.has(port.name)) report([...at, 'name'], `"${port.name}" is already a port of the Service`);
        names.add(port.name);
        const key = `${port.port}/${port.protocol ?? 'TCP'}`;
        if (ports.has(key)) report([...at, 'port'], `${key} is already a port of the Service`);
        ports.add(key);
        if (typeof port.targetPort === 'string') {
          if (!sidecarPorts.has(port.targetPort))
            report(
              [...at, 'targetPort'],
              `expected a port number of the application container or the name of a sidecar port (${[...sidecarPorts.keys()].sort().join(', ') || 'none'}), got "${port.targetPort}"`,
            );
        } else if (port.targetPort === v.containerPort) {
          report([...at, 'targetPort'], `${port.targetPort} is the http port; the Service already exposes it`);
        } else if (sidecarNumbers.has(port.targetPort)) {
          report([...at, 'targetPort'], `${port.targetPort} is a sidecar's port: name it instead`);
        } else if (sidecarPorts.has(port.name)) {
          report([...at, 'name'], `"${port.name}" is already a sidecar's port (the application container declares its target under this name)`);
        }
      });
    },
    go: `{{- $sidecarPorts := dict }}
{{- $sidecarNumbers := dict }}
{{- range .Values.sidecars }}{{ range .ports }}{{ $_ := set $sidecarPorts .name true }}{{ $_ := set $sidecarNumbers (include "C.str" .containerPort) true }}{{ end }}{{ end }}
{{- $names := dict "http" true }}
{{- $ports := dict (printf "%s/TCP" (include "C.str" .Values.service.port)) true }}
{{- range $i, $port := .Values.service.extraPorts }}
{{- if hasKey $names $port.name }}
{{- fail (printf "service.extraPorts[%d].name: \\"%s\\" is already a port of the Service" $i $port.name) }}
{{- end }}
{{- $_ := set $names $port.name true }}
{{- $key := printf "%s/%s" (include "C.str" $port.port) (default "TCP" $port.protocol) }}
{{- if hasKey $ports $key }}
{{- fail (printf "service.extraPorts[%d].port: %s is already a port of the Service" $i $key) }}
{{- end }}
{{- $_ := set $ports $key true }}
{{- if kindIs "string" $port.targetPort }}
{{- if not (hasKey $sidecarPorts $port.targetPort) }}
{{- fail (printf "service.extraPorts[%d].targetPort: expected a port number of the application container or the name of a sidecar port (%s), got \\"%s\\"" $i (default "none" (join ", " (keys $sidecarPorts | sortAlpha))) $port.targetPort) }}
{{- end }}
{{- else if eq (float64 $port.targetPort) (float64 $.Values.containerPort) }}
{{- fail (printf "service.extraPorts[%d].targetPort: %s is the http port; the Service already exposes it" $i (include "C.str" $port.targetPort)) }}
{{- else if hasKey $sidecarNumbers (include "C.str" $port.targetPort) }}
{{- fail (printf "service.extraPorts[%d].targetPort: %s is a sidecar's port: name it instead" $i (include "C.str" $port.targetPort)) }}
{{- else if hasKey $sidecarPorts $port.name }}
{{- fail (printf "service.extraPorts[%d].name: \\"%s\\" is already a sidecar's port (the application container declares its target under this name)" $i $port.name) }}
{{- end }}
{{- end }}`,
  },
  {
    // Nodes and load balancers forward traffic from outside the cluster: with NetworkPolicies, the
    // Service would take it and the pods refuse it, unless the values say which networks to admit.
    check: (v, report) => {
      if (v.service.type !== 'ClusterIP' && v.networkPolicy.enabled && v.service.allowFrom.length === 0) {
        report(['service', 'allowFrom'], `required for type ${v.service.type} with networkPolicy.enabled: the networks the nodes or the load balancer forward from (the NetworkPolicies admit nothing else)`);
      }
    },
    go: `{{- if and (ne .Values.service.type "ClusterIP") .Values.networkPolicy.enabled (not .Values.service.allowFrom) }}
{{- fail (printf "service.allowFrom: required for type %s with networkPolicy.enabled: the networks the nodes or the load balancer forward from (the NetworkPolicies admit nothing else)" .Values.service.type) }}
{{- end }}`,
  },
];
