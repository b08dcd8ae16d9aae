/**
 * The stack's namespaces, in the plain manifests only: Helm cannot own the namespace it installs into,
 * and the node namespace is created alongside it so that neither is deleted by `helm uninstall` with
 * everything in it (see the chart README). The policy checker reads their Pod Security labels.
 * - the release namespace: Pod Security "restricted", like the application namespaces;
 * - the node namespace (standalone mode): "privileged", for node-exporter (host network, PID
 *   namespace and filesystem) and Alloy (host path /var/log), the only pods there.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { POD_SECURITY_LABELS } from '../../app/namespace';
import { type Expr, release } from '../../template/expr';
import { type MonitoringProps, PART_OF, k8sObject, standalone } from './common';

const PRIVILEGED_LABELS = {
  'pod-security.kubernetes.io/enforce': 'privileged',
  'pod-security.kubernetes.io/enforce-version': 'latest',
};

export class MonitoringNamespaces extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const namespace = (name: Expr<string>, labels: Record<string, string>) => ({
      metadata: { name, labels: { ...labels, 'app.kubernetes.io/part-of': PART_OF } },
    });
    k8sObject(this, 'Namespace', 'namespace.yaml', k8s.KubeNamespace, namespace(release.namespace, POD_SECURITY_LABELS), { plainOnly: true });
    k8sObject(this, 'NodeNamespace', 'node-namespace.yaml', k8s.KubeNamespace, namespace(v.nodeNamespace, PRIVILEGED_LABELS), {
      plainOnly: true,
      condition: standalone(v),
    });
  }
}
