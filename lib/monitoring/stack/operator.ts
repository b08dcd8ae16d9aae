/**
 * Operator mode, for clusters running the Prometheus Operator (e.g. kube-prometheus-stack): a
 * ServiceMonitor per application, in its namespace, and one PrometheusRule with the same rule groups
 * as the standalone stack. Both carry the labels the operator selects on (`operator.selectorLabels`).
 * The dashboards (dashboards.ts) are ConfigMaps labelled for the Grafana sidecar.
 */
import { Construct } from 'constructs';
import { Expr, type GoContext, type Scope, and, expr } from '../../template/expr';
import { spread } from '../../template/manifest';
import type { GeneratedText } from '../../template/text';
import { parse } from 'yaml';
import { PrometheusRule, ServiceMonitor } from '../../../imports/monitoring.coreos.com';
import { type MonitoringProps, k8sObject, labels, metadata, operatorMode } from './common';
import { SERVICE_ROLE_LABEL } from '../../delivery/service-role';

export interface OperatorResourcesProps extends MonitoringProps {
  /** The rule file (YAML): its groups become the PrometheusRule's spec. */
  readonly rules: GeneratedText;
  /** The rules written in values: a PrometheusRule of their own (group names are unique per object). */
  readonly extraRules: Expr<string>;
}

export class OperatorResources extends Construct {
  constructor(scope: Construct, id: string, props: OperatorResourcesProps) {
    super(scope, id);
    const v = props.values;
    const condition = operatorMode(v);
    const objectLabels = { ...labels('prometheus'), ...spread(v.operator.selectorLabels) };

    for (const name of props.applications) {
      const app = v.applications[name];
      k8sObject(
        this,
        `ServiceMonitor-${name}`,
        `servicemonitor-${name}.yaml`,
        ServiceMonitor,
        {
          metadata: { name, namespace: app.namespace, labels: objectLabels },
          spec: {
            // The application charts set instance to the release, which is named after the application: job = application.
            jobLabel: 'app.kubernetes.io/instance',
            namespaceSelector: { matchNames: [app.namespace] },
            // Not the canary and preview Services of a progressive release (lib/delivery/): the same pods twice.
            selector: { matchLabels: app.selector, matchExpressions: [{ key: SERVICE_ROLE_LABEL, operator: 'DoesNotExist' }] },
            // Tells the new version's pods from the stable ones (release analysis, canary dashboard).
            podTargetLabels: ['rollouts-pod-template-hash'],
            endpoints: [{ port: app.port, path: app.metricsPath, interval: app.scrapeInterval, scheme: 'http' }],
          },
        },
        // Only in releases that monitor the application (environments may differ).
        { condition: and(condition, app.monitored) },
      );
    }

    k8sObject(
      this,
      'PrometheusRule',
      'prometheusrule.yaml',
      PrometheusRule,
      {
        metadata: { ...metadata('platform-rules', 'prometheus'), labels: objectLabels },
        spec: fromYaml(props.rules),
      },
      { condition },
    );
    k8sObject(
      this,
      'ExtraPrometheusRule',
      'prometheusrule-extra.yaml',
      PrometheusRule,
      {
        metadata: { ...metadata('extra-rules', 'prometheus'), labels: objectLabels },
        spec: fromYaml(props.extraRules),
      },
      { condition },
    );
  }
}

/** The object a YAML text holds (Helm: `fromYaml`). */
function fromYaml(text: Expr<string>): Expr<unknown> {
  return new (class extends Expr<unknown> {
    evaluate(scope: Scope): unknown {
      return parse(text.evaluate(scope));
    }
    go(ctx: GoContext): string {
      return `(fromYaml ${expr(text).go(ctx)})`;
    }
  })();
}
