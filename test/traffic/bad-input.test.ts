/**
 * Bad traffic values: one message per problem with its file, line and path (reported once, not once per
 * application), and Helm refusing the same values in the charts, with Helm 3 and Helm 4.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distDir } from '../support/dist';
import { helm, helmVersions, projectRoot } from '../support/helm';
import { edit, synthProblems } from '../support/synth-cli';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A copy of values/ with the given files edited. */
function valuesWith(edits: Record<string, (text: string) => string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'traffic-values-'));
  scratch.push(dir);
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  for (const [file, change] of Object.entries(edits)) edit(join(dir, file), change);
  return dir;
}

const cases: Array<{ name: string; edits: Record<string, (text: string) => string>; expected: RegExp }> = [
  {
    name: 'a provider that does not exist',
    edits: { 'staging.yaml': (t) => t.replace('traffic: { provider: ingress }', 'traffic: { provider: nginx }') },
    expected: /staging\.yaml:\d+:\d+: environment\.traffic\.provider: expected one of: gatewayAPI, ingress, got "nginx"$/,
  },
  {
    name: 'traffic set for one application',
    edits: { 'dev.yaml': (t) => `${t}\napplications:\n  api:\n    traffic: { provider: ingress }\n` },
    expected: /dev\.yaml:\d+:\d+: applications\.api\.traffic: is an environment setting, the same for every chart of the environment: set environment\.traffic in the values file instead$/,
  },
  {
    name: 'traffic set in the defaults',
    edits: { 'base.yaml': (t) => t.replace('defaults:\n', 'defaults:\n  traffic: { provider: ingress }\n') },
    expected: /base\.yaml:\d+:\d+: defaults\.traffic: is an environment setting, the same for every chart of the environment: set environment\.traffic in the values file instead$/,
  },
  {
    name: 'traffic set for the monitoring chart',
    edits: { 'production.yaml': (t) => t.replace('monitoring:\n', 'monitoring:\n  traffic: { provider: ingress }\n') },
    expected: /production\.yaml:\d+:\d+: monitoring\.traffic: is an environment setting, the same for every chart of the environment: set environment\.traffic in the values file instead$/,
  },
  {
    name: 'proxy pods selected by no label (every pod of the namespace)',
    edits: { 'base.yaml': (t) => t.replace(/ {8}podLabels:\n( {10}.*\n)+/, '        podLabels: {}\n') },
    expected: /base\.yaml:\d+:\d+: environment\.traffic\.gateway\.proxies\.podLabels: expected at least 1 entry \(an empty selector matches everything\)$/,
  },
  {
    name: 'no Gateway for the default provider',
    edits: { 'base.yaml': (t) => t.replace(/ {4}gateway:\n( {6}.*\n)+/, '') },
    expected: /base\.yaml:\d+:\d+: environment\.traffic\.gateway: required value is missing$/,
  },
  {
    name: 'a listener name that is not a section name',
    edits: { 'production.yaml': (t) => t.replace(/^environment: \{ (.*) \}$/m, 'environment: { $1, traffic: { gateway: { listeners: { https: HTTPS_443 } } } }') },
    expected: /production\.yaml:\d+:\d+: environment\.traffic\.gateway\.listeners\.https: expected .*got "HTTPS_443"$/,
  },
  {
    name: 'admin routes of the monitoring stack open to no network (which nginx reads as every network)',
    edits: { 'base.yaml': (t) => t.replace('admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8] }', 'admin: { requestsPerSecond: 10, allowedCidrs: [] }') },
    expected: /base\.yaml:\d+:\d+: monitoring\.ingress\.admin\.allowedCidrs: expected at least 1 item\(s\)$/,
  },
];

describe('bad traffic values', () => {
  it.each(cases)('$name', { timeout: 30_000 }, ({ edits, expected }) => {
    const lines = synthProblems(valuesWith(edits));
    // One line for the problem, whatever number of charts take the setting.
    expect(lines.filter((line) => expected.test(line))).toHaveLength(1);
  });
});

describe.each(helmVersions)('$label refuses them in the charts', ({ binary }) => {
  it.each([
    // Helm 3 names the value traffic.provider, Helm 4 /traffic/provider.
    { chart: 'api', args: ['--set', 'traffic.provider=nginx'], message: /traffic[./]provider/ },
    { chart: 'monitoring', args: ['--set', 'traffic.provider=nginx'], message: /traffic[./]provider/ },
    { chart: 'web', args: ['--set', 'traffic.gateway.listeners.https=HTTPS_443'], message: /traffic[./]gateway[./]listeners[./]https/ },
    { chart: 'web', args: ['--set', 'traffic.gateway.proxies.podLabels=null'], message: /podLabels/ },
    { chart: 'monitoring', args: ['--set-json', 'ingress.admin.allowedCidrs=[]'], message: /allowedCidrs/ },
  ])('$chart with $args', ({ chart, args, message }) => {
    const chartDir = join(distDir, 'helm', chart);
    const result = helm(binary, ['template', chart, chartDir, '-f', join(chartDir, 'values-dev.yaml'), ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
