/** The promtool harness can fail: a wrong expectation makes `promtool test rules` exit non-zero. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertRules, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import { scratchDir } from '../../support/processes';
import { alertSpecs } from './cases';
import { type AlertSpec, describeResult, promtool, writeSuite } from './promtool';
import { ruleContext } from './thresholds';

const serviceDown = alertSpecs.find((spec) => spec.alertname === 'ServiceDown') as AlertSpec;

function run(dir: string, name: string, spec: AlertSpec) {
  const rules = buildAlertRules(defaultAlertThresholds, ruleContext);
  const testFile = writeSuite(dir, name, { rules, thresholds: defaultAlertThresholds, context: ruleContext, specs: [spec] });
  return promtool(['test', 'rules', testFile], dir);
}

describe('the promtool harness', () => {
  let scratch: ReturnType<typeof scratchDir>;
  beforeAll(() => {
    scratch = scratchDir('promtool-harness');
  });
  afterAll(() => scratch.remove());

  it('passes with the right expectations', () => {
    const result = run(scratch.path, 'right', serviceDown);
    expect(result.status, describeResult(result)).toBe(0);
  });

  it('fails when a label is wrong (ServiceDown expected as P1)', () => {
    const result = run(scratch.path, 'wrong-priority', { ...serviceDown, priority: 'P1' });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/alertname: ServiceDown[\s\S]*severity="critical"/);
  });

  it('fails when a silent case is expected to fire', () => {
    const firing = serviceDown.cases(defaultAlertThresholds).find((c) => c.fires.length > 0);
    const silent = serviceDown.cases(defaultAlertThresholds).find((c) => c.fires.length === 0);
    if (!firing || !silent) throw new Error('ServiceDown needs a firing and a silent case');
    const result = run(scratch.path, 'wrong-silence', { ...serviceDown, cases: () => [{ ...silent, fires: firing.fires }] });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('ServiceDown: is pending, not firing, in the first minute');
  });
});
