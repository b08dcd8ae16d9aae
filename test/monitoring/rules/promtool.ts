/**
 * promtool unit tests written as TypeScript data: each alert's cases fire on series that breach it and
 * stay silent on healthy ones. This module turns them into promtool's test file format, next to the rule
 * file, and runs the real `promtool check rules` and `promtool test rules`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AlertThresholds, RuleFile } from '../../../lib/monitoring/alert-rules';
import { type ToolResult, findBinary, runTool } from '../../support/processes';

export type Priority = 'P0' | 'P1' | 'P2';
type Component = 'application' | 'infrastructure' | 'database' | 'security' | 'monitoring';

/** Written here independently of lib/monitoring, so that a wrong mapping there fails the tests. */
export const expectedSeverity: Record<Priority, string> = { P0: 'critical', P1: 'warning', P2: 'info' };

interface FiringAlert {
  /** The alert's labels from the series (the harness adds priority, severity, component and environment). */
  labels: Record<string, string>;
  summary: string;
  description: string;
}

export interface AlertCase {
  /** What the case shows, e.g. "fires when every pod is down for 1m". */
  name: string;
  /** Series selector → values in promtool's expanding notation ("0+60x20", "1 0x5"). */
  series: Record<string, string>;
  /** Time between two values of the series; 1m when not given. */
  interval?: string;
  evalTime: string;
  /** The alerts firing at evalTime; empty when the alert must stay silent. */
  fires: FiringAlert[];
}

export interface AlertSpec {
  alertname: string;
  priority: Priority;
  component: Component;
  /** The cases for a threshold set: descriptions quote the thresholds, series breach them by a margin. */
  cases: (thresholds: AlertThresholds) => AlertCase[];
}

/** A recording rule case: the recorded series at evalTime. */
export interface RecordingCase {
  name: string;
  series: Record<string, string>;
  evalTime: string;
  expr: string;
  samples: Array<{ labels: string; value: number }>;
}

export interface RuleContext {
  runbookBaseUrl: string;
  environment: string;
}

/** `metric{a="1",b="2"}` with the labels in the order given. */
export function selector(metric: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${metric}{${pairs.join(',')}}`;
}

function alertTest(spec: AlertSpec, testCase: AlertCase, context: RuleContext) {
  return {
    name: `${spec.alertname}: ${testCase.name}`,
    interval: testCase.interval ?? '1m',
    input_series: Object.entries(testCase.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: [
      {
        eval_time: testCase.evalTime,
        alertname: spec.alertname,
        exp_alerts: testCase.fires.map((alert) => ({
          exp_labels: {
            ...alert.labels,
            priority: spec.priority,
            severity: expectedSeverity[spec.priority],
            component: spec.component,
            environment: context.environment,
          },
          exp_annotations: {
            summary: alert.summary,
            description: alert.description,
            runbook_url: `${context.runbookBaseUrl}/${spec.alertname}`,
          },
        })),
      },
    ],
  };
}

function recordingTest(testCase: RecordingCase) {
  return {
    name: `recording: ${testCase.name}`,
    interval: '1m',
    input_series: Object.entries(testCase.series).map(([series, values]) => ({ series, values })),
    promql_expr_test: [{ expr: testCase.expr, eval_time: testCase.evalTime, exp_samples: testCase.samples }],
  };
}

export interface PromtoolSuite {
  rules: RuleFile;
  thresholds: AlertThresholds;
  context: RuleContext;
  specs: readonly AlertSpec[];
  recordingCases?: readonly RecordingCase[];
}

/** Writes `<name>.rules.yaml` and `<name>.test.yaml` into `dir`; returns the test file's name. */
export function writeSuite(dir: string, name: string, suite: PromtoolSuite): string {
  const rulesFile = `${name}.rules.yaml`;
  const testFile = `${name}.test.yaml`;
  writeFileSync(join(dir, rulesFile), stringify(suite.rules, { lineWidth: 0 }));
  const tests = [...(suite.recordingCases ?? []).map(recordingTest), ...suite.specs.flatMap((spec) => spec.cases(suite.thresholds).map((testCase) => alertTest(spec, testCase, suite.context)))];
  writeFileSync(join(dir, testFile), stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
  return testFile;
}

export function promtool(args: readonly string[], cwd: string): ToolResult {
  return runTool(findBinary('promtool'), args, cwd);
}

/** A promtool result as one string, for assertion messages. */
export function describeResult(result: ToolResult): string {
  return `exit ${result.status}\n${result.stdout}\n${result.stderr}`;
}
