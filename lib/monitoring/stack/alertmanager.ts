/**
 * Alertmanager (standalone mode): a StatefulSet of `alertmanager.replicas` pods clustered through a
 * headless Service (each pod is given every peer with --cluster.peer), a PodDisruptionBudget when
 * there are several, and the configuration from a ConfigMap. It holds no credential: receivers read
 * them from files (`*_file`) of an existing Secret (`alertmanager.secretName`), mounted read-only where
 * the configuration expects them (`alertmanager.secretsDir`).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { and, fmt, not, release, sha256OfJson } from '../../template/expr';
import { listOf, quantities } from '../../template/functions';
import { each, when } from '../../template/manifest';
import type { Checked, ObjectFields } from '../../template/typed';
import type { GeneratedText } from '../../template/text';
import { type MonitoringProps, RESTRICTED_CONTAINER, httpProbe, image, k8sObject, labels, metadata, persistentVolumeClaim, podSecurity, publicUrl, selectorLabels, standalone } from './common';
import { greaterThan, ordinals } from './expressions';
import { PORTS, SUB_PATHS } from './ports';

/** The headless Service through which the peers (and Prometheus) reach each Alertmanager pod. */
export const ALERTMANAGER_PEERS = 'alertmanager-peers';

/** A Service's spec as an object (spread into the full spec with the selector). */
type ServiceSpec = ObjectFields<k8s.ServiceSpec>;

export interface AlertmanagerProps extends MonitoringProps {
  readonly config: GeneratedText;
}

export class Alertmanager extends Construct {
  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const v = props.values;
    const am = v.alertmanager;
    const condition = standalone(v);
    const version = am.image.tag;
    const name = 'alertmanager';

    k8sObject(this, 'Config', 'alertmanager-config.yaml', k8s.KubeConfigMap, { metadata: metadata('alertmanager-config', name, version), data: { 'alertmanager.yml': props.config } }, { condition });

    k8sObject(
      this,
      'StatefulSet',
      'alertmanager-statefulset.yaml',
      k8s.KubeStatefulSet,
      {
        metadata: metadata(name, name, version),
        spec: {
          replicas: am.replicas,
          serviceName: ALERTMANAGER_PEERS,
          // Peers find each other by DNS: start them together rather than one after the other.
          podManagementPolicy: 'Parallel',
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: { labels: labels(name, version), annotations: { 'checksum/config': sha256OfJson(listOf(props.config.checksumInputs())) } },
            spec: {
              automountServiceAccountToken: false,
              securityContext: podSecurity(65534),
              containers: [
                {
                  name,
                  image: image(am.image),
                  args: [
                    '--config.file=/etc/alertmanager/alertmanager.yml',
                    '--storage.path=/alertmanager',
                    `--web.listen-address=:${PORTS.alertmanager}`,
                    // Served under /alertmanager (the route prefix follows the external URL's path).
                    fmt`--web.external-url=${publicUrl(v, SUB_PATHS.alertmanager)}`,
                    `--cluster.listen-address=0.0.0.0:${PORTS.alertmanagerCluster}`,
                    `--cluster.advertise-address=$(POD_IP):${PORTS.alertmanagerCluster}`,
                    each(ordinals(am.replicas), 'ordinal', (ordinal) => fmt`--cluster.peer=${name}-${ordinal}.${ALERTMANAGER_PEERS}.${release.namespace}.svc:${PORTS.alertmanagerCluster}`),
                  ],
                  env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
                  ports: [
                    { name: 'http', containerPort: PORTS.alertmanager, protocol: 'TCP' },
                    { name: 'cluster-tcp', containerPort: PORTS.alertmanagerCluster, protocol: 'TCP' },
                    { name: 'cluster-udp', containerPort: PORTS.alertmanagerCluster, protocol: 'UDP' },
                  ],
                  livenessProbe: httpProbe(`${SUB_PATHS.alertmanager}/-/healthy`, 'http'),
                  readinessProbe: httpProbe(`${SUB_PATHS.alertmanager}/-/ready`, 'http', 5),
                  resources: quantities(am.resources),
                  securityContext: RESTRICTED_CONTAINER,
                  volumeMounts: [
                    { name: 'config', mountPath: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml', readOnly: true },
                    { name: 'secrets', mountPath: am.secretsDir, readOnly: true },
                    // Silences and the notification log: replicated between peers, and on a claim per pod
                    // where the environment asks (persistence), so that they outlive a restart of all.
                    { name: 'data', mountPath: '/alertmanager' },
                  ],
                },
              ],
              volumes: [
                { name: 'config', configMap: { name: 'alertmanager-config' } },
                { name: 'secrets', secret: { secretName: am.secretName } },
                when(not(am.persistence.enabled), { name: 'data', emptyDir: { sizeLimit: '256Mi' } }),
              ],
            },
          },
          volumeClaimTemplates: when(am.persistence.enabled, [persistentVolumeClaim(am.persistence)]),
        },
      },
      { condition },
    );

    // The spec is checked where it is written, as a k8sObject's manifest is (see Checked).
    const service = <const S extends ServiceSpec>(id: string, serviceName: string, spec: Checked<S, ServiceSpec>) => {
      const checkedSpec: ServiceSpec = spec;
      return k8sObject(this, id, `${serviceName}-service.yaml`, k8s.KubeService, { metadata: metadata(serviceName, name, version), spec: { selector: selectorLabels(name), ...checkedSpec } }, { condition });
    };
    service('Service', name, { type: 'ClusterIP', ports: [{ name: 'http', port: PORTS.alertmanager, targetPort: 'http', protocol: 'TCP' }] });
    // Headless, and listing pods before they are ready: peers must find each other to become ready.
    service('PeerService', ALERTMANAGER_PEERS, {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      ports: [
        { name: 'cluster-tcp', port: PORTS.alertmanagerCluster, targetPort: 'cluster-tcp', protocol: 'TCP' },
        { name: 'cluster-udp', port: PORTS.alertmanagerCluster, targetPort: 'cluster-udp', protocol: 'UDP' },
      ],
    });

    k8sObject(
      this,
      'DisruptionBudget',
      'alertmanager-pdb.yaml',
      k8s.KubePodDisruptionBudget,
      {
        metadata: metadata(name, name, version),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(name) } },
      },
      { condition: and(condition, greaterThan(am.replicas, 1)) },
    );
  }
}
