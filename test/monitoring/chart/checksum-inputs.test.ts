/**
 * The checksum annotations of the monitoring stack's pods list each input of a composed rule file
 * once (lib/monitoring/stack/composed-text.ts uniqueInputs): listed per part, the Loki StatefulSet's
 * template held every application's namespace twice per application (115 MB at 1,000 applications).
 * Listed once, the checksum still changes with every input the rule file reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type K8sObject, distDir, plainObjects } from '../../support/dist';
import { synthesizeEdited } from './support';

type PodOwner = K8sObject & { spec: { template: { metadata: { annotations: Record<string, string> } } } };
const lokiChecksum = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'loki') as PodOwner).spec.template.metadata.annotations['checksum/config'];
const plain = (files: Map<string, string>, env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);

describe('checksum inputs of the Loki rule file', () => {
  it("list each application's namespace once in the chart's template", () => {
    const template = readFileSync(join(distDir, 'helm', 'monitoring', 'templates', 'loki-statefulset.yaml'), 'utf8');
    const line = template.split('\n').find((l) => l.includes('checksum/config')) as string;
    const applications = Object.keys(parse(readFileSync(join(distDir, 'helm', 'monitoring', 'values.yaml'), 'utf8')).applications as object);
    expect(applications.length).toBeGreaterThan(1);
    for (const app of applications) expect(line.split(`$.Values.applications.${app}.namespace`).length - 1, app).toBe(1);
  });

  it('change with a threshold the log alerts read, in every environment', () => {
    const edited = synthesizeEdited((base) => base.replace('  alerts: {}\n', '  alerts: { logErrorLines: 77 }\n'));
    for (const env of ['dev', 'staging', 'production']) {
      expect(lokiChecksum(plain(edited, env)), env).toMatch(/^[a-f0-9]{64}$/);
      expect(lokiChecksum(plain(edited, env)), env).not.toBe(lokiChecksum(plainObjects(env, 'monitoring')));
    }
  });
});
