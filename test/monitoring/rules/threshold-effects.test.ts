/**
 * The thresholds really change the rules: the same series fire an alert under one threshold set and
 * leave it silent under another, in the real promtool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertThresholds, buildAlertRules, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import { scratchDir } from '../../support/processes';
import { api, apiPod, traffic } from './cases/fixtures';
import { percent } from './cases/format';
import { type AlertCase, type AlertSpec, describeResult, promtool, selector, writeSuite } from './promtool';
import { ruleContext } from './thresholds';

const threePercentErrors = traffic(582, 18, 20);
const downForTwoMinutes = { [selector('up', apiPod('api-7d9f8-aaaaa', '10.0.0.7'))]: '1 1 1 0 0 0' };
const certificateIn20Days = { [selector('probe_ssl_earliest_cert_expiry', { instance: 'https://shop.example.com', job: 'blackbox-http' })]: `${20 * 86400 + 600}x10` };

/** One case per alert, whose expectation depends on the thresholds. */
const specs: AlertSpec[] = [
  {
    alertname: 'HighErrorRate',
    priority: 'P0',
    component: 'application',
    cases: (t) => [
      {
        name: `3% errors against a ${t.errorRatio} threshold`,
        series: threePercentErrors,
        evalTime: '15m',
        fires:
          t.errorRatio < 0.03
            ? [
                {
                  labels: api,
                  summary: 'api in shop fails 3% of its requests',
                  description: `3% of the requests to api in shop failed with a 5xx status over the last 5 minutes (threshold ${percent(t.errorRatio)}).`,
                },
              ]
            : [],
      },
    ],
  },
  {
    alertname: 'ServiceDown',
    priority: 'P0',
    component: 'application',
    cases: (t) => [
      {
        name: `down for 2m with serviceDownFor ${t.serviceDownFor}`,
        series: downForTwoMinutes,
        evalTime: '5m',
        fires: t.serviceDownFor === '1m' ? [{ labels: api, summary: 'api in shop is down', description: 'No scrape target of api in shop has answered for 1m: every pod is down or unreachable.' }] : [],
      },
    ],
  },
  {
    alertname: 'TLSCertificateExpiringSoon',
    priority: 'P1',
    component: 'security',
    cases: (t): AlertCase[] => [
      {
        name: `certificate expiring in 20 days, warning at ${t.certExpiryWarningDays} days`,
        series: certificateIn20Days,
        evalTime: '10m',
        fires:
          t.certExpiryWarningDays > 20
            ? [
                {
                  labels: { instance: 'https://shop.example.com' },
                  summary: 'TLS certificate of https://shop.example.com expires in 20d 0h 0m 0s',
                  description: `The TLS certificate served at https://shop.example.com expires in 20d 0h 0m 0s (threshold ${t.certExpiryWarningDays} days): check that cert-manager renews it.`,
                },
              ]
            : [],
      },
    ],
  },
];

const stricter: AlertThresholds = { ...defaultAlertThresholds, errorRatio: 0.02, certExpiryWarningDays: 21 };
const slower: AlertThresholds = { ...defaultAlertThresholds, serviceDownFor: '3m' };

describe('thresholds', () => {
  let scratch: ReturnType<typeof scratchDir>;
  beforeAll(() => {
    scratch = scratchDir('promtool-thresholds');
  });
  afterAll(() => scratch.remove());

  it('decide which alerts fire on the same series', () => {
    const run = (name: string, thresholds: AlertThresholds) => {
      const rules = buildAlertRules(thresholds, ruleContext);
      const testFile = writeSuite(scratch.path, name, { rules, thresholds, context: ruleContext, specs });
      return promtool(['test', 'rules', testFile], scratch.path);
    };
    for (const [name, thresholds] of [
      ['defaults', defaultAlertThresholds],
      ['stricter', stricter],
      ['slower', slower],
    ] as const) {
      const result = run(name, thresholds);
      expect(result.status, `${name}: ${describeResult(result)}`).toBe(0);
    }
  });

  it('are set so that each case changes outcome', () => {
    const fires = (thresholds: AlertThresholds) => Object.fromEntries(specs.map((spec) => [spec.alertname, spec.cases(thresholds)[0].fires.length > 0]));
    expect(fires(defaultAlertThresholds)).toEqual({ HighErrorRate: false, ServiceDown: true, TLSCertificateExpiringSoon: false });
    expect(fires(stricter)).toEqual({ HighErrorRate: true, ServiceDown: true, TLSCertificateExpiringSoon: true });
    expect(fires(slower)).toEqual({ HighErrorRate: false, ServiceDown: false, TLSCertificateExpiringSoon: false });
  });
});
