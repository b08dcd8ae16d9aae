/**
 * NetworkPolicies (standalone mode, when enabled). In the release namespace: deny everything, then
 * - DNS for every pod;
 * - Prometheus: queried by Grafana; it reaches each monitored application's pods (selector labels) on
 *   its metrics port, the exporters, Loki, Alertmanager, the kubelets and node-exporters (node
 *   network), the API server, and the traffic entry's metrics (the Envoy proxies' pods or the
 *   ingress-nginx controller's, by the provider);
 * - Alertmanager: reached by Prometheus, its peers gossip on 9094 (TCP and UDP), it reaches the
 *   networks of its receivers (networkPolicy.alertmanagerEgressCidrs) on the ports of the receivers
 *   enabled (443 for Slack and PagerDuty, the SMTP smarthost's, the webhook and watchdog URLs');
 * - Grafana, and Prometheus and Alertmanager on their admin routes: reached from the entry of the
 *   environment's traffic provider when the routes are enabled (the ingress controller's namespace, or
 *   the Gateway's proxy pods: traffic.gateway.proxies); Grafana reaches Prometheus and Loki, and is
 *   scraped by Prometheus;
 * - Loki: written by Alloy, read by Grafana, scraped by Prometheus (for the Loki alerts);
 * - kube-state-metrics and blackbox-exporter: reached only by Prometheus; kube-state-metrics reaches
 *   the API server, blackbox-exporter the applications' pods on their port, the networks of the
 *   public URLs (networkPolicy.blackboxEgressCidrs) on 80 and 443, and each data store on its port
 *   where its dependency says it is (a network, or namespace and pod labels);
 * - the data stores' exporters: their own policies (data-store-exporters.ts), and Prometheus reaches
 *   each on its port.
 * In the node namespace: deny everything, then Alloy reaches DNS and Loki. node-exporter uses the host
 * network, which NetworkPolicies do not apply to; Prometheus reaches it through the node network.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { type Expr, and, or, release } from '../../template/expr';
import { addressPort, urlPort } from '../../template/functions';
import { usesIngress } from '../../traffic/gateway-api';
import { type Refs, each, when } from '../../template/manifest';
import type { Checked, Manifest } from '../../template/typed';
import { type Component, type MonitoringProps, k8sObject, labels, selectorLabels, standalone } from './common';
import { PORTS } from './ports';
import { EXPORTER_PORT, dataStorePeer, exporterName } from './data-store-exporters';

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

type NetworkPolicySpec = Manifest<k8s.NetworkPolicySpec>;

const tcp = (port: number | Expr) => ({ protocol: 'TCP', port });
const pods = (component: Component) => ({ podSelector: { matchLabels: selectorLabels(component) } });

export class MonitoringNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const v = props.values;
    const np = v.networkPolicy;
    const condition = and(standalone(v), np.enabled);
    const inNamespace = (namespace: Expr<string>, component: Component) => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: namespace } },
      ...pods(component),
    });
    /** Pods of another chart (cert-manager, Velero), by the name label their charts give them. */
    const foreignPods = (namespace: Expr<string>, name: string) => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: namespace } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
    });
    // Each monitored application's pods (its selector labels) on the port the values name: Prometheus
    // scrapes its metrics there and blackbox-exporter probes its health endpoint through its Service,
    // whose target is that container port (the other side: allow-monitoring, lib/app/network-policies.ts).
    const applicationPods = props.applications.map((name) => {
      const app = v.applications[name];
      return when(app.monitored, { to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: app.namespace } }, podSelector: { matchLabels: app.selector } }], ports: [tcp(app.port)] });
    });
    const dns = {
      to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: np.dnsNamespace } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    };
    // Where the routes' traffic comes from (routes.ts), on the environment's provider.
    const proxies = v.traffic.gateway.proxies;
    const entry = when(
      usesIngress(v.traffic),
      { namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: np.ingressControllerNamespace } } },
      { namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: proxies.namespace } }, podSelector: { matchLabels: proxies.podLabels } },
    );
    const routed = v.ingress.enabled;
    const rollouts = v.argoRollouts;
    const rolloutsController = { namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: rollouts.namespace } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'argo-rollouts' } } };
    const apiServer = { to: [{ ipBlock: { cidr: np.apiServer.cidr } }], ports: [tcp(np.apiServer.port)] };
    const networks = (cidrs: Refs<string[]>) => each(cidrs, 'cidr', (cidr) => ({ ipBlock: { cidr } }));
    // Outside the cluster only the networks the values name (a NetworkPolicy cannot name a host), on
    // the ports of what is reached there. No rule at all when the values name no network or nothing is
    // reached: an empty `to` or `ports` would allow every destination or port.
    const am = v.alertmanager;
    const enabled = am.receivers;
    const receivers = when(and(np.alertmanagerEgressCidrs, or(enabled.slack, enabled.pagerduty, enabled.email, enabled.webhook, am.watchdog.url)), {
      to: [networks(np.alertmanagerEgressCidrs)],
      ports: [
        // Slack's webhook URL (a Secret file) and PagerDuty's events API are HTTPS.
        when(or(enabled.slack, enabled.pagerduty), tcp(443)),
        when(enabled.email, tcp(addressPort(am.email.smarthost))),
        when(enabled.webhook, tcp(urlPort(am.webhook.url))),
        when(am.watchdog.url, tcp(urlPort(am.watchdog.url))),
      ],
    });
    // The public URLs blackbox-exporter probes through the load balancer, http or https.
    const publicUrls = or(...props.applications.map((name) => and(v.applications[name].monitored, v.applications[name].publicUrls)));
    const probed = when(and(np.blackboxEgressCidrs, publicUrls), { to: [networks(np.blackboxEgressCidrs)], ports: [tcp(80), tcp(443)] });
    // The data stores (data-store-exporters.ts): Prometheus scrapes each exporter, blackbox-exporter
    // connects to each address (tcp_connect), where the dependency says the data store is.
    const stores = (['postgresql', 'redis'] as const).flatMap((kind) => props.dataStores[kind].map((name) => ({ kind, name, store: v.dataStores[kind][name] })));
    // The traffic entry's metrics: the Envoy proxies or the ingress-nginx controller, by the provider.
    const edge = when(
      usesIngress(v.traffic),
      {
        to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: np.ingressControllerNamespace } }, podSelector: { matchLabels: v.edge.ingressNginx.podLabels } }],
        ports: [tcp(v.edge.ingressNginx.metricsPort)],
      },
      { to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: proxies.namespace } }, podSelector: { matchLabels: proxies.podLabels } }], ports: [tcp(v.edge.envoyMetricsPort)] },
    );
    const exporters = stores.map(({ kind, name, store }) => when(store.monitored, { to: [pods(exporterName(kind, name))], ports: [tcp(EXPORTER_PORT[kind])] }));
    const storeAddresses = stores.map(({ store }) => when(store.monitored, { to: [dataStorePeer(store)], ports: [tcp(store.port)] }));

    // The spec is checked where it is written, as a k8sObject's manifest is (see Checked).
    const policy = <const S extends NetworkPolicySpec>(name: string, spec: Checked<S, NetworkPolicySpec>, namespace: Expr<string> = release.namespace) => {
      const checkedSpec: NetworkPolicySpec = spec;
      return k8sObject(
        this,
        name,
        `networkpolicy-${name}.yaml`,
        k8s.KubeNetworkPolicy,
        {
          metadata: { name, namespace, labels: labels('monitoring') },
          spec: checkedSpec,
        },
        { condition },
      );
    };

    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [dns] });

    policy('prometheus', {
      ...pods('prometheus'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [pods('grafana')], ports: [tcp(PORTS.prometheus)] },
        when(routed, { from: [entry], ports: [tcp(PORTS.prometheus)] }),
        // The Argo Rollouts controller runs the applications' release analysis against Prometheus.
        when(rollouts.enabled, { from: [rolloutsController], ports: [tcp(PORTS.prometheus)] }),
      ],
      egress: [
        { to: [pods('alertmanager')], ports: [tcp(PORTS.alertmanager)] },
        when(rollouts.enabled, { to: [rolloutsController], ports: [tcp(rollouts.metricsPort)] }),
        { to: [pods('kube-state-metrics')], ports: [tcp(PORTS.kubeStateMetrics)] },
        { to: [pods('loki')], ports: [tcp(PORTS.loki)] },
        { to: [pods('grafana')], ports: [tcp(PORTS.grafana)] },
        { to: [pods('blackbox-exporter')], ports: [tcp(PORTS.blackboxExporter)] },
        { to: [{ ipBlock: { cidr: np.nodeCidr } }], ports: [tcp(PORTS.kubelet), tcp(PORTS.nodeExporter)] },
        apiServer,
        // Certificate and backup metrics (lib/monitoring/rules/certificates.ts, backups.ts).
        { to: [foreignPods(v.certManager.namespace, 'cert-manager')], ports: [tcp(PORTS.certManager)] },
        { to: [foreignPods(v.velero.namespace, 'velero')], ports: [tcp(PORTS.velero)] },
        ...applicationPods,
        ...exporters,
        edge,
        // The extra scrape jobs' destinations (prometheus.extraScrapeConfigs), as the values name them.
        each(np.prometheusExtraEgress, 'destination', (to) => ({
          to: [when(to.cidr, { ipBlock: { cidr: to.cidr } }, { namespaceSelector: { matchLabels: to.namespaceLabels }, podSelector: when(to.podLabels, { matchLabels: to.podLabels }) })],
          ports: [each(to.ports, 'port', (port) => tcp(port))],
        })),
      ],
    });

    const gossip = [tcp(PORTS.alertmanagerCluster), { protocol: 'UDP', port: PORTS.alertmanagerCluster }];
    policy('alertmanager', {
      ...pods('alertmanager'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods('prometheus')], ports: [tcp(PORTS.alertmanager)] }, { from: [pods('alertmanager')], ports: gossip }, when(routed, { from: [entry], ports: [tcp(PORTS.alertmanager)] })],
      egress: [{ to: [pods('alertmanager')], ports: gossip }, receivers],
    });

    policy('grafana', {
      ...pods('grafana'),
      policyTypes: ['Ingress', 'Egress'],
      // Scraped by Prometheus (its own metrics, job grafana).
      ingress: [when(routed, { from: [entry], ports: [tcp(PORTS.grafana)] }), { from: [pods('prometheus')], ports: [tcp(PORTS.grafana)] }],
      // Its data sources (Prometheus admits Grafana in its own policy above).
      egress: [
        { to: [pods('prometheus')], ports: [tcp(PORTS.prometheus)] },
        { to: [pods('loki')], ports: [tcp(PORTS.loki)] },
      ],
    });

    policy('loki', {
      ...pods('loki'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [pods('grafana'), inNamespace(v.nodeNamespace, 'alloy'), pods('prometheus')], ports: [tcp(PORTS.loki)] }],
    });

    policy('kube-state-metrics', {
      ...pods('kube-state-metrics'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods('prometheus')], ports: [tcp(PORTS.kubeStateMetrics)] }],
      egress: [apiServer],
    });

    policy('blackbox-exporter', {
      ...pods('blackbox-exporter'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods('prometheus')], ports: [tcp(PORTS.blackboxExporter)] }],
      egress: [probed, ...applicationPods, ...storeAddresses],
    });

    // In the node namespace, named `node-<name>`.
    policy('node-default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, v.nodeNamespace);
    policy(
      'node-alloy',
      {
        ...pods('alloy'),
        policyTypes: ['Egress'],
        egress: [dns, { to: [inNamespace(release.namespace, 'loki')], ports: [tcp(PORTS.loki)] }],
      },
      v.nodeNamespace,
    );
  }
}
