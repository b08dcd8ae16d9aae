/**
 * The README's table of alerts ("Monitoring stack" > "Alerts") lists every built-in alert with its
 * priority and team, and nothing else: a new alert, or a changed priority, fails here until the table
 * says it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AlertingRule, buildAlertRules, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import { projectRoot } from '../../support/helm';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

function readmeAlerts(): string[] {
  const section = readme.slice(readme.indexOf('\n### Alerts\n'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| alert |')));
  return [...table.matchAll(/^\| `([A-Za-z0-9]+)` \| (P[0-2]) \| ([a-z]+) \|/gm)].map(([, alert, priority, team]) => `${alert} ${priority} ${team}`);
}

describe('the README', () => {
  it('lists every built-in alert with its priority and team, once', () => {
    const rules = buildAlertRules(defaultAlertThresholds, { runbookBaseUrl: 'https://runbooks.example.com', environment: 'production' });
    const alerts = rules.groups.flatMap((group) => group.rules).filter((rule): rule is AlertingRule => 'alert' in rule);
    const expected = alerts.map((alert) => `${alert.alert} ${alert.labels.priority} ${alert.labels.component}`);
    expect(readmeAlerts().sort(), 'README.md, "### Alerts": one row `| `<alert>` | <priority> | <team> | <fires when> |` per alert').toEqual(expected.sort());
  });
});
