/**
 * NetworkPolicies: deny everything in the namespace, then allow DNS to kube-dns, the entry of the
 * environment's traffic provider (the ingress controller's namespace, or the Gateway's proxy pods in
 * their namespace: `traffic.gateway.proxies`) and Prometheus to the http port, the applications that
 * depend on this one (dependents) to the port each calls, the sources the values admit on the
 * Service's ports (`allowFrom`), egress only to the declared dependencies, and the extra rules of the
 * values (`networkPolicy.extraIngress`, `extraEgress`) exactly as written.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, and, or, release, withDefault } from '../template/expr';
import { itemsWith } from '../template/functions';
import { type Refs, each, when } from '../template/manifest';
import type { Checked, Manifest } from '../template/typed';
import { usesGatewayApi, usesIngress } from '../traffic/gateway-api';
import type { FullnameSuffix } from '../values/name-budget';
import { commonLabels, nameWith, selectorLabels } from './names';
import { calleeNamespace, calleePodLabels } from './callee';
import type { AppValues } from '../values/schema';
import type { AppObjectProps } from './props';

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

type NetworkPolicySpec = Manifest<k8s.NetworkPolicySpec>;

export class AppNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    const np = v.networkPolicy;
    // The spec is checked where it is written, as a TemplatedObject's manifest is (see Checked).
    const policy = <const S extends NetworkPolicySpec>(id: string, suffix: FullnameSuffix, condition: Expr, spec: Checked<S, NetworkPolicySpec>) => {
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
      egress: dependencyEgress(v),
    });

    // The other side of a dependency by name (lib/values/wiring.ts): each application that calls this one, on the port it calls.
    policy('AllowDependents', 'allow-dependents', and(np.enabled, np.dependents), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [
        each(np.dependents, 'dependent', (dependent) => ({
          // Where synth located it in the environment, else where the release layout puts it (lib/app/callee.ts).
          from: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: calleeNamespace(dependent) } },
              podSelector: { matchLabels: when(dependent.podLabels, dependent.podLabels, calleePodLabels(dependent)) },
            },
          ],
          ports: [{ protocol: dependent.protocol, port: dependent.port }],
        })),
      ],
    });

    // More rules from values, each exactly as written (peers and ports required: never wider than the values).
    policy('AllowExtraIngress', 'extra-ingress', and(np.enabled, np.extraIngress), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [each(np.extraIngress, 'extraRule', (rule) => ({ from: [each(rule.from, 'ruleSource', peer)], ports: rule.ports }))],
    });
    policy('AllowExtraEgress', 'extra-egress', and(np.enabled, np.extraEgress), {
      podSelector: appPods,
      policyTypes: ['Egress'],
      egress: [each(np.extraEgress, 'extraRule', (rule) => ({ to: [each(rule.to, 'ruleDestination', peer)], ports: rule.ports }))],
    });

    // Sources the values admit on the Service's ports: service.allowFrom on http, each extra port's allowFrom on its target.
    policy('AllowServiceSources', 'allow-service-sources', and(np.enabled, or(v.service.allowFrom, itemsWith(v.service.extraPorts, 'allowFrom'))), {
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [
        when(v.service.allowFrom, { from: [each(v.service.allowFrom, 'source', peer)], ports: httpPort }),
        each(itemsWith(v.service.extraPorts, 'allowFrom'), 'extraPort', (port) => ({
          from: [each(port.allowFrom, 'portSource', peer)],
          ports: [{ protocol: withDefault(port.protocol, 'TCP'), port: port.targetPort }],
        })),
      ],
    });
  }
}

type Peer = AppValues['service']['allowFrom'][number];

type Dependency = AppValues['networkPolicy']['dependencies'][number];

/**
 * A dependency as a peer: a network, or namespaces and pods; an application by `app` where synth located
 * it (namespaceLabels, podLabels), else where the release layout puts it (lib/app/callee.ts).
 */
function dependencyPeer(dep: Refs<Dependency>) {
  return when(
    dep.cidr,
    { ipBlock: { cidr: dep.cidr } },
    {
      namespaceSelector: { matchLabels: when(dep.namespaceLabels, dep.namespaceLabels, { [NAMESPACE_NAME]: calleeNamespace(dep) }) },
      podSelector: when(dep.podLabels, { matchLabels: dep.podLabels }, when(dep.app, { matchLabels: calleePodLabels(dep) })),
    },
  );
}

/** Egress to each declared dependency on its port, and nowhere else (also the migration Job's: lib/app/migration.ts). */
export function dependencyEgress(v: Refs<AppValues>): Manifest<k8s.NetworkPolicyEgressRule[]> {
  return [
    each(v.networkPolicy.dependencies, 'dependency', (dep) => ({
      to: [dependencyPeer(dep)],
      ports: [{ protocol: withDefault(dep.protocol, 'TCP'), port: dep.port }],
    })),
  ];
}

/** A source from values: a network (ipBlock), or namespaces and optionally pods (also the tracing egress: lib/app/tracing-policy.ts). */
export function peer(source: Refs<Peer>) {
  return when(source.cidr, { ipBlock: { cidr: source.cidr } }, { namespaceSelector: { matchLabels: source.namespaceLabels }, podSelector: when(source.podLabels, { matchLabels: source.podLabels }) });
}
