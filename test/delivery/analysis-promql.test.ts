/**
 * The release analysis's PromQL (lib/delivery/analysis-queries.ts), as written into the generated
 * AnalysisTemplate, run through the real promtool against synthetic series of a canary: for every
 * phase of every environment's Rollout (its args), each metric's success and failure conditions are
 * evaluated by promtool too (`result[0] <= X` becomes `(query) <= bool X`), so the verdict is the one
 * Argo Rollouts would reach from the same numbers:
 * - a healthy new version passes, whatever the stable version does;
 * - a new version over a threshold for 5 minutes fails the measurement after those 5 minutes;
 * - over it for 4 minutes, no measurement fails (every 30 s over the next 10 minutes);
 * - without traffic the threshold measurements pass and the `requests` measurement is inconclusive
 *   (neither condition holds), which pauses the rollout.
 * Series are scraped every 30 s; measurements are taken between minute marks, where Prometheus 2
 * (promtool here, a closed range) and Prometheus 3 (the stack, a left-open range) see the same
 * five one-minute points of the `[5m:1m]` subquery.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type K8sObject, environments, plainObjects } from '../support/dist';
import { describeResult, promtool } from '../monitoring/rules/promtool';

interface Metric {
  name: string;
  count?: number | string;
  interval?: string;
  initialDelay?: string;
  successCondition: string;
  failureCondition: string;
  provider: { prometheus: { address: string; query: string } };
}
interface Arg {
  name: string;
  value?: string;
}
type Verdict = 'success' | 'failure' | 'inconclusive';

const NEW = 'new1';
const OLD = 'old0';
const STEP_SECONDS = 30;
/** Buckets of the request-duration histogram (seconds). */
const BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

/** Per 30-second scrape interval ending at step k (1-based): error ratio and where requests' latency falls. */
interface Profile {
  requestsPerStep: (k: number) => number;
  errorRatio: (k: number) => number;
  /** The bucket (index in BUCKETS) every request of the step falls in. */
  latencyBucket: (k: number) => number;
}

const steps = 50; // 25 minutes of samples
const minuteOfStep = (k: number) => Math.ceil((k * STEP_SECONDS) / 60); // the minute (1-based) the increment ending at step k belongs to

function cumulative(increment: (k: number) => number): string {
  let total = 0;
  const values = ['0'];
  for (let k = 1; k <= steps; k += 1) {
    total += increment(k);
    values.push(String(Math.round(total * 1000) / 1000));
  }
  return values.join(' ');
}

function seriesOf(namespace: string, hash: string, profile: Profile): Array<{ series: string; values: string }> {
  const labels = `namespace="${namespace}", rollouts_pod_template_hash="${hash}", pod="api-${hash}-1"`;
  const errors = (k: number) => profile.requestsPerStep(k) * profile.errorRatio(k);
  return [
    { series: `http_requests_total{${labels}, status="200"}`, values: cumulative((k) => profile.requestsPerStep(k) - errors(k)) },
    { series: `http_requests_total{${labels}, status="503"}`, values: cumulative(errors) },
    ...BUCKETS.map((le, index) => ({
      series: `http_request_duration_seconds_bucket{${labels}, le="${le}"}`,
      values: cumulative((k) => (profile.latencyBucket(k) <= index ? profile.requestsPerStep(k) : 0)),
    })),
  ];
}

const healthy: Profile = { requestsPerStep: () => 300, errorRatio: () => 0.0002, latencyBucket: () => 0 };
const brokenStable: Profile = { requestsPerStep: () => 3000, errorRatio: () => 0.5, latencyBucket: () => 5 };
/** Over a threshold in minutes (from, to] (1-based minutes: 11..15 is "from 10m to 15m"). */
const during = (from: number, to: number) => (k: number) => minuteOfStep(k) > from && minuteOfStep(k) <= to;

/** The metrics of an environment's release AnalysisTemplate and the args of each analysis its Rollout runs. */
function analysesOf(environment: string) {
  const objects = plainObjects(environment, 'api');
  const template = objects.find((o) => o.kind === 'AnalysisTemplate' && o.metadata.name === 'api-release-analysis') as (K8sObject & { spec: { metrics: Metric[] } }) | undefined;
  const rollout = objects.find((o) => o.kind === 'Rollout') as
    | (K8sObject & { spec: { strategy: { canary?: { steps: Array<{ analysis?: { args: Arg[] } }> }; blueGreen?: { postPromotionAnalysis: { args: Arg[] } } } } })
    | undefined;
  if (!template || !rollout) return [];
  const canarySteps = rollout.spec.strategy.canary?.steps ?? [];
  const runs = [
    ...canarySteps.flatMap((step, index) => (step.analysis ? [{ what: `canary step ${index}`, args: step.analysis.args }] : [])),
    ...(rollout.spec.strategy.blueGreen ? [{ what: 'post-promotion', args: rollout.spec.strategy.blueGreen.postPromotionAnalysis.args }] : []),
  ];
  return runs.map(({ what, args }) => {
    const values: Record<string, string> = { namespace: `api-${environment}`, 'canary-hash': NEW };
    for (const arg of args) if (arg.value !== undefined) values[arg.name] = arg.value;
    const fill = (text: string) =>
      text.replace(/\{\{args\.([a-z0-9-]+)\}\}/g, (_, name: string) => {
        if (!(name in values)) throw new Error(`${what}: no arg ${name}`);
        return values[name];
      });
    return {
      what,
      values,
      metrics: template.spec.metrics.map((metric) => ({
        ...metric,
        query: fill(metric.provider.prometheus.query),
        successCondition: fill(metric.successCondition),
        failureCondition: fill(metric.failureCondition),
      })),
    };
  });
}

/** A condition of Argo Rollouts' expression language, as PromQL giving 1 (holds) or 0; `false` never holds. */
function conditionQuery(query: string, condition: string): string | null {
  if (condition === 'false') return null;
  const match = /^result\[0\] (<=|>|>=) ([0-9.e+-]+)$/.exec(condition);
  if (!match) throw new Error(`a condition this test does not read: ${condition}`);
  return `(${query}) ${match[1]} bool ${match[2]}`;
}

function verdictTests(query: string, metric: { successCondition: string; failureCondition: string }, evalTime: string, verdict: Verdict) {
  const checks: Array<{ expr: string; eval_time: string; exp_samples: Array<{ labels: string; value: number }> }> = [];
  const success = conditionQuery(query, metric.successCondition);
  const failure = conditionQuery(query, metric.failureCondition);
  if (success) checks.push({ expr: success, eval_time: evalTime, exp_samples: [{ labels: '{}', value: verdict === 'success' ? 1 : 0 }] });
  if (failure) checks.push({ expr: failure, eval_time: evalTime, exp_samples: [{ labels: '{}', value: verdict === 'failure' ? 1 : 0 }] });
  if (!failure && verdict === 'failure') throw new Error('a metric that cannot fail');
  return checks;
}

const scratch = mkdtempSync(join(tmpdir(), 'analysis-promql-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Measurement times between minute marks: every 30 s from `from` to `to` minutes, plus 15 s. */
function measurementTimes(from: number, to: number): string[] {
  const times: string[] = [];
  for (let seconds = from * 60 + 15; seconds <= to * 60 + 15; seconds += 30) times.push(`${seconds}s`);
  return times;
}

const analysed = environments().flatMap((environment) => analysesOf(environment).map((analysis) => ({ environment, ...analysis })));

describe('release analysis PromQL with promtool', () => {
  it('exists where api is a Rollout: canary phases in production, post-promotion in staging', () => {
    expect(analysed.filter((a) => a.environment === 'production').map((a) => a.what)).toEqual(['canary step 1', 'canary step 3', 'canary step 5']);
    expect(analysed.filter((a) => a.environment === 'staging').map((a) => a.what)).toEqual(['post-promotion']);
  });

  it.each(analysed.map((a) => [`${a.environment} ${a.what}`, a] as const))('%s: healthy passes, 5 minutes over each threshold fails, 4 minutes does not, no traffic is inconclusive', (_, analysis) => {
    const metric = (name: string) => {
      const found = analysis.metrics.find((m) => m.name === name);
      if (!found) throw new Error(`no metric ${name}`);
      return found;
    };
    const errorRatio = metric('error-ratio');
    const p95 = metric('p95-latency');
    const requests = metric('requests');
    const maxErrorRatio = Number(analysis.values['max-error-ratio']);
    const namespace = `api-${analysis.environment}`;
    const minutes = Number(analysis.values.minutes);
    // Over the error threshold by half again; latency in the (0.5, 1] bucket (p95 0.975 s), over every p95 threshold here.
    expect(Number(analysis.values['max-p95-seconds'])).toBeLessThan(0.9);
    const overErrors = (when: (k: number) => boolean): Profile => ({ ...healthy, errorRatio: (k) => (when(k) ? Math.min(1, maxErrorRatio * 1.5 + 0.001) : healthy.errorRatio(k)) });
    const slow = (when: (k: number) => boolean): Profile => ({ ...healthy, latencyBucket: (k) => (when(k) ? 4 : 0) });
    const quiet: Profile = { ...healthy, requestsPerStep: () => 0 };

    const scenarios: Array<{ name: string; canary: Profile; checks: ReturnType<typeof verdictTests> }> = [
      {
        name: 'healthy new version beside a broken stable one',
        canary: healthy,
        checks: measurementTimes(0, 24).flatMap((t) => [...verdictTests(errorRatio.query, errorRatio, t, 'success'), ...verdictTests(p95.query, p95, t, 'success')]),
      },
      { name: 'error ratio over the threshold for 5 minutes', canary: overErrors(during(10, 15)), checks: verdictTests(errorRatio.query, errorRatio, '915s', 'failure') },
      { name: 'error ratio over the threshold for 4 minutes', canary: overErrors(during(10, 14)), checks: measurementTimes(9, 20).flatMap((t) => verdictTests(errorRatio.query, errorRatio, t, 'success')) },
      { name: 'p95 over the threshold for 5 minutes', canary: slow(during(10, 15)), checks: verdictTests(p95.query, p95, '915s', 'failure') },
      { name: 'p95 over the threshold for 4 minutes', canary: slow(during(10, 14)), checks: measurementTimes(9, 20).flatMap((t) => verdictTests(p95.query, p95, t, 'success')) },
      {
        name: 'no traffic: thresholds pass, the requests measurement is inconclusive',
        canary: quiet,
        checks: [
          ...measurementTimes(0, 24).flatMap((t) => [...verdictTests(errorRatio.query, errorRatio, t, 'success'), ...verdictTests(p95.query, p95, t, 'success')]),
          ...verdictTests(requests.query, requests, '1440s', 'inconclusive'),
        ],
      },
    ];
    // The requests measurement concludes when the phase saw enough requests (10 per second here).
    if (minutes <= 24) scenarios.push({ name: 'enough traffic: the requests measurement succeeds', canary: healthy, checks: verdictTests(requests.query, requests, `${minutes * 60}s`, 'success') });

    const testFile = join(scratch, `${analysis.environment}-${analysis.what.replace(/ /g, '-')}.test.yaml`);
    const tests = scenarios.map((scenario) => ({
      name: scenario.name,
      interval: `${STEP_SECONDS}s`,
      input_series: [...seriesOf(namespace, NEW, scenario.canary), ...seriesOf(namespace, OLD, brokenStable)],
      promql_expr_test: scenario.checks,
    }));
    writeFileSync(testFile, stringify({ rule_files: [], evaluation_interval: '30s', tests }, { lineWidth: 0 }));
    const result = promtool(['test', 'rules', testFile], scratch);
    expect(result.status, describeResult(result)).toBe(0);
  });
});
