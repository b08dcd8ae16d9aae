/**
 * Type tests of the manifest types (lib/template/typed.ts), checked by `npm run typecheck` (this file
 * is compiled, never run): each `@ts-expect-error` line must fail to compile (an unused directive is
 * itself an error), everything else must compile. test/types/typecheck.test.ts shows the error a real
 * misspelling gives.
 */
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { Certificate } from '../../imports/cert-manager.io';
import { PrometheusRule, ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { TemplatedObject } from '../../lib/chart/templated-object';
import { k8sObject } from '../../lib/monitoring/stack/common';
import { fmt, release } from '../../lib/template/expr';
import { each, refs, spread, when } from '../../lib/template/manifest';
import type { Manifest, ObjectFields } from '../../lib/template/typed';

interface Values {
  replicas: number;
  autoscaling: boolean;
  labels: Record<string, string>;
  ports: { name: string; port: number }[];
  hosts: string[];
  resources: { limits: Record<string, string> };
  tls: boolean;
}
const v = refs<Values>();

/** A pod spec that compiles: a baseline for the failing variants below. */
const container = { name: 'app', image: 'app:1' };

export function declarations(scope: Construct): void {
  // ---- Positive: all of these compile. --------------------------------------------------------

  new TemplatedObject(scope, 'Deployment', {
    type: k8s.KubeDeployment,
    template: 'deployment.yaml',
    manifest: {
      metadata: { name: 'app', namespace: release.namespace, labels: { app: 'x', ...spread(v.labels) }, annotations: { a: when(v.tls, 'yes') } },
      spec: {
        replicas: when(v.autoscaling, v.replicas), // an Expr where a number goes, optional
        selector: { matchLabels: { app: 'x' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }, // IntOrString: string or number
        template: {
          metadata: { labels: { app: 'x' } },
          spec: {
            hostPID: false, // the Kubernetes JSON name (cdk8s calls it hostPid)
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                ...container,
                ports: [each(v.ports, 'port', (port) => ({ name: port.name, containerPort: port.port }))],
                args: ['--serve', each(v.hosts, 'host', (host) => fmt`--host=${host}`)],
                resources: { requests: { cpu: '100m', memory: 64 }, limits: v.resources.limits }, // Quantity: string or number
                securityContext: when(v.tls, { runAsNonRoot: true }, { runAsNonRoot: true, runAsUser: 1000 }),
              },
              when(v.tls, { name: 'tls-proxy', image: 'proxy:1' }),
            ],
            nodeSelector: when(v.tls, v.labels), // an Expr for a whole map
          },
        },
      },
    },
  });

  new TemplatedObject(scope, 'Service', {
    type: k8s.KubeService,
    template: 'service.yaml',
    manifest: { spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }] } },
  });

  // An imported CRD: enums as their string values.
  new TemplatedObject(scope, 'Certificate', {
    type: Certificate,
    template: 'certificate.yaml',
    manifest: {
      metadata: { name: 'app-tls' },
      spec: { secretName: 'app-tls', dnsNames: [each(v.hosts, 'host', (host) => host)], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' }, usages: ['server auth'], isCA: false },
    },
  });

  k8sObject(scope, 'ServiceMonitor', 'servicemonitor.yaml', ServiceMonitor, {
    metadata: { name: 'app' },
    spec: { selector: { matchLabels: { app: 'x' } }, endpoints: [{ port: 'http', scheme: 'http', interval: '30s' }] },
  });
  k8sObject(scope, 'PrometheusRule', 'prometheusrule.yaml', PrometheusRule, {
    spec: { groups: [{ name: 'g', rules: [{ alert: 'Down', expr: 'up == 0', for: '5m', keep_firing_for: '1m' }] }] },
  });
  k8sObject(scope, 'ClusterRole', 'clusterrole.yaml', k8s.KubeClusterRole, { rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] });

  // Helpers typed with a return type, and an object that a container may spread.
  const probe = (path: string): Manifest<k8s.Probe> => ({ httpGet: { path, port: 'http' }, periodSeconds: 10 });
  const restricted: ObjectFields<k8s.SecurityContext> = { runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
  new TemplatedObject(scope, 'Pod', {
    type: k8s.KubePod,
    template: 'pod.yaml',
    manifest: { spec: { containers: [{ ...container, readinessProbe: probe('/ready'), securityContext: { ...restricted, runAsUser: 0 } }] } },
  });

  // ---- Negative: each of these must fail. -----------------------------------------------------

  // A misspelled field in a pod spec.
  new TemplatedObject(scope, 'Misspelled', {
    type: k8s.KubeDeployment,
    template: 'deployment.yaml',
    manifest: {
      spec: {
        selector: {},
        template: {
          spec: {
            containers: [container],
            // @ts-expect-error terminationGracePeriodSecond: no such field in a PodSpec
            terminationGracePeriodSecond: 30,
          },
        },
      },
    },
  });

  // A value of the wrong type.
  new TemplatedObject(scope, 'WrongType', {
    type: k8s.KubeDeployment,
    template: 'deployment.yaml',
    manifest: {
      spec: {
        // @ts-expect-error replicas is a number
        replicas: 'three',
        selector: {},
        template: { spec: { containers: [container] } },
      },
    },
  });

  // A misspelled field inside a `when` branch.
  new TemplatedObject(scope, 'MisspelledInWhen', {
    type: k8s.KubeDeployment,
    template: 'deployment.yaml',
    manifest: {
      spec: {
        selector: {},
        template: {
          spec: {
            containers: [container],
            // @ts-expect-error runAsUsr: no such field in a PodSecurityContext
            securityContext: when(v.tls, { runAsUsr: 1000 }),
          },
        },
      },
    },
  });

  // A misspelled field inside an `each` body.
  new TemplatedObject(scope, 'MisspelledInEach', {
    type: k8s.KubeDeployment,
    template: 'deployment.yaml',
    manifest: {
      spec: {
        selector: {},
        template: {
          spec: {
            containers: [
              {
                ...container,
                // @ts-expect-error containerPrt: no such field in a ContainerPort
                ports: [each(v.ports, 'port', (port) => ({ name: port.name, containerPort: port.port, containerPrt: port.port }))],
              },
            ],
          },
        },
      },
    },
  });

  // `spread` outside a map (a PodSpec is not one).
  new TemplatedObject(scope, 'SpreadInPodSpec', {
    type: k8s.KubeDeployment,
    template: 'deployment.yaml',
    manifest: {
      spec: {
        selector: {},
        template: {
          // @ts-expect-error a spread only goes into maps (labels, annotations, data, ...)
          spec: { containers: [container], ...spread(v.labels) },
        },
      },
    },
  });

  // The cdk8s property name where Kubernetes reads another one (hostPID).
  new TemplatedObject(scope, 'CdkName', {
    type: k8s.KubePod,
    template: 'pod.yaml',
    // @ts-expect-error hostPid: the JSON name is hostPID
    manifest: { spec: { containers: [container], hostPid: true } },
  });

  // apiVersion and kind come from the class, not the manifest.
  new TemplatedObject(scope, 'ApiVersion', {
    type: k8s.KubeConfigMap,
    template: 'configmap.yaml',
    // @ts-expect-error apiVersion is not a field of the props
    manifest: { apiVersion: 'v1', data: {} },
  });

  // A wrong type inside a `when` branch, and an explicit undefined.
  new TemplatedObject(scope, 'WrongInWhen', {
    type: k8s.KubeService,
    template: 'service.yaml',
    // @ts-expect-error a port is a number
    manifest: { spec: { ports: [when(v.tls, { port: 'https' })] } },
  });
  new TemplatedObject(scope, 'Undefined', {
    type: k8s.KubeService,
    template: 'service.yaml',
    // @ts-expect-error undefined is no value: leave the key out
    manifest: { spec: { type: undefined } },
  });

  // A CRD: a value outside its enum, a misspelled field, through k8sObject too.
  new TemplatedObject(scope, 'CertificateEnum', {
    type: Certificate,
    template: 'certificate.yaml',
    // @ts-expect-error usages is an enum ('server auth', 'client auth', ...)
    manifest: { spec: { secretName: 'x', issuerRef: { name: 'i' }, usages: ['serverauth'] } },
  });
  // @ts-expect-error endpont: no such field in a ServiceMonitor spec
  k8sObject(scope, 'ServiceMonitorTypo', 'sm.yaml', ServiceMonitor, { spec: { selector: {}, endpont: [] } });
  k8sObject(scope, 'ServiceMonitorInEach', 'sm.yaml', ServiceMonitor, {
    // @ts-expect-error intervl: no such field in an endpoint
    spec: { selector: {}, endpoints: [each(v.ports, 'port', (port) => ({ port: port.name, intervl: '30s' }))] },
  });

  // A helper with a return type gets TypeScript's excess-property check.
  // @ts-expect-error periodSecond: no such field in a Probe
  const badProbe = (): Manifest<k8s.Probe> => ({ httpGet: { port: 'http' }, periodSecond: 10 });
  void badProbe;
}
