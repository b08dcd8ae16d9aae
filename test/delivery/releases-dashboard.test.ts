/**
 * The releases dashboard (lib/monitoring/dashboards/releases.ts) tells the canary from the stable
 * version: its traffic share and error ratio queries, run through the real promtool on the series
 * of two versions of one application (as the scrape configuration labels them), give one value per
 * version.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildDashboards } from '../../lib/monitoring/dashboards';
import { describeResult, promtool } from '../monitoring/rules/promtool';
import { scratchDir } from '../support/processes';

const scratch = scratchDir('releases-dashboard');
afterAll(() => scratch.remove());

const dashboard = buildDashboards({ sloTarget: 0.999, applications: ['api', 'worker'] }).find((file) => file.fileName === 'releases.json')!.dashboard;
const panels = (dashboard.panels as Array<{ title: string; targets?: Array<{ expr: string }> }>).filter((panel) => panel.targets);
const query = (title: string) => {
  const panel = panels.find((p) => p.title === title);
  if (!panel?.targets) throw new Error(`no panel ${title}`);
  // The dashboard variables as Grafana fills them for namespace api-production, application api.
  return panel.targets[0].expr.replaceAll('$namespace', 'api-production').replaceAll('$job', 'api').replaceAll('$__rate_interval', '2m');
};

describe('releases dashboard', () => {
  it('splits traffic share and error ratio by version with promtool', () => {
    const labels = (hash: string, status: string) => `{job="api", namespace="api-production", pod="api-${hash}-1", rollouts_pod_template_hash="${hash}", status="${status}"}`;
    const version = (hash: string) => `{job="api", namespace="api-production", rollouts_pod_template_hash="${hash}"}`;
    const test = {
      name: 'a canary with a tenth of the traffic and 5% errors beside a healthy stable version',
      interval: '1m',
      input_series: [
        { series: `http_requests_total${labels('old0', '200')}`, values: '0+540x20' },
        { series: `http_requests_total${labels('new1', '200')}`, values: '0+57x20' },
        { series: `http_requests_total${labels('new1', '503')}`, values: '0+3x20' },
      ],
      promql_expr_test: [
        {
          expr: query('Traffic share by version'),
          eval_time: '10m',
          exp_samples: [
            { labels: version('old0'), value: 0.9 },
            { labels: version('new1'), value: 0.1 },
          ],
        },
        {
          expr: query('Server error ratio (5xx) by version'),
          eval_time: '10m',
          exp_samples: [
            { labels: version('old0'), value: 0 },
            { labels: version('new1'), value: 0.05 },
          ],
        },
      ],
    };
    const file = join(scratch.path, 'releases.test.yaml');
    writeFileSync(file, stringify({ rule_files: [], evaluation_interval: '1m', tests: [test] }, { lineWidth: 0 }));
    const result = promtool(['test', 'rules', file], scratch.path);
    expect(result.status, describeResult(result)).toBe(0);
  });
});
