/**
 * Helm refuses the keys, names and text that synth refuses (test/values/names-and-keys.test.ts), with
 * Helm 3 and Helm 4; and every chart works as a dependency of an umbrella chart (`global`, a
 * `condition` key).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charts, distDir, type K8sObject } from '../support/dist';
import { helm, helmTemplate, helmVersions } from '../support/helm';

interface KeyRejection {
  readonly name: string;
  readonly json: string;
  /** What the message names: the key or value at fault. */
  readonly names: string;
  /** What each Helm version says about it. */
  readonly says: Readonly<Record<'Helm 3' | 'Helm 4', RegExp>>;
}

const bothHelms = (message: RegExp) => ({ 'Helm 3': message, 'Helm 4': message });

const rejections: readonly KeyRejection[] = [
  {
    name: 'an env name that is not one',
    json: 'env={"1-bad key":"x"}',
    names: '1-bad key',
    says: { 'Helm 3': /^- env: Property name of "1-bad key" does not match$/m, 'Helm 4': /^- at '': invalid propertyName '1-bad key'$/m },
  },
  {
    name: 'a DEL character in an annotation value',
    json: 'podAnnotations={"note":"a\\u007fb"}',
    names: 'note',
    // Helm 3 fails on the character itself before its schema check; Helm 4 names the pattern.
    says: { 'Helm 3': /control characters are not allowed/, 'Helm 4': /^- at '\/podAnnotations\/note': 'a\\x7fb' does not match pattern/m },
  },
  {
    name: 'a label key with a space',
    json: 'podLabels={"team name":"x"}',
    names: 'team name',
    says: { 'Helm 3': /^- podLabels: Property name of "team name" does not match$/m, 'Helm 4': /^- at '': invalid propertyName 'team name'$/m },
  },
  {
    name: 'a pod label the chart sets itself',
    json: 'podLabels={"app.kubernetes.io/name":"x"}',
    names: 'app.kubernetes.io/name',
    // values.schema.json leaves the chart's own keys to templates/validate-values.yaml, which says why (synth's words).
    says: bothHelms(/: podLabels\.app\.kubernetes\.io\/name: invalid key: "app\.kubernetes\.io\/name" is set by the chart itself \(.*\); choose another key$/m),
  },
  {
    name: 'an env name the chart sets itself',
    json: 'env={"LOG_LEVEL":"trace"}',
    names: 'LOG_LEVEL',
    says: bothHelms(/: env\.LOG_LEVEL: invalid key: "LOG_LEVEL" is set by the chart itself \(.*\); choose another key$/m),
  },
  {
    name: 'a pod annotation the chart sets itself',
    json: 'podAnnotations={"checksum/config":"x"}',
    names: 'checksum/config',
    says: bothHelms(/: podAnnotations\.checksum\/config: invalid key: "checksum\/config" is set by the chart itself \(checksum\/config, checksum\/secrets\); choose another key$/m),
  },
  {
    name: 'a template in the tracing endpoint URL',
    json: 'tracing={"endpoint":"http://x/{{x}}"}',
    names: 'tracing',
    says: { 'Helm 3': /^- tracing\.endpoint: Does not match pattern/m, 'Helm 4': /^- at '\/tracing\/endpoint': 'http:\/\/x\/\{\{x\}\}' does not match pattern/m },
  },
];

const scratch = mkdtempSync(join(tmpdir(), 'helm-keys-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(helmVersions)('$label', ({ label, binary }) => {
  it.each(['api', 'worker'].flatMap((chart) => rejections.map((r) => ({ chart, ...r }))))('$chart refuses $name', ({ chart, json, names, says }) => {
    const result = helm(binary, ['template', chart, join(distDir, 'helm', chart), '--set-json', json]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(says[label]);
    if (!says[label].source.includes('control characters')) expect(result.stderr).toContain(names);
  });

  it.each(charts())('%s renders as a dependency of an umbrella chart, with global values, and is left out by its condition', (chart) => {
    const umbrella = join(scratch, `${label.replace(' ', '')}-${chart}`);
    mkdirSync(join(umbrella, 'charts'), { recursive: true });
    cpSync(join(distDir, 'helm', chart), join(umbrella, 'charts', chart), { recursive: true });
    writeFileSync(join(umbrella, 'Chart.yaml'), `apiVersion: v2\nname: umbrella\nversion: 1.0.0\ndependencies:\n  - name: ${chart}\n    version: ">=0.0.0-0"\n    condition: ${chart}.enabled\n`);
    writeFileSync(join(umbrella, 'values.yaml'), `global:\n  region: eu-west-1\n  imagePullSecrets: [umbrella-registry]\n${chart}:\n  enabled: true\n`);
    const rendered = helmTemplate(binary, [chart, umbrella, '-n', `${chart}-dev`]) as K8sObject[];
    expect(rendered.length).toBeGreaterThan(5);
    // An application chart reads global.imagePullSecrets (the monitoring chart reads no global value).
    const deployment = rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === chart) as (K8sObject & { spec: { template: { spec: { imagePullSecrets?: unknown } } } }) | undefined;
    if (chart !== 'monitoring') expect(deployment?.spec.template.spec.imagePullSecrets).toEqual([{ name: 'umbrella-registry' }]);
    const off = helm(binary, ['template', chart, umbrella, '-n', `${chart}-dev`, '--set', `${chart}.enabled=false`]);
    expect(off.status).toBe(0);
    expect(off.stdout.trim()).toBe('');
  });
});
