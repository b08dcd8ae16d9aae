/**
 * The Grafana dashboards, one ConfigMap each, in both modes: standalone Grafana mounts them all
 * (projected volume); in operator mode the Grafana sidecar picks them up by their labels
 * (`operator.dashboardLabels`, also set in standalone mode, where nothing reads them).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { type Expr, release, sha256OfJson } from '../../template/expr';
import { listOf } from '../../template/functions';
import { spread } from '../../template/manifest';
import type { GeneratedText } from '../../template/text';
import { type MonitoringProps, k8sObject, labels } from './common';

export interface DashboardConfigMap {
  readonly name: string;
  /** Changes whenever the dashboard does. */
  readonly checksum: Expr<string>;
}

export interface DashboardsProps extends MonitoringProps {
  readonly files: ReadonlyArray<{ readonly fileName: string; readonly json: GeneratedText }>;
}

export class Dashboards extends Construct {
  readonly configMaps: DashboardConfigMap[];

  constructor(scope: Construct, id: string, props: DashboardsProps) {
    super(scope, id);
    const v = props.values;
    this.configMaps = props.files.map(({ fileName, json }) => {
      const name = `grafana-dashboard-${fileName.replace(/\.json$/, '').replace(/[^a-z0-9-]/g, '-')}`;
      k8sObject(this, fileName, `${name}.yaml`, k8s.KubeConfigMap, {
        metadata: { name, namespace: release.namespace, labels: { ...labels('grafana'), ...spread(v.operator.dashboardLabels) } },
        data: { [fileName]: json },
      });
      return { name, checksum: sha256OfJson(listOf(json.checksumInputs())) };
    });
  }
}
