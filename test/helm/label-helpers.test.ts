/**
 * The label helpers `<chart>.labels` and `<chart>.selectorLabels` in each application chart's
 * _helpers.tpl, as `helm create` has them, give a template of one's own the same labels as the chart's
 * objects carry, with Helm 3 and Helm 4.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distDir, type K8sObject } from '../support/dist';
import { helmTemplate, helmVersions } from '../support/helm';

const scratch = mkdtempSync(join(tmpdir(), 'label-helpers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(helmVersions)('$label', ({ label, binary }) => {
  it.each(['api', 'web', 'worker'])('%s: a template using the helpers gets the workload’s labels and selector (Deployment or Rollout)', (chart) => {
    const dir = join(scratch, `${label.replace(' ', '')}-${chart}`);
    cpSync(join(distDir, 'helm', chart), dir, { recursive: true });
    writeFileSync(
      join(dir, 'templates', 'mine.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n  labels:\n    {{- include "${chart}.labels" . | nindent 4 }}\ndata:\n  selector: {{ include "${chart}.selectorLabels" . | fromYaml | toJson | quote }}\n`,
    );
    const objects = helmTemplate(binary, [chart, dir, '-f', join(dir, 'values-production.yaml'), '-n', `${chart}-production`]) as K8sObject[];
    const mine = objects.find((o) => o.metadata.name === 'mine') as K8sObject & { data: { selector: string } };
    const deployment = objects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(mine.metadata.labels).toEqual(deployment.metadata.labels);
    expect(JSON.parse(mine.data.selector)).toEqual(deployment.spec.selector.matchLabels);
  });
});
