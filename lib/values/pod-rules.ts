/**
 * Rules on the pod's containers from values (init containers, sidecars, the dependency wait, the
 * migration Job's) and the application container's lifecycle hooks; part of the rules of
 * lib/values/app-rules.ts, in TypeScript and Go side by side.
 */
import { DEPENDENCY_WAIT_NAME } from '../app/dependency-wait';
import { parseQuantity } from './quantity';
import type { AppRule } from './rule';

/** The lists of containers given in values, and how a message names one of them. */
const CONTAINER_LISTS = [
  ['initContainers', 'an init container'],
  ['sidecars', 'a sidecar'],
] as const;

/** The kinds of probe, in the order their messages come. */
export const PROBE_KINDS = ['startup', 'liveness', 'readiness'] as const;

/** The fields of a sidecar probe that only some types have (lib/values/schema.ts SidecarProbe). */
const PROBE_FIELDS = [
  { name: 'port', types: ['http', 'tcp', 'grpc'], why: 'connects to a port' },
  { name: 'path', types: ['http'], why: 'gets a path' },
  { name: 'command', types: ['exec'], why: 'runs a command' },
] as const;

/** The rules; the order is the order of the messages. */
export const POD_RULES: readonly AppRule[] = [
  {
    // Every container of the pod has a name of its own (the API server refuses a pod with two), mounts
    // volumes of the pod, and leaves /tmp to the chart's own mount.
    check: (v, report, context) => {
      const volumes = new Set(['tmp', ...v.extraVolumes.map((volume) => volume.name)]);
      const containers = new Map([[context.containerName, 'the application container']]);
      if (v.waitForDependencies.enabled) containers.set(DEPENDENCY_WAIT_NAME, 'the dependency wait (waitForDependencies)');
      for (const [list, what] of CONTAINER_LISTS) {
        v[list].forEach((container, i) => {
          const taken = containers.get(container.name);
          if (taken !== undefined) report([list, i, 'name'], `"${container.name}" is already ${taken}`);
          else containers.set(container.name, what);
          (container.volumeMounts ?? []).forEach((mount, j) => {
            if (!volumes.has(mount.name)) report([list, i, 'volumeMounts', j, 'name'], `expected tmp or the name of one of extraVolumes, got "${mount.name}"`);
            if (mount.mountPath === '/tmp') report([list, i, 'volumeMounts', j, 'mountPath'], '/tmp is already a mount of the container');
          });
        });
      }
    },
    go: `{{- $volumes := dict "tmp" true }}
{{- range .Values.extraVolumes }}{{ $_ := set $volumes .name true }}{{ end }}
{{- $containers := dict (include "C.name" $) "the application container" }}
{{- if .Values.waitForDependencies.enabled }}{{ $_ := set $containers "${DEPENDENCY_WAIT_NAME}" "the dependency wait (waitForDependencies)" }}{{ end }}
{{- range $list := list ${CONTAINER_LISTS.map(([list]) => JSON.stringify(list)).join(' ')} }}
{{- range $i, $container := index $.Values $list }}
{{- if hasKey $containers $container.name }}
{{- fail (printf "%s[%d].name: \\"%s\\" is already %s" $list $i $container.name (get $containers $container.name)) }}
{{- end }}
{{- $_ := set $containers $container.name (ternary "an init container" "a sidecar" (eq $list "initContainers")) }}
{{- range $j, $mount := $container.volumeMounts }}
{{- if not (hasKey $volumes $mount.name) }}
{{- fail (printf "%s[%d].volumeMounts[%d].name: expected tmp or the name of one of extraVolumes, got \\"%s\\"" $list $i $j $mount.name) }}
{{- end }}
{{- if eq $mount.mountPath "/tmp" }}
{{- fail (printf "%s[%d].volumeMounts[%d].mountPath: /tmp is already a mount of the container" $list $i $j) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // Each container from values requests at most its limits, as the application container does.
    check: (v, report) => {
      for (const [list] of CONTAINER_LISTS) {
        v[list].forEach((container, i) => {
          for (const resource of ['cpu', 'memory'] as const) {
            const requested = container.resources.requests[resource];
            const limited = container.resources.limits[resource];
            if (parseQuantity(requested) > parseQuantity(limited)) report([list, i, 'resources', 'requests', resource], `expected at most the limit (${limited}), got ${requested}`);
          }
        });
      }
    },
    go: `{{- range $list := list ${CONTAINER_LISTS.map(([list]) => JSON.stringify(list)).join(' ')} }}
{{- range $i, $container := index $.Values $list }}
{{- range $resource := list "cpu" "memory" }}
{{- $request := index $container.resources.requests $resource }}
{{- $limit := index $container.resources.limits $resource }}
{{- if gt (float64 (include "C.quantity" $request)) (float64 (include "C.quantity" $limit)) }}
{{- fail (printf "%s[%d].resources.requests.%s: expected at most the limit (%s), got %s" $list $i $resource (include "C.str" $limit) (include "C.str" $request)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // A sidecar's probe has the fields of its type and no other: a port for http, tcp and grpc, a path
    // for http, a command for exec. Its ports have names of their own, none the application's http.
    check: (v, report) => {
      const portNames = new Set(['http']);
      v.sidecars.forEach((sidecar, i) => {
        for (const kind of PROBE_KINDS) {
          const probe = sidecar.probes[kind];
          if (probe === undefined) continue;
          for (const field of PROBE_FIELDS) {
            const wanted = (field.types as readonly string[]).includes(probe.type);
            if (wanted && probe[field.name] === undefined) report(['sidecars', i, 'probes', kind, field.name], `required value is missing (type ${probe.type} ${field.why})`);
            if (!wanted && probe[field.name] !== undefined) report(['sidecars', i, 'probes', kind, field.name], `only type ${field.types.join(' or ')} has a ${field.name} (this probe is ${probe.type})`);
          }
        }
        (sidecar.ports ?? []).forEach((port, j) => {
          if (portNames.has(port.name)) report(['sidecars', i, 'ports', j, 'name'], `"${port.name}" is already a port of the pod`);
          portNames.add(port.name);
          if (port.containerPort === v.containerPort) report(['sidecars', i, 'ports', j, 'containerPort'], `${port.containerPort} is the application's containerPort`);
        });
      });
    },
    go: `{{- $portNames := dict "http" true }}
{{- range $i, $sidecar := .Values.sidecars }}
{{- range $kind := list ${PROBE_KINDS.map((kind) => JSON.stringify(kind)).join(' ')} }}
{{- $probe := index $sidecar.probes $kind }}
{{- if $probe }}
${PROBE_FIELDS.map(
  (field) => `{{- $wanted := has $probe.type (list ${field.types.map((type) => JSON.stringify(type)).join(' ')}) }}
{{- if and $wanted (not (hasKey $probe "${field.name}")) }}
{{- fail (printf "sidecars[%d].probes.%s.${field.name}: required value is missing (type %s ${field.why})" $i $kind $probe.type) }}
{{- end }}
{{- if and (not $wanted) (hasKey $probe "${field.name}") }}
{{- fail (printf "sidecars[%d].probes.%s.${field.name}: only type ${field.types.join(' or ')} has a ${field.name} (this probe is %s)" $i $kind $probe.type) }}
{{- end }}`,
).join('\n')}
{{- end }}
{{- end }}
{{- range $j, $port := $sidecar.ports }}
{{- if hasKey $portNames $port.name }}
{{- fail (printf "sidecars[%d].ports[%d].name: \\"%s\\" is already a port of the pod" $i $j $port.name) }}
{{- end }}
{{- $_ := set $portNames $port.name true }}
{{- if eq (float64 $port.containerPort) (float64 $.Values.containerPort) }}
{{- fail (printf "sidecars[%d].ports[%d].containerPort: %s is the application's containerPort" $i $j (include "C.str" $port.containerPort)) }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // The dependency wait needs something to wait for, and a host for each dependency (synth writes an
    // application's; a network or namespace has none of its own).
    check: (v, report) => {
      if (!v.waitForDependencies.enabled) return;
      if (v.networkPolicy.dependencies.length === 0) report(['waitForDependencies', 'enabled'], 'no networkPolicy.dependencies to wait for');
      v.networkPolicy.dependencies.forEach((dep, i) => {
        if (dep.app === undefined && dep.host === undefined) report(['networkPolicy', 'dependencies', i, 'host'], 'required value is missing (waitForDependencies waits for host:port)');
      });
    },
    go: `{{- if .Values.waitForDependencies.enabled }}
{{- if not .Values.networkPolicy.dependencies }}
{{- fail "waitForDependencies.enabled: no networkPolicy.dependencies to wait for" }}
{{- end }}
{{- range $i, $dep := .Values.networkPolicy.dependencies }}
{{- if not (or (hasKey $dep "host") (hasKey $dep "app")) }}
{{- fail (printf "networkPolicy.dependencies[%d].host: required value is missing (waitForDependencies waits for host:port)" $i) }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    // A migration runs a command of its own (the image's entrypoint is the application's server).
    check: (v, report) => {
      if (v.migration.enabled && v.migration.command === undefined) report(['migration', 'command'], 'required value is missing (the migration runs a command)');
    },
    go: `{{- if and .Values.migration.enabled (not (hasKey .Values.migration "command")) }}
{{- fail "migration.command: required value is missing (the migration runs a command)" }}
{{- end }}`,
  },
  {
    // A hook runs a command or gets a URL; preStop takes the place of the preStopSleepSeconds sleep, so
    // one of the two describes the hook.
    check: (v, report) => {
      for (const hook of ['postStart', 'preStop'] as const) {
        const handler = v.lifecycle[hook];
        if (handler !== undefined && (handler.exec === undefined) === (handler.httpGet === undefined)) report(['lifecycle', hook], 'expected exactly one of exec or httpGet');
      }
      if (v.lifecycle.preStop !== undefined && v.preStopSleepSeconds > 0) {
        report(['lifecycle', 'preStop'], `replaces the preStopSleepSeconds sleep (${v.preStopSleepSeconds}); set preStopSleepSeconds to 0 (and sleep in this hook if the pod should keep serving first)`);
      }
    },
    go: `{{- range $hook := list "postStart" "preStop" }}
{{- if hasKey $.Values.lifecycle $hook }}
{{- $handler := index $.Values.lifecycle $hook }}
{{- if eq (hasKey $handler "exec") (hasKey $handler "httpGet") }}
{{- fail (printf "lifecycle.%s: expected exactly one of exec or httpGet" $hook) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and (hasKey .Values.lifecycle "preStop") (gt (float64 .Values.preStopSleepSeconds) 0.0) }}
{{- fail (printf "lifecycle.preStop: replaces the preStopSleepSeconds sleep (%s); set preStopSleepSeconds to 0 (and sleep in this hook if the pod should keep serving first)" (include "C.str" .Values.preStopSleepSeconds)) }}
{{- end }}`,
  },
];
