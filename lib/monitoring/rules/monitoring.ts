/**
 * Monitoring alerts: the alerting pipeline itself (Watchdog, Prometheus, Alertmanager) and the log
 * pipeline (Loki). Targets without an `app` label are the stack's own and the cluster's exporters.
 */
import { type AlertGroupDefinition, percent } from './model';
import type { AlertThresholds } from './thresholds';

const lokiPush = 'route=~"loki_api_v1_push|api_prom_push"';

export const monitoringAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.monitoring.alerts',
  component: 'monitoring',
  alerts: (t) => [
    {
      alert: 'Watchdog',
      priority: 'P2',
      expr: 'vector(1)',
      summary: 'The alerting pipeline is working',
      description: "This alert always fires. Alertmanager sends it to a dead man's switch, which pages when it stops arriving: " + 'then Prometheus, Alertmanager or the path between them is broken.',
    },
    {
      alert: 'MonitoringTargetDown',
      priority: 'P1',
      expr: 'up{app=""} == 0',
      for: t.targetDownFor,
      summary: '{{ $labels.job }} target {{ $labels.instance }} is down',
      description: `Prometheus has failed to scrape {{ $labels.instance }} of {{ $labels.job }} for ${t.targetDownFor}: the alerts that read its metrics are blind.`,
    },
    {
      alert: 'PrometheusRuleEvaluationFailures',
      priority: 'P0',
      expr: 'sum by (job, instance, rule_group) (increase(prometheus_rule_evaluation_failures_total[5m])) > 0',
      for: '5m',
      summary: 'Prometheus {{ $labels.instance }} fails to evaluate rules',
      description: 'Prometheus {{ $labels.instance }} failed {{ $value | humanize }} rule evaluations of group {{ $labels.rule_group }} ' + 'in the last 5 minutes: alerts of that group may be missing.',
    },
    {
      alert: 'PrometheusScrapeSampleLimitExceeded',
      priority: 'P1',
      expr: 'sum by (job, instance) (increase(prometheus_target_scrapes_exceeded_sample_limit_total[5m])) > 0',
      for: '5m',
      summary: 'Prometheus {{ $labels.instance }} rejects scrapes over their sample limit',
      description:
        'Prometheus {{ $labels.instance }} rejected {{ $value | humanize }} scrapes in the last 5 minutes because the target ' + 'exposed more series than its sample_limit: those targets have no data.',
    },
    {
      alert: 'PrometheusNotificationsFailing',
      priority: 'P1',
      expr: 'sum by (job, instance, alertmanager) (rate(prometheus_notifications_errors_total[5m])) > 0',
      for: '5m',
      summary: 'Prometheus {{ $labels.instance }} cannot send alerts to {{ $labels.alertmanager }}',
      description: 'Prometheus {{ $labels.instance }} has failed to send alerts to the Alertmanager at {{ $labels.alertmanager }} ' + 'for 5 minutes ({{ printf "%.2f" $value }} errors per second).',
    },
    {
      alert: 'AlertmanagerNotificationsFailing',
      priority: 'P0',
      expr:
        'sum by (job, instance, integration) (rate(alertmanager_notifications_failed_total[5m]))' +
        ' / sum by (job, instance, integration) (rate(alertmanager_notifications_total[5m]))' +
        ` > ${t.alertmanagerFailureRatio}`,
      for: '5m',
      summary: 'Alertmanager {{ $labels.instance }} fails to deliver {{ $labels.integration }} notifications',
      description:
        'Alertmanager {{ $labels.instance }} failed {{ $value | humanizePercentage }} of its {{ $labels.integration }} ' +
        `notifications over the last 5 minutes (threshold ${percent(t.alertmanagerFailureRatio)}): alerts may not reach anyone.`,
    },
    {
      alert: 'LokiDiscardingLogs',
      priority: 'P1',
      expr: `sum by (reason) (rate(loki_discarded_samples_total[5m])) / ignoring (reason) group_left sum(rate(loki_distributor_lines_received_total[5m])) > ${t.lokiDiscardedRatio}`,
      for: '10m',
      summary: 'Loki discards {{ $value | humanizePercentage }} of the log lines ({{ $labels.reason }})',
      description: `Loki has discarded {{ $value | humanizePercentage }} of the received log lines for 10 minutes, reason {{ $labels.reason }} (threshold ${percent(t.lokiDiscardedRatio)}): those logs are lost.`,
    },
    {
      alert: 'LokiPushErrors',
      priority: 'P1',
      expr:
        `sum by (job) (rate(loki_request_duration_seconds_count{${lokiPush}, status_code=~"5.."}[5m]))` +
        ` / sum by (job) (rate(loki_request_duration_seconds_count{${lokiPush}}[5m]))` +
        ` > ${t.lokiPushErrorRatio}`,
      for: '5m',
      summary: 'Loki rejects {{ $value | humanizePercentage }} of the log pushes',
      description:
        '{{ $value | humanizePercentage }} of the log push requests to {{ $labels.job }} failed with a 5xx status over ' +
        `the last 5 minutes (threshold ${percent(t.lokiPushErrorRatio)}): the agents retry, then drop logs.`,
    },
  ],
};
