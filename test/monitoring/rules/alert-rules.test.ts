/**
 * The alert rules: their shape (tiers, labels, annotations), and their behaviour under the real
 * promtool, every alert firing on series that breach it and silent on healthy ones, with the default
 * thresholds and a production-like set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type AlertThresholds, type AlertingRule, buildAlertRules, defaultAlertThresholds, thresholdProblems } from '../../../lib/monitoring/alert-rules';
import { buildLogRules } from '../../../lib/monitoring/rules/logs';
import { scratchDir } from '../../support/processes';
import { alertSpecs, recordingCases } from './cases';
import { describeResult, expectedSeverity, promtool, writeSuite } from './promtool';
import { productionThresholds, ruleContext } from './thresholds';

const rules = buildAlertRules(defaultAlertThresholds, ruleContext);
const alerts = rules.groups.flatMap((group) => group.rules).filter((rule): rule is AlertingRule => 'alert' in rule);

describe('the alert rules', () => {
  it('define at least 24 alerts, with unique names', () => {
    const names = alerts.map((alert) => alert.alert);
    expect(names.length).toBeGreaterThanOrEqual(24);
    expect(new Set(names).size).toBe(names.length);
  });

  it('label every alert with its priority, the severity of that priority, its component and the environment', () => {
    for (const alert of alerts) {
      const { priority, severity, component, environment } = alert.labels;
      expect(Object.keys(alert.labels).sort(), alert.alert).toEqual(['component', 'environment', 'priority', 'severity']);
      expect(severity, alert.alert).toBe(expectedSeverity[priority as keyof typeof expectedSeverity]);
      expect(['application', 'infrastructure', 'database', 'security', 'monitoring'], alert.alert).toContain(component);
      expect(environment).toBe('production');
    }
    expect(new Set(alerts.map((alert) => alert.labels.priority))).toEqual(new Set(['P0', 'P1', 'P2']));
  });

  it('annotate every alert with a summary, a description and its runbook', () => {
    for (const alert of alerts) {
      expect(Object.keys(alert.annotations), alert.alert).toEqual(['summary', 'description', 'runbook_url']);
      expect(alert.annotations.summary.length, alert.alert).toBeGreaterThan(10);
      expect(alert.annotations.description.length, alert.alert).toBeGreaterThan(alert.annotations.summary.length);
      expect(alert.annotations.runbook_url).toBe(`https://runbooks.example.com/alerts/${alert.alert}`);
    }
  });

  it('cover every alert with promtool cases: one that fires, and one that stays silent', () => {
    expect(alertSpecs.map((spec) => spec.alertname).sort()).toEqual(alerts.map((alert) => alert.alert).sort());
    for (const spec of alertSpecs) {
      const cases = spec.cases(defaultAlertThresholds);
      expect(
        cases.some((c) => c.fires.length > 0),
        `${spec.alertname} has no firing case`,
      ).toBe(true);
      if (spec.alertname !== 'Watchdog')
        expect(
          cases.some((c) => c.fires.length === 0),
          `${spec.alertname} has no silent case`,
        ).toBe(true);
    }
  });

  it('are the same object, in the same order, for the same input', () => {
    const again = buildAlertRules({ ...defaultAlertThresholds }, { ...ruleContext });
    expect(stringify(again)).toBe(stringify(rules));
  });

  it('leave validation to the values schema and thresholdProblems, outside the builder', () => {
    expect(thresholdProblems(defaultAlertThresholds)).toEqual([]);
    expect(thresholdProblems(productionThresholds)).toEqual([]);
    expect(thresholdProblems({ ...defaultAlertThresholds, errorRatio: 5 })).toEqual([expect.stringMatching(/errorRatio/)]);
    expect(thresholdProblems({ ...defaultAlertThresholds, serviceDownFor: 'a minute' })).toEqual([expect.stringMatching(/serviceDownFor/)]);
    expect(thresholdProblems({ ...defaultAlertThresholds, diskWarningRatio: 0.9 })).toEqual(['diskWarningRatio must be below diskCriticalRatio']);
    expect(thresholdProblems({ ...defaultAlertThresholds, certExpiryCriticalDays: 14 })).toEqual(['certExpiryCriticalDays must be below certExpiryWarningDays']);
  });

  it('copy every threshold as is: no arithmetic, formatting or branching on a value (they stay Helm values)', () => {
    const keys = Object.keys(defaultAlertThresholds) as Array<keyof AlertThresholds>;
    const placeholders = Object.fromEntries(keys.map((key) => [key, `<${key}>`])) as unknown as AlertThresholds;
    const options = { runbookBaseUrl: '<runbooks>', environment: '<env>' };
    // The log-based thresholds are read by Loki's ruler (lib/monitoring/rules/logs.ts), the others by Prometheus.
    const text = JSON.stringify([buildAlertRules(placeholders, options), buildLogRules(placeholders, [{ name: 'api', namespace: 'api-dev' }], options)]);
    for (const key of keys) expect(text, key).toContain(`<${key}>`);
    expect(text).not.toContain('NaN');
    expect(text).toContain('(threshold {{ <errorRatio> | humanizePercentage }})');
    expect(text).toContain('"runbook_url":"<runbooks>/HighErrorRate"');
  });
});

describe.each([
  ['default', defaultAlertThresholds],
  ['production-like', productionThresholds],
])('promtool, with the %s thresholds', (name, thresholds) => {
  let scratch: ReturnType<typeof scratchDir>;
  let testFile: string;
  beforeAll(() => {
    scratch = scratchDir('promtool');
    testFile = writeSuite(scratch.path, name, {
      rules: buildAlertRules(thresholds, ruleContext),
      thresholds,
      context: ruleContext,
      specs: alertSpecs,
      recordingCases,
    });
  });
  afterAll(() => scratch.remove());

  it('`promtool check rules` accepts the rule file', () => {
    const result = promtool(['check', 'rules', `${name}.rules.yaml`], scratch.path);
    expect(result.status, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('`promtool test rules` passes every case', () => {
    const result = promtool(['test', 'rules', testFile], scratch.path);
    expect(result.status, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  }, 60_000);
});
