import { type AlertSpec, selector } from '../promtool';
import { apiPod } from './fixtures';
import { percent } from './format';

const prometheus = { job: 'prometheus', instance: 'localhost:9090' };
const ruleGroup = { ...prometheus, rule_group: '/etc/prometheus/rules/platform.yaml;platform.slo.alerts' };
const notifier = { ...prometheus, alertmanager: 'http://alertmanager.monitoring.svc:9093/api/v2/alerts' };
const alertmanager = { job: 'alertmanager', instance: 'alertmanager-0.alertmanager.monitoring.svc:9093', integration: 'pagerduty' };
const kubeStateMetricsTarget = { job: 'kube-state-metrics', instance: 'kube-state-metrics.monitoring.svc:8080' };
const loki = { job: 'loki', instance: 'loki.monitoring.svc:3100' };
const lokiRequests = (route: string, statusCode: string) => selector('loki_request_duration_seconds_count', { ...loki, method: 'POST', route, status_code: statusCode, ws: 'false' });
const lokiDiscarded = (reason: string) => selector('loki_discarded_samples_total', { ...loki, reason, tenant: 'fake' });
const lokiReceived = selector('loki_distributor_lines_received_total', { ...loki, tenant: 'fake' });

export const monitoringSpecs: AlertSpec[] = [
  {
    alertname: 'Watchdog',
    priority: 'P2',
    component: 'monitoring',
    // Always firing, by design: there is no healthy state in which it is silent.
    cases: () => [
      {
        name: 'always fires',
        series: {},
        evalTime: '1m',
        fires: [
          {
            labels: {},
            summary: 'The alerting pipeline is working',
            description: "This alert always fires. Alertmanager sends it to a dead man's switch, which pages when it stops arriving: " + 'then Prometheus, Alertmanager or the path between them is broken.',
          },
        ],
      },
    ],
  },
  {
    alertname: 'MonitoringTargetDown',
    priority: 'P1',
    component: 'monitoring',
    cases: (t) => [
      {
        name: 'fires when kube-state-metrics is down for 5m',
        series: { [selector('up', kubeStateMetricsTarget)]: '1 0x9' },
        evalTime: '8m',
        fires: [
          {
            labels: kubeStateMetricsTarget,
            summary: 'kube-state-metrics target kube-state-metrics.monitoring.svc:8080 is down',
            description: `Prometheus has failed to scrape kube-state-metrics.monitoring.svc:8080 of kube-state-metrics for ${t.targetDownFor}: the alerts that read its metrics are blind.`,
          },
        ],
      },
      {
        name: 'is silent when an application is down (ServiceDown covers it)',
        series: { [selector('up', kubeStateMetricsTarget)]: '1x9', [selector('up', apiPod('api-7d9f8-aaaaa', '10.0.0.7'))]: '0x9' },
        evalTime: '8m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'PrometheusRuleEvaluationFailures',
    priority: 'P0',
    component: 'monitoring',
    cases: () => [
      {
        name: 'fires when rules keep failing',
        series: { [selector('prometheus_rule_evaluation_failures_total', ruleGroup)]: '0+1x20' },
        evalTime: '15m',
        fires: [
          {
            labels: ruleGroup,
            summary: 'Prometheus localhost:9090 fails to evaluate rules',
            description: `Prometheus localhost:9090 failed 5 rule evaluations of group ${ruleGroup.rule_group} in the last 5 minutes: alerts of that group may be missing.`,
          },
        ],
      },
      { name: 'is silent when the counter is flat', series: { [selector('prometheus_rule_evaluation_failures_total', ruleGroup)]: '3x20' }, evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'PrometheusScrapeSampleLimitExceeded',
    priority: 'P1',
    component: 'monitoring',
    cases: () => [
      {
        name: 'fires when scrapes keep exceeding the sample limit',
        series: { [selector('prometheus_target_scrapes_exceeded_sample_limit_total', prometheus)]: '0+2x20' },
        evalTime: '15m',
        fires: [
          {
            labels: prometheus,
            summary: 'Prometheus localhost:9090 rejects scrapes over their sample limit',
            description: 'Prometheus localhost:9090 rejected 10 scrapes in the last 5 minutes because the target exposed more series than its sample_limit: those targets have no data.',
          },
        ],
      },
      { name: 'is silent when the counter is flat', series: { [selector('prometheus_target_scrapes_exceeded_sample_limit_total', prometheus)]: '7x20' }, evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'PrometheusNotificationsFailing',
    priority: 'P1',
    component: 'monitoring',
    cases: () => [
      {
        name: 'fires when sending to Alertmanager keeps failing',
        series: { [selector('prometheus_notifications_errors_total', notifier)]: '0+6x20' },
        evalTime: '15m',
        fires: [
          {
            labels: notifier,
            summary: `Prometheus localhost:9090 cannot send alerts to ${notifier.alertmanager}`,
            description: `Prometheus localhost:9090 has failed to send alerts to the Alertmanager at ${notifier.alertmanager} for 5 minutes (0.10 errors per second).`,
          },
        ],
      },
      { name: 'is silent when the counter is flat', series: { [selector('prometheus_notifications_errors_total', notifier)]: '2x20' }, evalTime: '15m', fires: [] },
    ],
  },
  {
    alertname: 'AlertmanagerNotificationsFailing',
    priority: 'P0',
    component: 'monitoring',
    cases: (t) => [
      {
        name: 'fires when 10% of the PagerDuty notifications fail',
        series: {
          [selector('alertmanager_notifications_failed_total', alertmanager)]: '0+3x20',
          [selector('alertmanager_notifications_total', alertmanager)]: '0+30x20',
        },
        evalTime: '15m',
        fires: [
          {
            labels: alertmanager,
            summary: 'Alertmanager alertmanager-0.alertmanager.monitoring.svc:9093 fails to deliver pagerduty notifications',
            description: `Alertmanager alertmanager-0.alertmanager.monitoring.svc:9093 failed 10% of its pagerduty notifications over the last 5 minutes (threshold ${percent(t.alertmanagerFailureRatio)}): alerts may not reach anyone.`,
          },
        ],
      },
      {
        name: 'is silent when every notification is delivered',
        series: {
          [selector('alertmanager_notifications_failed_total', alertmanager)]: '0x20',
          [selector('alertmanager_notifications_total', alertmanager)]: '0+30x20',
        },
        evalTime: '15m',
        fires: [],
      },
    ],
  },
  {
    alertname: 'LokiDiscardingLogs',
    priority: 'P1',
    component: 'monitoring',
    cases: (t) => [
      {
        name: 'fires when 2% of the lines are rate limited',
        series: { [lokiDiscarded('rate_limited')]: '0+120x30', [lokiReceived]: '0+6000x30' },
        evalTime: '20m',
        fires: [
          {
            labels: { reason: 'rate_limited' },
            summary: 'Loki discards 2% of the log lines (rate_limited)',
            description: `Loki has discarded 2% of the received log lines for 10 minutes, reason rate_limited (threshold ${percent(t.lokiDiscardedRatio)}): those logs are lost.`,
          },
        ],
      },
      { name: 'is silent when 0.1% of the lines are too long', series: { [lokiDiscarded('line_too_long')]: '0+6x30', [lokiReceived]: '0+6000x30' }, evalTime: '20m', fires: [] },
    ],
  },
  {
    alertname: 'LokiPushErrors',
    priority: 'P1',
    component: 'monitoring',
    cases: (t) => [
      {
        name: 'fires when 10% of the pushes fail',
        series: { [lokiRequests('loki_api_v1_push', '500')]: '0+12x20', [lokiRequests('loki_api_v1_push', '204')]: '0+108x20' },
        evalTime: '15m',
        fires: [
          {
            labels: { job: 'loki' },
            summary: 'Loki rejects 10% of the log pushes',
            description: `10% of the log push requests to loki failed with a 5xx status over the last 5 minutes (threshold ${percent(t.lokiPushErrorRatio)}): the agents retry, then drop logs.`,
          },
        ],
      },
      {
        name: 'is silent when only queries fail',
        series: {
          [lokiRequests('loki_api_v1_push', '204')]: '0+120x20',
          [lokiRequests('loki_api_v1_query_range', '500')]: '0+60x20',
          [lokiRequests('loki_api_v1_query_range', '200')]: '0+60x20',
        },
        evalTime: '15m',
        fires: [],
      },
    ],
  },
];
