/**
 * NetworkPolicies: deny everything in the namespace, then allow DNS to kube-dns, the entry of the
 * environment's traffic provider (the ingress controller's namespace, or the Gateway's proxy pods in
 * their namespace: `traffic.gateway.proxies`), Prometheus and the applications that depend on this one (dependents) to the http port,
 * and egress only to the declared dependencies.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, and, release } from '../template/expr';
import { each, when } from '../template/manifest';
import type { Checked, Manifest } from '../template/typed';
import { usesGatewayApi, usesIngress } from '../traffic/gateway-api';
import { commonLabels, nameWith, selectorLabels } from './names';
import type { AppObjectProps } from './props';

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

type NetworkPolicySpec = Manifest<k8s.NetworkPolicySpec>;

export class AppNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const np = v.networkPolicy;
    // The spec is checked where it is written, as a TemplatedObject's manifest is (see Checked).
    const policy = <const S extends NetworkPolicySpec>(id: string, suffix: string, condition: Expr, spec: Checked<S, NetworkPolicySpec>) => {
      const checkedSpec: NetworkPolicySpec = spec;
      return new TemplatedObject(this, id, {
        type: k8s.KubeNetworkPolicy,
        template: `networkpolicy-${suffix}.yaml`,
        condition,
        manifest: {
          metadata: { name: nameWith(suffix), namespace: release.namespace, labels: commonLabels(v) },
          spec: checkedSpec,
        },
      });
    };
    const appPods = { matchLabels: selectorLabels };
    const httpPort = [{ protocol: 'TCP', port: v.containerPort }];

    policy('DefaultDeny', 'default-deny', np.enabled, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

    policy('AllowDns', 'allow-dns', np.enabled, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: np.dnsNamespace } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });

    policy('AllowIngressController', 'allow-ingress-controller', and(np.enabled, v.ingress.enabled, usesIngress(v.traffic)), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: np.ingressControllerNamespace } } }], ports: httpPort }],
    });

    const proxies = v.traffic.gateway.proxies;
    policy('AllowGateway', 'allow-gateway', and(np.enabled, v.ingress.enabled, usesGatewayApi(v.traffic)), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: proxies.namespace } }, podSelector: { matchLabels: proxies.podLabels } }], ports: httpPort }],
    });

    policy('AllowMonitoring', 'allow-monitoring', and(np.enabled, v.metrics.enabled), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: np.monitoringNamespace } },
              // Prometheus scrapes /metrics; the blackbox exporter probes the health endpoints.
              podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['prometheus', 'blackbox-exporter'] }] },
            },
          ],
          ports: httpPort,
        },
      ],
    });

    policy('AllowDependencies', 'allow-dependencies', and(np.enabled, np.dependencies), {
      podSelector: appPods,
      policyTypes: ['Egress'],
      egress: [
        each(np.dependencies, 'dependency', (dep) => ({
          to: [when(dep.cidr, { ipBlock: { cidr: dep.cidr } }, { namespaceSelector: { matchLabels: dep.namespaceLabels }, podSelector: when(dep.podLabels, { matchLabels: dep.podLabels }) })],
          ports: [{ protocol: 'TCP', port: dep.port }],
        })),
      ],
    });

    // The other side of a dependency by name (lib/values/wiring.ts): the applications that call this one.
    policy('AllowDependents', 'allow-dependents', and(np.enabled, np.dependents), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            each(np.dependents, 'dependent', (dependent) => ({
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: dependent.namespace } },
              podSelector: { matchLabels: dependent.podLabels },
            })),
          ],
          ports: httpPort,
        },
      ],
    });
  }
}
