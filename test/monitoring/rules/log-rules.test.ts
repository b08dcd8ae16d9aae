/**
 * The log-based alerts Loki's ruler evaluates (lib/monitoring/rules/logs.ts), as the monitoring chart
 * writes them in every environment: each expression parses with Grafana's LogQL grammar
 * (@grafana/lezer-logql; no Loki binary is packaged for Debian or npm), and the file's structure,
 * names, labels and annotation templates pass the real promtool (with each LogQL expression given to
 * it as a PromQL stand-in, since promtool parses PromQL); the ruler sends them to every Alertmanager.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser } from '@grafana/lezer-logql';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type K8sObject, environments, plainObjects } from '../../support/dist';
import { findBinary, runTool } from '../../support/processes';
import { monitoringValuesOf } from '../chart/support';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Rule = { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> };
type RuleFile = { groups: Array<{ name: string; rules: Rule[] }> };
const configMap = (env: string, name: string) => (plainObjects(env, 'monitoring').find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as K8sObject & { data: Record<string, string> }).data;

/** The position of the first syntax error in a LogQL expression, or -1. */
function logqlError(expr: string): number {
  let error = -1;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError && error < 0) error = node.from;
    },
  });
  return error;
}

describe.each(environments())('the log-based alerts of %s', (env) => {
  const file = parse(configMap(env, 'loki-rules')['logs.yaml']) as RuleFile;
  const values = monitoringValuesOf(env);

  it('are a group per monitored application, in its namespace, labelled for routing', () => {
    const monitored = Object.entries(values.applications).filter(([, app]) => app.monitored);
    expect(file.groups.map((g) => g.name)).toEqual(monitored.map(([name]) => `logs.${name}`));
    for (const [name, app] of monitored) {
      const group = file.groups.find((g) => g.name === `logs.${name}`)!;
      expect(group.rules.map((r) => [r.alert, r.labels.priority, r.labels.severity])).toEqual([
        ['ApplicationErrorLogBurst', 'P1', 'warning'],
        ['ApplicationWarningLogs', 'P2', 'info'],
      ]);
      for (const rule of group.rules) {
        expect(rule.labels).toMatchObject({ component: 'application', environment: env, job: name });
        expect(rule.expr).toContain(`{namespace="${app.namespace}"}`);
      }
    }
  });

  it('are LogQL that Grafana’s grammar parses', () => {
    const broken = file.groups.flatMap((g) => g.rules).filter((rule) => logqlError(rule.expr) >= 0);
    expect(broken).toEqual([]);
    // The grammar does refuse: a line filter without its string.
    expect(logqlError('sum(count_over_time({namespace="x"} |~ [5m]))')).toBeGreaterThan(0);
  });

  it('are a rule file promtool accepts (names, labels, annotation templates)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-rules-'));
    dirs.push(dir);
    const standIn = { groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: 'vector(1)' })) })) };
    writeFileSync(join(dir, 'logs.yaml'), stringify(standIn));
    const result = runTool(findBinary('promtool'), ['check', 'rules', 'logs.yaml'], dir);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it("are sent by Loki's ruler to every Alertmanager pod, under its route prefix, with the ingestion limits of the values", () => {
    const loki = parse(configMap(env, 'loki-config')['loki.yaml']) as { ruler: Record<string, unknown>; limits_config: Record<string, unknown> };
    const urls = Array.from({ length: values.alertmanager.replicas }, (_, i) => `http://alertmanager-${i}.alertmanager-peers.monitoring.svc:9093/alertmanager`);
    expect(loki.ruler).toMatchObject({ alertmanager_url: urls.join(','), storage: { type: 'local', local: { directory: '/etc/loki/rules' } } });
    expect(loki.limits_config).toMatchObject({ ingestion_rate_mb: values.loki.limits.ingestionRateMB, ingestion_burst_size_mb: values.loki.limits.ingestionBurstSizeMB });
    expect(values.loki.limits.ingestionRateMB).toBe(100);
  });
});
