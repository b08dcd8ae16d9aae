/**
 * The application's pod template, built once for every workload kind that runs the application: the
 * Deployment (lib/app/workload.ts) and the Argo Rollout (lib/delivery/), so that a canary or a
 * blue-green release runs exactly the pods a rolling update would.
 * Pods meet Pod Security "restricted": non-root, RuntimeDefault seccomp, all capabilities dropped, no
 * privilege escalation, read-only root filesystem (with an emptyDir for /tmp).
 */
import type { k8s } from 'cdk8s-plus-27';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { type Expr, eq, fmt, ifElse } from '../template/expr';
import { type Refs, each, spread, when } from '../template/manifest';
import type { Checked, Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';
import { names, podLabels, selectorLabels } from './names';
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
 * PodTemplateSpec: labels and checksum annotation, security contexts, init containers, the
 * application container with its probes, resources and mounts, volumes, scheduling and spread.
 */
export function appPodTemplate(props: AppPodTemplateProps): PodTemplate {
  const v = props.values;
  const image = ifElse(v.image.digest, fmt`${v.image.repository}@${v.image.digest}`, fmt`${v.image.repository}:${v.image.tag}`);
  return checkedPodTemplate({
    metadata: {
      labels: podLabels(v),
      annotations: { 'checksum/config': props.configChecksum, ...spread(v.podAnnotations) },
    },
    spec: {
      serviceAccountName: names.serviceAccountName,
      automountServiceAccountToken: v.serviceAccount.automountToken,
      terminationGracePeriodSeconds: v.terminationGracePeriodSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: v.podSecurityContext.runAsUser,
        runAsGroup: v.podSecurityContext.runAsGroup,
        fsGroup: v.podSecurityContext.fsGroup,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      imagePullSecrets: [each(v.image.pullSecrets, 'pullSecret', (secret) => ({ name: secret }))],
      // Init containers from values, each with the restricted context and a writable /tmp.
      initContainers: [
        each(v.initContainers, 'init', (init) => ({
          name: init.name,
          image: init.image,
          imagePullPolicy: v.image.pullPolicy,
          command: when(init.command, init.command),
          args: when(init.args, init.args),
          env: when(init.env, init.env),
          resources: init.resources,
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, each(init.volumeMounts, 'initMount', (mount) => mount)],
        })),
      ],
      containers: [
        {
          name: names.name,
          image,
          imagePullPolicy: v.image.pullPolicy,
          ports: [{ name: 'http', containerPort: v.containerPort, protocol: 'TCP' }],
          envFrom: [
            { configMapRef: { name: props.configMapName } },
            // The values hold Kubernetes EnvFromSource objects as they are (the schema shapes them).
            each(v.envFrom, 'source', (source) => source),
          ],
          env: [
            each(v.secretEnv, 'secretEnv', (ref) => ({
              name: ref.name,
              valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
            })),
          ],
          startupProbe: probeOf(v.probes.startup, v.containerPort),
          livenessProbe: probeOf(v.probes.liveness, v.containerPort),
          readinessProbe: probeOf(v.probes.readiness, v.containerPort),
          resources: v.resources,
          securityContext: RESTRICTED_CONTAINER,
          // Keep serving while endpoints and load balancers drop the pod, then stop.
          lifecycle: { preStop: { exec: { command: ['sleep', fmt`${v.preStopSleepSeconds}`] } } },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, each(v.extraVolumeMounts, 'mount', (mount) => mount)],
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        // Kubernetes Volume objects as the values hold them (the schema shapes them).
        each(v.extraVolumes, 'volume', (volume) => volume),
      ],
      priorityClassName: when(v.priorityClassName, v.priorityClassName),
      nodeSelector: when(v.nodeSelector, v.nodeSelector),
      tolerations: when(v.tolerations, v.tolerations),
      affinity: when(v.affinity, v.affinity),
      topologySpreadConstraints: when(v.topologySpread.enabled, topologySpread(v)),
    },
  });
}
