/**
 * Values that would give objects the API server refuses (issue 19): refused by synth with file, line
 * and values path, and by the charts with Helm 3 and Helm 4 (values.schema.json where a schema can say
 * it, else validate-values.yaml with synth's words, lib/values/api-server-rules.ts). Each input comes
 * with its neighbours: other cron fields, steps and ranges; Local and unknown time zones; every path
 * form the HTTPRoute CRD's CEL rules refuse; every int-or-percent; DNS-1035 names; system namespaces.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { applicationFile, rootName } from '../../lib/gitops/layout';
import { PACKAGES_DIR } from '../../lib/helm/package';
import { MONITORING_CHART } from '../../lib/monitoring/stack/chart-name';
import { layoutReservedNames } from '../../lib/values/layout-names';
import { distDir } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';
import { synthInto, synthProblems } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'api-server-values-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What the qa environment's cluster has besides base.yaml's prerequisites: the worker's Redis password (lib/references/). */
const QA_CLUSTER = { prerequisites: { secrets: { 'worker-qa': { 'worker-redis': { keys: ['password'] } } } } };

let copies = 0;
/** The problems synth reports for values/ with an extra environment `qa` holding `overlay`. */
function synthWith(overlay: Record<string, unknown>): string[] {
  const dir = join(scratch, `values-${copies++}`);
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  writeFileSync(join(dir, 'qa.yaml'), stringify({ ...overlay, ...QA_CLUSTER }));
  return synthProblems(dir);
}

/** `helm template` of a chart with the production values and `values`: stderr's first line, and the status. */
function helmWith(binary: string, chart: string, values: Record<string, unknown>, release = chart): { line: string; status: number } {
  const file = join(scratch, `helm-${copies++}.yaml`);
  writeFileSync(file, stringify(values));
  const chartDir = join(distDir, 'helm', chart);
  const result = helm(binary, ['template', release, chartDir, '-n', `${chart}-production`, '-f', join(chartDir, 'values-production.yaml'), '-f', file]);
  return { line: result.stderr.split('\n')[0], status: result.status ?? -1 };
}

const CRON = 'Kubernetes and Velero read five cron fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6';

/** Cron schedules: the input and its neighbours, with the problem both sides name. */
const schedules: readonly [string, string][] = [
  ['0 2 * * 7', 'day of week 7 is beyond 0-6'],
  ['60 2 * * *', 'minute 60 is beyond 0-59'],
  ['0 24 * * *', 'hour 24 is beyond 0-23'],
  ['0 2 0 * *', 'day of month 0 is beyond 1-31'],
  ['0 2 * 13 *', 'month 13 is beyond 1-12'],
  ['*/0 2 * * *', 'step of "*/0" must be at least 1'],
  ['0 5-1 * * *', 'range "5-1" ends before it starts'],
  ['0 2 * * 1-2-3', '"1-2-3" has more than one "-"'],
];

describe('backup schedules (CronJob spec.schedule, robfig/cron ParseStandard)', () => {
  it.each(schedules)('synth refuses %s with file, line and path', (schedule, problem) => {
    const [line] = synthWith({ applications: { api: { backups: { schedule } } } });
    expect(line).toMatch(/qa\.yaml:4:\d+: /);
    expect(line.replace(/^.*?qa\.yaml:\d+:\d+: /, '')).toBe(`applications.api.backups.schedule: ${JSON.stringify(schedule)}: ${problem} (${CRON})`);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it.each(schedules)('the api chart refuses %s with the same words', (schedule, problem) => {
      const { line, status } = helmWith(binary, 'api', { backups: { schedule } });
      expect(line).toMatch(/^Error: execution error at \(api\/templates\/validate-values\.yaml:\d+:\d+\): /);
      expect(line.replace(/^Error: execution error at \([^)]*\): /, '')).toBe(`backups.schedule: ${JSON.stringify(schedule)}: ${problem} (${CRON})`);
      expect(status).toBe(1);
    });

    it.each(schedules.slice(0, 3))('the monitoring chart refuses a Velero schedule %s with the same words', (schedule, problem) => {
      const { line, status } = helmWith(binary, 'monitoring', { velero: { grafana: { schedule } } });
      expect(line.replace(/^Error: execution error at \([^)]*\): /, '')).toBe(`velero.grafana.schedule: ${JSON.stringify(schedule)}: ${problem} (${CRON})`);
      expect(status).toBe(1);
    });

    it('accepts steps, lists and ranges within bounds', () => {
      expect(helmWith(binary, 'api', { backups: { schedule: '*/15 0-23/2 1,15 1-12 0-6' } }).status).toBe(0);
    });
  });
});

describe('synth refuses, with file, line and values path', () => {
  const refused = (overlay: Record<string, unknown>) => synthWith(overlay).map((line) => line.replace(/^.*?qa\.yaml:\d+:\d+: /, ''));

  it('a Velero schedule out of range', () => {
    expect(refused({ monitoring: { velero: { prometheus: { schedule: '0 2 * * 7' } } } })).toEqual([`monitoring.velero.prometheus.schedule: "0 2 * * 7": day of week 7 is beyond 0-6 (${CRON})`]);
  });

  it.each(['Local', 'local', 'Mars/Olympus_Mons', 'utc'])('timeZone %s', (timeZone) => {
    const [line] = refused({ applications: { api: { backups: { timeZone } } } });
    expect(line).toMatch(new RegExp(`^applications\\.api\\.backups\\.timeZone: expected a time zone of the IANA database such as Etc/UTC or Europe/Berlin.*, got "${timeZone}"$`));
  });

  it.each(['/files/%2Fetc', '/files/%2fetc', '/legacy//v1', '/a/./b', '/a/../b', '/up/..', '/up/.', '/a#b', '/a%zz'])('an ingress path %s', (path) => {
    const [line] = refused({ applications: { api: { ingress: { hosts: [{ host: 'api.qa.example.com', paths: [{ path, pathType: 'Prefix' }] }] } } } });
    expect(line).toBe(
      `applications.api.ingress.hosts[0].paths[0].path: expected a path an HTTPRoute and an Ingress accept: starting with /, of letters, digits, -._~!$&'()*+,;=:@ and %XX escapes, without //, /./, /../, %2F (an encoded /), # or a trailing /. or /.., got "${path}"`,
    );
  });

  it.each(['/..', '/grafana/.', '/a/../b'])('a monitoring route path %s', (path) => {
    expect(refused({ monitoring: { ingress: { path } } })).toEqual([
      `monitoring.ingress.path: expected a sub path such as /grafana: "/" and segments of letters, digits and -._~, none of them "." or "..", no trailing slash, got "${path}"`,
    ]);
  });

  it.each(['101%', '150%', '1000%'])('pdb.minAvailable %s (every int-or-percent of the model: both PDB fields)', (maxUnavailable) => {
    expect(refused({ applications: { api: { pdb: { minAvailable: maxUnavailable } } } })[0]).toBe(`applications.api.pdb.minAvailable: expected a percentage of at most 100%, got "${maxUnavailable}"`);
  });

  it('monitoring.nodeNamespace of the cluster itself, or of an application', () => {
    for (const namespace of ['kube-system', 'kube-public', 'kube-node-lease', 'default']) {
      expect(refused({ monitoring: { nodeNamespace: namespace } })).toEqual([
        `monitoring.nodeNamespace: "${namespace}" is a namespace of the cluster itself (default, kube-node-lease, kube-public, kube-system): the chart would own it, deny its traffic and label it privileged`,
      ]);
    }
    expect(refused({ monitoring: { nodeNamespace: 'api-qa' } })).toEqual([
      'monitoring.nodeNamespace: "api-qa" is the namespace of application api: a namespace has one owning chart; give the node agents a namespace of their own',
    ]);
    for (const [namespace, owner] of [
      ['velero', 'Velero (velero.namespace)'],
      ['cert-manager', 'cert-manager (certManager.namespace)'],
      ['argo-rollouts', 'the Argo Rollouts controller (argoRollouts.namespace)'],
      ['ingress-nginx', 'the ingress controller (networkPolicy.ingressControllerNamespace)'],
      ['gateway-system', 'the Gateway (traffic.gateway.namespace)'],
      ['envoy-gateway-system', 'the Gateway’s proxies (traffic.gateway.proxies.namespace)'],
    ]) {
      expect(refused({ monitoring: { nodeNamespace: namespace } })).toEqual([
        `monitoring.nodeNamespace: "${namespace}" is the namespace of ${owner}: a namespace has one owning chart; give the node agents a namespace of their own`,
      ]);
    }
  });

  it('a ConfigMap over 1 MiB from env, in a values file under 1 MiB', () => {
    // Over the ConfigMap's share of 1 MiB, yet the file stays under the 1 MiB a values file may have.
    const big = 'x'.repeat(1044480);
    expect(refused({ applications: { worker: { env: { A: big } } } })).toEqual([
      `applications.worker.env: the values are ${1044480 + 6} bytes; the ConfigMap holding them is at most 1048576 bytes (1 MiB), 4096 of them kept for the chart's own entries: at most 1044480`,
    ]);
  });

  it('a values file over 1 MiB is refused as such, before its ConfigMap', () => {
    const big = 'x'.repeat(600 * 1024);
    const [line] = synthWith({ applications: { worker: { env: { A: big, B: big } } } });
    expect(line).toMatch(/qa\.yaml:1:1: \d+ bytes: a values file is at most 1048576 bytes \(1 MiB/);
  });
});

describe('synth refuses an application named 1abc (a Service name is a DNS-1035 label)', () => {
  it('at its key in base.yaml', () => {
    const dir = join(scratch, `values-${copies++}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    writeFileSync(join(dir, 'base.yaml'), readFileSync(join(dir, 'base.yaml'), 'utf8').replace(/^ {2}worker:/m, '  1abc:'));
    const problems = synthProblems(dir);
    expect(problems[0]).toMatch(
      /base\.yaml:\d+:\d+: applications\.1abc: invalid key: expected a DNS-1035 label \(it names a Service\): lower-case letters, digits and "-", starting with a letter and ending with a letter or digit, got "1abc"$/,
    );
    expect(problems.filter((line) => line.includes('fullnameOverride'))).toEqual([]);
  });
});

describe.each(helmVersions)('$label refuses what synth refuses', ({ binary }) => {
  const rejected = (chart: string, values: Record<string, unknown>, release?: string) => {
    const { line, status } = helmWith(binary, chart, values, release);
    expect(status).toBe(1);
    return line;
  };

  it.each(['Local', 'Mars/Olympus_Mons'])('timeZone %s (values.schema.json enum of the IANA names)', (timeZone) => {
    expect(rejected('api', { backups: { timeZone } })).toMatch(/values don't meet the specifications of the schema/);
  });

  it.each(['/files/%2Fetc', '/legacy//v1', '/up/..', '/a/./b'])('an ingress path %s (values.schema.json pattern)', (path) => {
    expect(rejected('api', { ingress: { hosts: [{ host: 'api.example.com', paths: [{ path, pathType: 'Prefix' }] }] } })).toMatch(/values don't meet the specifications of the schema/);
  });

  it.each(['/..', '/grafana/.'])('a monitoring route path %s (values.schema.json pattern)', (path) => {
    expect(rejected('monitoring', { ingress: { path } })).toMatch(/values don't meet the specifications of the schema/);
  });

  it.each(['101%', '150%'])('pdb.maxUnavailable and minAvailable %s', (percent) => {
    expect(rejected('api', { pdb: { maxUnavailable: percent, minAvailable: null } })).toMatch(/values don't meet the specifications of the schema/);
    expect(rejected('api', { pdb: { minAvailable: percent } })).toMatch(/values don't meet the specifications of the schema/);
  });

  it('a release named 1abc or a fullnameOverride 1abc (the full name names the Service), with synth’s words', () => {
    expect(rejected('worker', { fullnameOverride: '1abc' }).replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      'fullnameOverride: the full name "1abc" names the Service, and a Service name must start with a letter (a DNS-1035 label): use another release name or set fullnameOverride',
    );
    expect(rejected('worker', {}, '1abc').replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      'fullnameOverride: the full name "1abc-worker" names the Service, and a Service name must start with a letter (a DNS-1035 label): use another release name or set fullnameOverride',
    );
  });

  it('env over 1 MiB, with synth’s words', () => {
    const big = 'x'.repeat(600 * 1024);
    expect(rejected('worker', { env: { A: big, B: big } }).replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      `env: the values are ${2 * 600 * 1024 + 6} bytes; the ConfigMap holding them is at most 1048576 bytes (1 MiB), 4096 of them kept for the chart's own entries: at most 1044480`,
    );
  });

  it('monitoring nodeNamespace kube-system (schema) and an application’s namespace (synth’s words)', () => {
    // The schema's not is a check of validate-values.yaml, in synth's words (lib/values/readable-schema.ts).
    expect(rejected('monitoring', { nodeNamespace: 'kube-system' }).replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      'nodeNamespace: "kube-system" is a namespace of the cluster itself (default, kube-node-lease, kube-public, kube-system): the chart would own it, deny its traffic and label it privileged',
    );
    expect(rejected('monitoring', { nodeNamespace: 'api-production' }).replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      'nodeNamespace: "api-production" is the namespace of application api: a namespace has one owning chart; give the node agents a namespace of their own',
    );
    expect(rejected('monitoring', { nodeNamespace: 'velero' }).replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      'nodeNamespace: "velero" is the namespace of Velero (velero.namespace): a namespace has one owning chart; give the node agents a namespace of their own',
    );
    expect(rejected('monitoring', { nodeNamespace: 'envoy-gateway-system' }).replace(/^Error: execution error at \([^)]*\): /, '')).toBe(
      'nodeNamespace: "envoy-gateway-system" is the namespace of the Gateway’s proxies (traffic.gateway.proxies.namespace): a namespace has one owning chart; give the node agents a namespace of their own',
    );
  });
});

describe('synth refuses a fullnameOverride that is not a DNS-1035 label', () => {
  it('with file, line and path', () => {
    const [line] = synthWith({ applications: { worker: { fullnameOverride: '1abc' } } });
    expect(line.replace(/^.*?qa\.yaml:\d+:\d+: /, '')).toBe(
      'applications.worker.fullnameOverride: the full name "1abc" names the Service, and a Service name must start with a letter (a DNS-1035 label): use another release name or set fullnameOverride',
    );
  });
});

describe('an image tag that is no label value (64 characters, or ending in "-") gives a valid version label, the same in both outputs', () => {
  const tag = `${'v1.2.3-'.repeat(9)}build_`;
  const expected = tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');

  it('in the plain manifests and in Helm 3 and 4', () => {
    expect(tag.length).toBe(69);
    const dir = join(scratch, `values-${copies++}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    writeFileSync(join(dir, 'qa.yaml'), stringify({ applications: { worker: { image: { tag } } }, ...QA_CLUSTER }));
    const out = join(scratch, `out-${copies++}`);
    synthInto(dir, out);
    const deployment = parse(readFileSync(join(out, 'manifests', 'qa', 'worker', 'deployment.yaml'), 'utf8'));
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe(expected);
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe(expected);
    expect(deployment.spec.template.spec.containers[0].image).toMatch(new RegExp(`:${tag}$`));
    for (const { binary } of helmVersions) {
      const file = join(scratch, `helm-${copies++}.yaml`);
      writeFileSync(file, stringify({ image: { tag } }));
      const chartDir = join(distDir, 'helm', 'worker');
      const result = helm(binary, ['template', 'worker', chartDir, '-n', 'worker-production', '-f', join(chartDir, 'values-production.yaml'), '-f', file]);
      expect(result.status).toBe(0);
      const versions = [...result.stdout.matchAll(/app\.kubernetes\.io\/version: "?([^"\n]*)"?/g)].map((m) => m[1]);
      // The application's objects carry the derived value; a helper's own image (the backup's PostgreSQL) its own.
      expect(versions.filter((version) => version === expected).length).toBeGreaterThan(5);
      for (const version of versions) expect(version).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/);
    }
  });
});

describe('application names that collide with the output layout (one list from the layout code)', () => {
  it.each(['packages', 'root', 'namespaces', 'gitops', 'monitoring'])('%s is refused at its key, saying what it would replace', (name) => {
    const dir = join(scratch, `values-${copies++}`);
    cpSync(join(projectRoot, 'values'), dir, { recursive: true });
    for (const file of ['base.yaml', 'dev.yaml', 'staging.yaml', 'production.yaml']) {
      writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(/^ {2}worker:/m, `  ${name}:`));
    }
    const [first] = synthProblems(dir);
    expect(first).toMatch(new RegExp(`base\\.yaml:\\d+:3: applications\\.${name}: invalid key: "${name}" is a name the platform uses itself \\(.*\\b${name}: [^;]+;`));
  });

  it('derives the names from the layout: the packages folder, the GitOps files and objects', () => {
    expect(layoutReservedNames().map(({ name }) => name)).toEqual([MONITORING_CHART, PACKAGES_DIR, 'root', 'namespaces', 'gitops']);
    expect(applicationFile('root')).toBe('application-root.yaml');
    expect(rootName('dev')).toBe('gitops-dev');
  });
});
