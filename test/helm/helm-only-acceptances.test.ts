/**
 * Inputs Helm used to accept while synth refused them (issue 20), and their neighbours: each is now
 * refused by the chart with synth's words, or, where a chart alone cannot know (a rule across charts),
 * by `npm run validate`'s policy checks on the rendered objects of the whole environment. Both Helm 3
 * and Helm 4; synth is run on a copy of values/ with the same mistake written in it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { formatFinding } from '../../lib/validation';
import { checkPolicies } from '../../lib/validation/policy';
import { MAX_VALUES_DEPTH } from '../../lib/values/values-shape';
import { charts, distDir, releaseNamespace } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'helm-only-'));
const roots: string[] = [];
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** `helm template` of one chart with an environment's values and extra arguments: its status and first error line. */
function render(binary: string, chart: string, environment: string, extra: readonly string[]) {
  const dir = join(distDir, 'helm', chart);
  const result = helm(binary, ['template', chart, dir, '-n', releaseNamespace(environment, chart), '-f', join(dir, `values-${environment}.yaml`), ...extra]);
  return { status: result.status, error: result.stderr.split('\n')[0], stdout: result.stdout };
}

/** The message after `execution error at (<template>:<line>:<col>): `. */
const failMessage = (line: string) => line.replace(/^Error: execution error at \([^)]*\): /, '');

/** The policy findings on the rendered objects of every chart of an environment, `changed` rendered with `extra`. */
function environmentFindings(binary: string, environment: string, changed: string, extra: readonly string[]): string[] {
  const documents = charts().flatMap((chart) => {
    const dir = join(distDir, 'helm', chart);
    const args = [chart, dir, '-n', releaseNamespace(environment, chart), '-f', join(dir, `values-${environment}.yaml`), ...(chart === changed ? extra : [])];
    return helmTemplate(binary, args).map((doc, i) => ({ file: `${chart}/${i}`, doc }));
  });
  // Helm renders no Namespace, so the node agents' namespace reads as restricted: only the rules across charts are looked at here.
  return checkPolicies(documents)
    .map(formatFinding)
    .filter((line) => /: (NetworkPolicy|AnalysisTemplate)\//.test(line));
}

/** The synth problems of a copy of values/ with `value` set at `path` in `file` (comments and lines of the rest kept). */
function synthWith(file: string, path: readonly (string | number)[], value: unknown): string[] {
  return synthProblems(
    valuesCopyWith(roots, file, (text) => {
      const document = parseDocument(text);
      document.setIn(path, value);
      return document.toString({ lineWidth: 0 });
    }),
  ).map((line) => line.replace(/^\/tmp\/values-copy-[^/]+\//, ''));
}

/** A values file for `-f`, with `data` as YAML text. */
function valuesFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

/** Nested maps, `levels` deep, ending in a string. */
function nested(levels: number): Record<string, unknown> {
  let node: Record<string, unknown> = { leaf: 'x' };
  for (let i = 1; i < levels; i += 1) node = { [`l${levels - i}`]: node };
  return node;
}

describe.each(helmVersions)('$label', ({ binary }) => {
  it('a dependent without pod labels (admitting every pod of a namespace) is refused by the chart’s schema', () => {
    const json = 'networkPolicy.dependents=[{"app":"evil","namespace":"evil","podLabels":{},"port":8080,"protocol":"TCP"}]';
    const result = render(binary, 'api', 'production', ['--set-json', json]);
    expect(result.status).toBe(1);
    expect(result.error).toBe("Error: values don't meet the specifications of the schema(s) in the following chart(s):");
  });

  it('a dependent in a namespace where no application runs is refused by validate on the environment’s objects', () => {
    expect(environmentFindings(binary, 'production', 'api', [])).toEqual([]);
    const json = 'networkPolicy.dependents=[{"app":"evil","namespace":"evil","podLabels":{"app.kubernetes.io/name":"evil","app.kubernetes.io/instance":"evil"},"port":8080,"protocol":"TCP"}]';
    expect(render(binary, 'api', 'production', ['--set-json', json]).status).toBe(0);
    expect(environmentFindings(binary, 'production', 'api', ['--set-json', json])).toEqual([
      expect.stringMatching(
        /^api\/\d+: NetworkPolicy\/api-production\/api-allow-dependents: spec\.ingress\[0\]\.from\[0\]: admits pods of namespace evil labelled \{"app\.kubernetes\.io\/instance":"evil","app\.kubernetes\.io\/name":"evil"\}, and no workload among the objects runs there with those labels/,
      ),
    ]);
    // A neighbour: a real application's labels in another namespace.
    const moved = 'networkPolicy.dependents=[{"app":"web","namespace":"web-staging","podLabels":{"app.kubernetes.io/name":"web","app.kubernetes.io/instance":"web"},"port":8080,"protocol":"TCP"}]';
    expect(environmentFindings(binary, 'production', 'api', ['--set-json', moved])).toHaveLength(1);
  });

  it('an analysis querying another Prometheus is refused by validate with synth’s words', () => {
    const [synth] = synthWith('production.yaml', ['applications', 'api', 'rollout', 'analysis', 'prometheusAddress'], 'http://evil:9090');
    const words = synth.replace(/^.*rollout\.analysis\.prometheusAddress: /, '');
    expect(words).toBe(
      'expected http://prometheus.monitoring.svc:9090/prometheus (the Prometheus of the monitoring stack, monitoring.mode standalone, under its route prefix /prometheus), got http://evil:9090',
    );
    const findings = environmentFindings(binary, 'production', 'api', ['--set', 'rollout.analysis.prometheusAddress=http://evil:9090']);
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings)
      expect(finding).toMatch(new RegExp(`^api/\\d+: AnalysisTemplate/api-production/[a-z-]+: spec\\.metrics\\[\\d+\\]\\.provider\\.prometheus\\.address: ${words.replace(/[.()/]/g, '\\$&')}$`));
  });

  it('the monitoring chart refuses node agents in its own namespace, with synth’s words', () => {
    const [synth] = synthWith('base.yaml', ['monitoring', 'nodeNamespace'], 'monitoring');
    const result = render(binary, 'monitoring', 'production', ['--set', 'nodeNamespace=monitoring']);
    expect(result.status).toBe(1);
    expect(synth).toMatch(/^values\/base\.yaml:\d+:3: monitoring\.nodeNamespace: /);
    expect(`monitoring.${failMessage(result.error)}`).toBe(synth.replace(/^values\/base\.yaml:\d+:3: /, ''));
  });

  it('an environment the chart has no values file for is refused (synth sets it; written in values/, synth refuses it)', () => {
    for (const chart of ['api', 'monitoring']) {
      const result = render(binary, chart, 'production', ['--set', 'environment=qa']);
      expect(result.status).toBe(1);
      expect(failMessage(result.error)).toBe(
        `environment: "qa" is not an environment of this chart (dev, production, staging; default for values.yaml alone): it is set by synth in the environment's values file (values-<env>.yaml), not by --set or -f`,
      );
    }
    expect(render(binary, 'api', 'production', ['--set', 'environment=staging']).status).toBe(0);
    const problems = synthWith('production.yaml', ['defaults', 'environment'], 'qa');
    expect(problems[0]).toMatch(/^values\/production\.yaml:\d+:3: defaults\.environment: is set by synth, to the environment's name \(its values file's name\): remove it$/);
    const monitoring = synthWith('base.yaml', ['monitoring', 'environment'], 'qa');
    expect(monitoring[0]).toMatch(/^values\/base\.yaml:\d+:3: monitoring\.environment: is set by synth/);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a key JavaScript treats specially (%s) is refused alike by synth and the chart', (key) => {
    const file = valuesFile(`special-${key}.yaml`, `env:\n  ${key}: x\n`);
    const result = render(binary, 'worker', 'production', ['-f', file]);
    expect(result.status).toBe(1);
    const [synth] = synthWith('production.yaml', ['applications', 'worker', 'env', key], 'x');
    expect(synth).toMatch(new RegExp(`^values/production\\.yaml:\\d+:7: applications\\.worker\\.env\\.${key}: `));
    expect(failMessage(result.error)).toBe(synth.replace(/^values\/production\.yaml:\d+:7: applications\.worker\./, ''));
  });

  it(`values nested deeper than ${MAX_VALUES_DEPTH} levels are refused alike by synth and the chart; ${MAX_VALUES_DEPTH} levels pass the rule`, () => {
    const deep = { podAnnotations: {}, extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: nested(MAX_VALUES_DEPTH) }] };
    const result = render(binary, 'worker', 'production', ['-f', valuesFile('deep.yaml', stringify(deep))]);
    expect(result.status).toBe(1);
    const [synth] = synthWith('production.yaml', ['applications', 'worker', 'extraObjects'], deep.extraObjects);
    expect(failMessage(result.error)).toMatch(/^extraObjects\[0\]\.data(\.l\d+)+: nested deeper than 64 levels of maps and lists; flatten it \(Kubernetes objects nest far less\)$/);
    expect(synth.replace(/^values\/production\.yaml:\d+:\d+: applications\.worker\./, '')).toBe(failMessage(result.error));
    const shallow = { extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: nested(MAX_VALUES_DEPTH - 3) }] };
    expect(render(binary, 'worker', 'production', ['-f', valuesFile('shallow.yaml', stringify(shallow))]).error).not.toMatch(/nested deeper/);
  });

  it('a duplicate key in a -f file never reaches the chart (Helm’s parser keeps the last); synth refuses it in values/', () => {
    // What the chart is given has one key: no template or schema can see the duplicate.
    const result = render(binary, 'api', 'production', ['-f', valuesFile('duplicate.yaml', 'replicaCount: 2\nreplicaCount: 5\nautoscaling:\n  enabled: false\n')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ {2}replicas: 5$/m);
    const problems = synthProblems(valuesCopyWith(roots, 'production.yaml', (t) => t.replace('defaults:\n', 'defaults:\n  replicaCount: 2\n  replicaCount: 5\n'))).map((line) =>
      line.replace(/^\/tmp\/values-copy-[^/]+\//, ''),
    );
    expect(problems[0]).toMatch(/^values\/production\.yaml:\d+:\d+: this key is already set above in the same map: keep one/);
  });
});
