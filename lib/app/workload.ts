/**
 * The application's Deployment and Service.
 * Pods meet Pod Security "restricted": non-root, RuntimeDefault seccomp, all capabilities dropped, no
 * privilege escalation, read-only root filesystem (with an emptyDir for /tmp).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, eq, fmt, ifElse, not, release, sha256OfJson } from '../template/expr';
import { type Refs, each, spread, when } from '../template/manifest';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';
import { commonLabels, names, podLabels, selectorLabels } from './names';
import type { AppObjectProps } from './props';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';

export interface AppDeploymentProps extends AppObjectProps {
  readonly configMapName: Expr<string>;
  /** Pod annotation value that changes with the configuration, so that pods roll. */
  readonly configChecksum: Expr<string>;
}

type Probe = AppValues['probes']['liveness'];

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

/** The pod security context of the application's pods (and its backup pods): restricted, user and groups from values. */
export function podSecurityContext(v: Refs<AppValues>) {
  return {
    runAsNonRoot: true,
    runAsUser: v.podSecurityContext.runAsUser,
    runAsGroup: v.podSecurityContext.runAsGroup,
    fsGroup: v.podSecurityContext.fsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
  } as const;
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

export class AppDeployment extends Construct {
  constructor(scope: Construct, id: string, props: AppDeploymentProps) {
    super(scope, id);
    const v = props.values;
    const image = ifElse(v.image.digest, fmt`${v.image.repository}@${v.image.digest}`, fmt`${v.image.repository}:${v.image.tag}`);

    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeDeployment,
      template: 'deployment.yaml',
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(v) },
        spec: {
          // With autoscaling the HPA owns the replica count; setting it here would fight the HPA on every apply.
          replicas: when(not(v.autoscaling.enabled), v.replicaCount),
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: podLabels(v),
              annotations: { 'checksum/config': props.configChecksum, 'checksum/secrets': sha256OfJson(v.secrets), ...spread(v.podAnnotations) },
            },
            spec: {
              serviceAccountName: names.serviceAccountName,
              automountServiceAccountToken: v.serviceAccount.automountToken,
              terminationGracePeriodSeconds: v.terminationGracePeriodSeconds,
              securityContext: podSecurityContext(v),
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
          },
        },
      },
    });
  }
}

export class AppService extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeService,
      template: 'service.yaml',
      manifest: {
        metadata: { name: names.fullname, namespace: release.namespace, labels: commonLabels(v), annotations: { ...spread(v.service.annotations) } },
        spec: {
          type: v.service.type,
          selector: selectorLabels,
          ports: [{ name: 'http', port: v.service.port, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    });
  }
}
