/**
 * The alert thresholds, the SLO target and the Prometheus settings are live values of the monitoring
 * chart: the real Helm 3 and Helm 4 write a release's values into the alert rules, the dashboards and
 * prometheus.yml (interpolated text), exactly as the builders would; what stays fixed per environment
 * (the Alertmanager routing, precomputed) and what the schema cannot say fail with a clear message.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AlertThresholds, type AlertingRule, type RuleFile, buildAlertRules } from '../../../lib/monitoring/alert-rules';
import { buildDashboards } from '../../../lib/monitoring/dashboards';
import { type K8sObject, plainObjects } from '../../support/dist';
import { helm, helmTemplate, helmVersions, projectRoot } from '../../support/helm';
import { monitoringValuesOf } from './support';

const ENV = 'production';
const chartDir = join(projectRoot, 'dist', 'helm', 'monitoring');
const values = monitoringValuesOf(ENV);
const applications = Object.keys(values.applications);

type ConfigMap = K8sObject & { data: Record<string, string> };

/** `helm template` of the chart with the environment's values file and `extra` arguments. */
function render(binary: string, extra: readonly string[]): K8sObject[] {
  return helmTemplate(binary, ['monitoring', chartDir, '-f', join(chartDir, `values-${ENV}.yaml`), '-n', 'monitoring', ...extra]) as K8sObject[];
}

function configMap(objects: readonly K8sObject[], name: string): ConfigMap {
  const found = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!found) throw new Error(`no ConfigMap ${name}`);
  return found as ConfigMap;
}

const rulesOf = (objects: readonly K8sObject[]) => parse(configMap(objects, 'prometheus-rules').data['alerts.yaml']) as RuleFile;
const sloDashboardOf = (objects: readonly K8sObject[]) => JSON.parse(configMap(objects, 'grafana-dashboard-slo').data['slo.json']) as unknown;
const prometheusYmlOf = (objects: readonly K8sObject[]) => parse(configMap(objects, 'prometheus-config').data['prometheus.yml']) as Record<string, unknown>;

function alert(rules: RuleFile, name: string): AlertingRule {
  const found = rules.groups.flatMap((g) => g.rules).find((r): r is AlertingRule => 'alert' in r && r.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
}

const expectedRules = (thresholds: AlertThresholds) => JSON.parse(JSON.stringify(buildAlertRules(thresholds, { runbookBaseUrl: values.runbookBaseUrl, environment: ENV }))) as RuleFile;

describe('the plain manifests', () => {
  it('load the rules buildAlertRules makes of the environment thresholds', () => {
    const plain = plainObjects(ENV, 'monitoring');
    expect(rulesOf(plain)).toEqual(expectedRules(values.alerts));
  });
});

describe.each(helmVersions)('$label: live values of the monitoring chart', ({ binary }) => {
  it('writes an alert threshold set with --set into the rule expression', () => {
    const rules = rulesOf(render(binary, ['--set', 'alerts.latencyP99Seconds=3', '--set', 'alerts.errorRatioFor=10m']));
    expect(values.alerts.latencyP99Seconds).not.toBe(3);
    expect(alert(rules, 'SlowResponseTime').expr).toMatch(/ > 3$/);
    expect(alert(rules, 'SlowResponseTime').annotations.description).toContain('(threshold 3s)');
    expect(alert(rules, 'HighErrorRate').for).toBe('10m');
    expect(rules).toEqual(expectedRules({ ...values.alerts, latencyP99Seconds: 3, errorRatioFor: '10m' }));
  });

  it('writes a ratio into the expression, and into the description for Prometheus to format', () => {
    // --set would pass 0.07 as a string, which the values schema refuses: numbers with decimals need --set-json.
    const rules = rulesOf(render(binary, ['--set-json', 'alerts.errorRatio=0.07']));
    const highErrorRate = alert(rules, 'HighErrorRate');
    expect(highErrorRate.expr).toMatch(/ > 0\.07$/);
    expect(highErrorRate.annotations.description).toContain('(threshold {{ 0.07 | humanizePercentage }})');
    expect(rules).toEqual(expectedRules({ ...values.alerts, errorRatio: 0.07 }));
  });

  it('writes the SLO target into the SLO dashboard and the burn-rate alerts', () => {
    const objects = render(binary, ['--set-json', 'alerts.availabilitySlo=0.995']);
    const dashboard = sloDashboardOf(objects);
    const text = JSON.stringify(dashboard);
    expect(values.alerts.availabilitySlo).not.toBe(0.995);
    expect(text).toContain('(1 - 0.995)');
    expect(text).not.toContain(String(values.alerts.availabilitySlo));
    const expected = buildDashboards({ sloTarget: 0.995, applications }).find((d) => d.fileName === 'slo.json')!.dashboard;
    expect(dashboard).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(alert(rulesOf(objects), 'ErrorBudgetBurnFast').expr).toContain('(14.4 * (1 - 0.995))');
  });

  it('keeps prometheus.yml independent of the Alertmanager replicas, and writes its intervals', () => {
    const before = prometheusYmlOf(render(binary, []));
    const after = prometheusYmlOf(render(binary, ['--set', 'alertmanager.replicas=3', '--set', 'prometheus.scrapeInterval=15s']));
    const discovery = { dns_sd_configs: [{ names: ['alertmanager-peers.monitoring.svc'], type: 'A', port: 9093 }] };
    // Alertmanager serves under its sub path (lib/monitoring/stack/ports.ts SUB_PATHS).
    expect(after.alerting).toEqual({ alertmanagers: [{ api_version: 'v2', path_prefix: '/alertmanager', ...discovery }] });
    expect(after.alerting).toEqual(before.alerting);
    expect(after.global).toEqual({ ...(before.global as object), scrape_interval: '15s' });
  });

  it('fails on thresholds in the wrong order, which the schema cannot say', () => {
    const result = helm(binary, ['template', 'monitoring', chartDir, '-f', join(chartDir, `values-${ENV}.yaml`), '-n', 'monitoring', '--set-json', 'alerts.diskWarningRatio=0.9']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('alerts.diskWarningRatio must be below alerts.diskCriticalRatio');
  });

  it('fails on Alertmanager routing values other than an environment’s (precomputed)', () => {
    const result = helm(binary, ['template', 'monitoring', chartDir, '-f', join(chartDir, `values-${ENV}.yaml`), '-n', 'monitoring', '--set', 'alertmanager.secretsDir=/etc/other']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Alertmanager configuration: these values match none of the environments the chart was generated for');
  });
});
