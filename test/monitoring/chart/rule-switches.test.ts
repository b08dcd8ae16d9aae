/**
 * Built-in alerts switched off one by one (`rules.disabled.<alert>`, kube-prometheus-stack's
 * defaultRules.disabled): the alert leaves the rule file in both renderings, a group whose alerts are
 * all off leaves with its header, the file stays valid for promtool, and an unknown name is refused by
 * synth (with its place) and by Helm (values.schema.json).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../../charts/platform';
import { type K8sObject, distDir, plainObjects } from '../../support/dist';
import { helm, helmTemplate, helmVersions } from '../../support/helm';
import { findBinary, runTool } from '../../support/processes';
import { synthProblems, valuesCopyWith } from '../../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type RuleFile = { groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string }> }> };
const rulesOf = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules') as K8sObject & { data: Record<string, string> }).data['alerts.yaml'];
const alertNames = (text: string) => (parse(text) as RuleFile).groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
const groupNames = (text: string) => (parse(text) as RuleFile).groups.map((g) => g.name);

// dev switches off one alert, and both alerts of the security group (the TLS probes).
const switchedOff = ['NodeSystemSaturation', 'TLSCertificateExpiringSoon', 'TLSCertificateExpiryImminent'];
const values = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}  rules:\n    disabled: { ${switchedOff.map((name) => `${name}: true`).join(', ')} }\n`);
const files = synthesize({ valuesDir: values });
const plain = (env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);

describe('built-in alerts switched off', () => {
  it('leave the rule file of that environment only, a group without alerts with its header', () => {
    const dev = rulesOf(plain('dev'));
    const before = rulesOf(plainObjects('dev', 'monitoring'));
    expect(alertNames(dev)).toEqual(alertNames(before).filter((name) => !switchedOff.includes(name)));
    expect(groupNames(dev)).toEqual(groupNames(before).filter((name) => name !== 'platform.security.alerts'));
    expect(rulesOf(plain('staging'))).toBe(rulesOf(plainObjects('staging', 'monitoring')));
  });

  it('leave a rule file promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rule-switches-'));
    roots.push(dir);
    writeFileSync(join(dir, 'alerts.yaml'), rulesOf(plain('dev')));
    const result = runTool(findBinary('promtool'), ['check', 'rules', 'alerts.yaml'], dir);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('are refused by name when no such alert exists', () => {
    const unknown = valuesCopyWith(roots, 'dev.yaml', (text) => `${text}  rules:\n    disabled: { NodeCPUHigh: true }\n`);
    expect(synthProblems(unknown).join('\n')).toMatch(/dev\.yaml:\d+:\d+: monitoring\.rules\.disabled\.NodeCPUHigh: /);
  });

  describe.each(helmVersions)('$label', ({ binary }) => {
    it('renders the same rule file from --set rules.disabled.<alert>=true as synth from values/', () => {
      const chart = join(distDir, 'helm', 'monitoring');
      const set = switchedOff.flatMap((name) => ['--set', `rules.disabled.${name}=true`]);
      const rendered = helmTemplate(binary, ['monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-n', 'monitoring', ...set]) as K8sObject[];
      expect(rulesOf(rendered)).toBe(rulesOf(plain('dev')));
    });

    it('refuses an unknown alert name', () => {
      const chart = join(distDir, 'helm', 'monitoring');
      const result = helm(binary, ['template', 'monitoring', chart, '-f', join(chart, 'values-dev.yaml'), '-n', 'monitoring', '--set', 'rules.disabled.NodeCPUHigh=true']);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/rules\.disabled.*NodeCPUHigh|NodeCPUHigh.*not allowed|additional properties/i);
    });
  });
});
