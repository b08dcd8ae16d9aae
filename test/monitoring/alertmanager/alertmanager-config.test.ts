/**
 * The generated alertmanager.yml: accepted by the real amtool 0.25, credentials only as files of the
 * mounted Secret, and the routing tree sending each kind of alert to the expected receivers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type AlertingRule, buildAlertRules, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import { type AlertmanagerValues, alertmanagerSecretKeys, buildAlertmanagerConfig, defaultAlertmanagerValues } from '../../../lib/monitoring/alertmanager-config';
import { type ToolResult, findBinary, runTool, scratchDir } from '../../support/processes';

const everything: AlertmanagerValues = {
  ...defaultAlertmanagerValues,
  receivers: { email: true, slack: true, pagerduty: true, webhook: true },
  webhook: { url: 'https://hooks.example.com/alertmanager', bearerToken: true },
  watchdog: { ...defaultAlertmanagerValues.watchdog, url: 'https://deadman.example.com/ping/platform' },
};
const nothing: AlertmanagerValues = {
  ...defaultAlertmanagerValues,
  receivers: { email: false, slack: false, pagerduty: false, webhook: false },
  teams: [],
};

/** Keys that would hold a credential inline; each has a *_file form in Alertmanager 0.25. */
const inlineCredentialKeys = ['smtp_auth_password', 'auth_password', 'slack_api_url', 'api_url', 'routing_key', 'service_key', 'credentials', 'password', 'bearer_token'];

function entries(value: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((item, index) => entries(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => [[`${path}.${key}`, child] as [string, unknown], ...entries(child, `${path}.${key}`)]);
  }
  return [];
}

describe('alertmanager.yml', () => {
  let scratch: ReturnType<typeof scratchDir>;
  const amtool = (args: string[]): ToolResult => runTool(findBinary('amtool'), args, scratch.path);
  const write = (name: string, values: AlertmanagerValues) => {
    const file = join(scratch.path, name);
    writeFileSync(file, stringify(buildAlertmanagerConfig(values)));
    return file;
  };
  /** The receivers amtool routes an alert with these labels to. */
  const receiversFor = (labels: Record<string, string>) => {
    const args = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    const result = amtool(['config', 'routes', 'test', '--config.file=default.yml', ...args]);
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.trim().split(',');
  };

  beforeAll(() => {
    scratch = scratchDir('amtool');
    write('default.yml', defaultAlertmanagerValues);
  });
  afterAll(() => scratch.remove());

  it.each([
    ['the default values', defaultAlertmanagerValues],
    ['every integration enabled', everything],
    ['no integration and no team', nothing],
  ])('passes `amtool check-config` with %s', (_, values) => {
    // amtool 0.25 does not open the *_file credentials, so none need to exist here.
    const file = write('checked.yml', values);
    const result = amtool(['check-config', file]);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('holds no credential, only files of the Secret mounted at secretsDir', () => {
    const found = entries(buildAlertmanagerConfig(everything));
    const keys = found.map(([path]) => path.split('.').pop() as string);
    expect(keys.filter((key) => inlineCredentialKeys.includes(key))).toEqual([]);
    const files = found.filter(([path]) => path.endsWith('_file')).map(([, value]) => value);
    expect(new Set(files)).toEqual(new Set(Object.values(alertmanagerSecretKeys).map((key) => `/etc/alertmanager/secrets/${key}`)));
  });

  it('reads the credentials from another mount directory when told so', () => {
    const config = buildAlertmanagerConfig({ ...everything, secretsDir: '/run/secrets/alertmanager' });
    const files = entries(config)
      .filter(([path]) => path.endsWith('_file'))
      .map(([, value]) => String(value));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((file) => file.startsWith('/run/secrets/alertmanager/'))).toBe(true);
  });

  it.each([
    [{ alertname: 'HighErrorRate', severity: 'critical', component: 'application' }, ['pager']],
    [{ alertname: 'SlowResponseTime', severity: 'warning', component: 'application' }, ['warnings']],
    [{ alertname: 'HPAMaxedOut', severity: 'info', component: 'infrastructure' }, ['quiet']],
    [{ alertname: 'PersistentVolumeUsageHigh', severity: 'warning', component: 'database' }, ['team-database']],
    [{ alertname: 'PersistentVolumeUsageCritical', severity: 'critical', component: 'database' }, ['pager', 'team-database']],
    [{ alertname: 'TLSCertificateExpiringSoon', severity: 'warning', component: 'security' }, ['team-security']],
    [{ alertname: 'HighCPUUsage', severity: 'warning', component: 'infrastructure' }, ['team-infrastructure']],
    [{ alertname: 'Watchdog', severity: 'info', component: 'monitoring' }, ['watchdog']],
    [{ alertname: 'SomethingWithoutSeverity' }, ['warnings']],
  ])('routes %j to %j', (labels, expected) => {
    expect(receiversFor(labels)).toEqual(expected);
    const verified = amtool(['config', 'routes', 'test', '--config.file=default.yml', `--verify.receivers=${expected.join(',')}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  });

  it('routes every alert of the rules to receivers that exist', () => {
    const config = buildAlertmanagerConfig(defaultAlertmanagerValues) as { receivers: Array<{ name: string }> };
    const known = new Set(config.receivers.map((receiver) => receiver.name));
    const alerts = buildAlertRules(defaultAlertThresholds, { runbookBaseUrl: 'https://runbooks.example.com', environment: 'dev' })
      .groups.flatMap((group) => group.rules)
      .filter((rule): rule is AlertingRule => 'alert' in rule);
    for (const alert of alerts) {
      const receivers = receiversFor({ alertname: alert.alert, ...alert.labels });
      expect(receivers.length, alert.alert).toBeGreaterThan(0);
      for (const receiver of receivers) expect(known, `${alert.alert} → ${receiver}`).toContain(receiver);
      if (alert.labels.severity === 'critical') expect(receivers, alert.alert).toContain('pager');
    }
  });

  it('is the same object, in the same order, for the same input', () => {
    expect(stringify(buildAlertmanagerConfig(structuredClone(everything)))).toBe(stringify(buildAlertmanagerConfig(everything)));
  });

  it('refuses values it cannot honour', () => {
    expect(() => buildAlertmanagerConfig({ ...defaultAlertmanagerValues, receivers: { ...defaultAlertmanagerValues.receivers, webhook: true } })).toThrow(/webhook\/url: required/);
    const database = defaultAlertmanagerValues.teams[0];
    expect(() => buildAlertmanagerConfig({ ...defaultAlertmanagerValues, teams: [database, { ...database, name: 'dba' }] })).toThrow(/component database has two teams/);
    expect(() => buildAlertmanagerConfig({ ...defaultAlertmanagerValues, slack: { ...defaultAlertmanagerValues.slack, infoChannel: 'alerts' } })).toThrow(/infoChannel/);
  });
});
