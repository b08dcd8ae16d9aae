/**
 * The application's pod template, built once for every workload kind that runs the application: the
 * Deployment (lib/app/workload.ts) and the Argo Rollout (lib/delivery/), so that a canary or a
 * blue-green release runs exactly the pods a rolling update would.
 * Pods meet Pod Security "restricted": non-root, RuntimeDefault seccomp, all capabilities dropped, no
 * privilege escalation, read-only root filesystem (with an emptyDir for /tmp).
 */
import type { k8s } from 'cdk8s-plus-27';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { type Expr, eq, fmt, not, sha256OfJson, withDefault } from '../template/expr';
import { hasKey, isText, quantities } from '../template/functions';
import { type Refs, each, spread, when } from '../template/manifest';
import type { Checked, Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';
import { names, podLabels, selectorLabels } from './names';
import { initContainer, sidecarContainer } from './containers';
import { dependencyWait } from './dependency-wait';
import { appImage, downwardEnvVars, imagePullSecrets, podSecurityContext, secretEnvVars } from './pod';
import type { AppObjectProps } from './props';

export interface AppPodTemplateProps extends AppObjectProps {
  readonly configMapName: Expr<string>;
  /** Pod annotation value that changes with the configuration, so that pods roll. */
  readonly configChecksum: Expr<string>;
}

type Probe = AppValues['probes']['liveness'];
type PodTemplate = Manifest<k8s.PodTemplateSpec>;

/** A probe of the kind the values say: HTTP GET, TCP, gRPC (on the http port) or exec. */
function probeOf(probe: Refs<Probe>, containerPort: Refs<number>): Manifest<k8s.Probe> {
  return {
    httpGet: when(eq(probe.type, 'http'), { path: probe.path, port: 'http' }),
    tcpSocket: when(eq(probe.type, 'tcp'), { port: 'http' }),
    grpc: when(eq(probe.type, 'grpc'), { port: containerPort }),
    exec: when(eq(probe.type, 'exec'), { command: probe.command }),
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
  };
}

type ExtraVolume = AppValues['extraVolumes'][number];

/**
 * A volume from values as Kubernetes takes it: its source as given, but an emptyDir's `sizeLimit`
 * as text (values may write a whole number, as for every quantity).
 */
function extraVolume(volume: Refs<ExtraVolume>): Manifest<k8s.Volume> {
  return {
    name: volume.name,
    // sizeLimit as text, medium as it is (an empty emptyDir stays one).
    emptyDir: when(hasKey(volume, 'emptyDir'), quantities(volume.emptyDir)),
    configMap: when(volume.configMap, volume.configMap),
    secret: when(volume.secret, volume.secret),
    persistentVolumeClaim: when(volume.persistentVolumeClaim, volume.persistentVolumeClaim),
    projected: when(volume.projected, volume.projected),
  };
}

/** Spread across zones, then across nodes; selecting only this release's pods. */
function topologySpread(v: Refs<AppValues>): Manifest<k8s.TopologySpreadConstraint[]> {
  const constraint = (topologyKey: string, whenUnsatisfiable: Expr): Manifest<k8s.TopologySpreadConstraint> => ({
    maxSkew: v.topologySpread.maxSkew,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: selectorLabels },
  });
  return [constraint('topology.kubernetes.io/zone', v.topologySpread.zoneWhenUnsatisfiable), constraint('kubernetes.io/hostname', v.topologySpread.nodeWhenUnsatisfiable)];
}

/** The tree is checked where it is written, as a TemplatedObject's manifest is (see Checked). */
function checkedPodTemplate<const T extends PodTemplate>(template: Checked<T, PodTemplate>): PodTemplate {
  return template;
}

/**
 * The pod template (`spec.template`) of the application's workload, typed as a Kubernetes
 * PodTemplateSpec: labels and checksum annotation, security contexts, pull secrets, the dependency wait
 * and init containers, the application container with its probes, resources, lifecycle and mounts,
 * sidecars, volumes, scheduling and spread.
 */
export function appPodTemplate(props: AppPodTemplateProps): PodTemplate {
  const v = props.values;
  return checkedPodTemplate({
    metadata: {
      labels: podLabels(v),
      // Pods roll when the configuration or a referenced secret's pinned version or ciphertext changes (lib/secrets/).
      annotations: { 'checksum/config': props.configChecksum, 'checksum/secrets': sha256OfJson(v.secrets), ...spread(v.podAnnotations) },
    },
    spec: {
      serviceAccountName: names.serviceAccountName,
      automountServiceAccountToken: v.serviceAccount.automountToken,
      terminationGracePeriodSeconds: v.terminationGracePeriodSeconds,
      securityContext: podSecurityContext(v),
      imagePullSecrets: imagePullSecrets(v),
      // The wait for the dependencies first, then the init containers from values (restricted, with a writable /tmp).
      initContainers: [when(v.waitForDependencies.enabled, dependencyWait(v)), each(v.initContainers, 'init', (init) => initContainer(init, v))],
      containers: [
        {
          name: names.name,
          image: appImage(v),
          imagePullPolicy: v.image.pullPolicy,
          command: when(v.command, v.command),
          args: when(v.args, v.args),
          ports: [
            { name: 'http', containerPort: v.containerPort, protocol: 'TCP' },
            // Extra Service ports that target the application container by number (a name targets a sidecar's port).
            each(v.service.extraPorts, 'extraPort', (port) => when(not(isText(port.targetPort)), { name: port.name, containerPort: port.targetPort, protocol: withDefault(port.protocol, 'TCP') })),
          ],
          envFrom: [
            { configMapRef: { name: props.configMapName } },
            // The values hold Kubernetes EnvFromSource objects as they are (the schema shapes them).
            each(v.envFrom, 'source', (source) => source),
          ],
          env: [secretEnvVars(v), downwardEnvVars(v)],
          startupProbe: probeOf(v.probes.startup, v.containerPort),
          livenessProbe: probeOf(v.probes.liveness, v.containerPort),
          readinessProbe: probeOf(v.probes.readiness, v.containerPort),
          resources: quantities(v.resources),
          securityContext: RESTRICTED_CONTAINER,
          lifecycle: {
            postStart: when(v.lifecycle.postStart, v.lifecycle.postStart),
            // lifecycle.preStop, or else keep serving while endpoints and load balancers drop the pod, then stop.
            preStop: when(v.lifecycle.preStop, v.lifecycle.preStop, when(v.preStopSleepSeconds, { exec: { command: ['sleep', fmt`${v.preStopSleepSeconds}`] } })),
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, each(v.extraVolumeMounts, 'mount', (mount) => mount)],
        },
        // Sidecars from values: restricted, with resources and probes, like the application.
        each(v.sidecars, 'sidecar', (sidecar) => sidecarContainer(sidecar, v)),
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        // Kubernetes Volume objects as the values hold them (the schema shapes them), an emptyDir's size as text.
        each(v.extraVolumes, 'volume', (volume) => extraVolume(volume)),
      ],
      priorityClassName: when(v.priorityClassName, v.priorityClassName),
      nodeSelector: when(v.nodeSelector, v.nodeSelector),
      tolerations: when(v.tolerations, v.tolerations),
      affinity: when(v.affinity, v.affinity),
      topologySpreadConstraints: when(v.topologySpread.enabled, topologySpread(v)),
    },
  });
}
