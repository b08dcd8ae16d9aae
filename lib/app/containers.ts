/**
 * The containers of the pod that values add beside the application's: init containers and sidecars.
 * Each gets the Pod Security "restricted" context (whatever the values say), the resources its values
 * require, the pod's writable /tmp and the mounts it asks for; a sidecar also gets its ports and
 * probes (lib/values/app-rules.ts checks that each probe has the fields of its type).
 */
import type { k8s } from 'cdk8s-plus-27';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { eq } from '../template/expr';
import { hasKey, quantities } from '../template/functions';
import { type Refs, each, when } from '../template/manifest';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';

type InitContainer = AppValues['initContainers'][number];
type Sidecar = AppValues['sidecars'][number];
type SidecarProbe = Sidecar['probes']['liveness'];

/** The fields every container from values has: image, command, environment, resources, context and mounts. */
function containerBase(c: Refs<InitContainer>, v: Refs<AppValues>) {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: v.image.pullPolicy,
    command: when(c.command, c.command),
    args: when(c.args, c.args),
    env: when(c.env, c.env),
    resources: quantities(c.resources),
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, each(c.volumeMounts, 'mount', (mount) => mount)],
  } as const;
}

/** An init container from values (`initContainers[]`). */
export function initContainer(init: Refs<InitContainer>, v: Refs<AppValues>): Manifest<k8s.Container> {
  return containerBase(init, v);
}

/** A probe of a sidecar: the handler of its type on its port; each timing only when given (else Kubernetes' default). */
function sidecarProbe(probe: Refs<SidecarProbe>): Manifest<k8s.Probe> {
  const timing = (field: 'initialDelaySeconds' | 'periodSeconds' | 'timeoutSeconds' | 'failureThreshold') => when(hasKey(probe, field), probe[field]);
  return {
    httpGet: when(eq(probe.type, 'http'), { path: probe.path, port: probe.port }),
    tcpSocket: when(eq(probe.type, 'tcp'), { port: probe.port }),
    grpc: when(eq(probe.type, 'grpc'), { port: probe.port }),
    exec: when(eq(probe.type, 'exec'), { command: probe.command }),
    initialDelaySeconds: timing('initialDelaySeconds'),
    periodSeconds: timing('periodSeconds'),
    timeoutSeconds: timing('timeoutSeconds'),
    failureThreshold: timing('failureThreshold'),
  };
}

/** A sidecar from values (`sidecars[]`): an init container's fields, its ports and its probes. */
export function sidecarContainer(sidecar: Refs<Sidecar>, v: Refs<AppValues>): Manifest<k8s.Container> {
  return {
    ...containerBase(sidecar, v),
    ports: when(sidecar.ports, sidecar.ports),
    startupProbe: when(sidecar.probes.startup, sidecarProbe(sidecar.probes.startup)),
    livenessProbe: sidecarProbe(sidecar.probes.liveness),
    readinessProbe: sidecarProbe(sidecar.probes.readiness),
  };
}
