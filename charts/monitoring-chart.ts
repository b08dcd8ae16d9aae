/**
 * The monitoring chart: the whole stack (standalone mode) or the Prometheus Operator resources
 * (operator mode), composed from the constructs in lib/monitoring/stack. Built once; each environment
 * is a release rendered from it (charts/platform.ts, lib/synth/release-pipeline.ts).
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { MonitoringVolumeBackups } from '../lib/backup/velero-schedules';
import { AcmeClusterIssuer } from '../lib/certificates/cluster-issuer';
import type { ReleaseChart } from '../lib/chart/templated-object';
import type { Scope } from '../lib/template/expr';
import { refs } from '../lib/template/manifest';
import { Alertmanager } from '../lib/monitoring/stack/alertmanager';
import { Alloy } from '../lib/monitoring/stack/alloy';
import type { MonitoringProps } from '../lib/monitoring/stack/common';
import { alertRulesText, alertmanagerConfigText, dashboardTexts, prometheusConfigText } from '../lib/monitoring/stack/configs';
import { Dashboards } from '../lib/monitoring/stack/dashboards';
import { DataStoreExporters } from '../lib/monitoring/stack/data-store-exporters';
import { BlackboxExporter, KubeStateMetrics, NodeExporter } from '../lib/monitoring/stack/exporters';
import { Grafana } from '../lib/monitoring/stack/grafana';
import { Loki } from '../lib/monitoring/stack/loki';
import { MonitoringNamespaces } from '../lib/monitoring/stack/namespaces';
import { MonitoringNetworkPolicies } from '../lib/monitoring/stack/network-policies';
import { OperatorResources } from '../lib/monitoring/stack/operator';
import { Prometheus } from '../lib/monitoring/stack/prometheus';
import { MonitoringRoutes } from '../lib/monitoring/stack/routes';
import { MONITORING_CHART } from '../lib/monitoring/stack/synth';
import { extraRulesText } from '../lib/monitoring/rules/extra-rules';
import type { MonitoringValues } from '../lib/monitoring/values-schema';

export interface MonitoringChartProps {
  /** The release `toJson()` renders: the base values. */
  readonly defaultScope: Scope;
  /** Every release the chart is generated for: the default and each environment. */
  readonly releases: readonly Scope[];
  /** The applications scraped and probed, by name. */
  readonly applications: readonly string[];
  /** The data stores watched, by kind and name. */
  readonly dataStores: MonitoringProps['dataStores'];
}

export class MonitoringChart extends Chart implements ReleaseChart {
  readonly defaultScope: Scope;

  constructor(scope: Construct, props: MonitoringChartProps) {
    super(scope, MONITORING_CHART, { disableResourceNameHashes: true });
    this.defaultScope = props.defaultScope;
    const stack: MonitoringProps = { values: refs<MonitoringValues>(), defaults: props.defaultScope, applications: props.applications, releases: props.releases, dataStores: props.dataStores };
    const rules = alertRulesText(stack);
    const extraRules = extraRulesText(stack.values.rules.groups, stack.values.applications, stack.values.environment);

    new MonitoringNamespaces(this, 'Namespaces', stack);
    const dashboards = new Dashboards(this, 'Dashboards', { ...stack, files: dashboardTexts(stack) });
    new Prometheus(this, 'Prometheus', { ...stack, config: prometheusConfigText(stack), rules, extraRules });
    new Alertmanager(this, 'Alertmanager', { ...stack, config: alertmanagerConfigText(stack) });
    new Grafana(this, 'Grafana', { ...stack, dashboards: dashboards.configMaps });
    new Loki(this, 'Loki', stack);
    new Alloy(this, 'Alloy', stack);
    new NodeExporter(this, 'NodeExporter', stack);
    new KubeStateMetrics(this, 'KubeStateMetrics', stack);
    new BlackboxExporter(this, 'BlackboxExporter', stack);
    new DataStoreExporters(this, 'DataStoreExporters', stack);
    new MonitoringRoutes(this, 'Routes', stack);
    new MonitoringNetworkPolicies(this, 'NetworkPolicies', stack);
    new OperatorResources(this, 'Operator', { ...stack, rules, extraRules });
    new AcmeClusterIssuer(this, 'ClusterIssuer', stack);
    new MonitoringVolumeBackups(this, 'VolumeBackups', stack);
  }
}
