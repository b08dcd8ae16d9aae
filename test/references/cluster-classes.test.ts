/**
 * The cluster-scoped classes that pods and claims name are references too (issue 19 §2): a pod whose
 * `priorityClassName` names no PriorityClass is refused by the API server's Priority admission plugin
 * (the Deployment is accepted, its pods never are); a claim whose `storageClassName` names no
 * StorageClass stays Pending (Prometheus, Alertmanager and Grafana never start). Each is written,
 * one of the cluster's own (system-cluster-critical, system-node-critical), or declared in
 * `prerequisites.priorityClasses` / `prerequisites.storageClasses`, and the environment's README lists
 * it with the command that checks it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { projectRoot } from '../support/helm';
import { synthInto, synthProblems } from '../support/synth-cli';

const scratch = mkdtempSync(join(tmpdir(), 'cluster-classes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** values/ with an extra environment `qa` holding `overlay` and `prerequisites` (the worker's Redis password besides). */
function valuesWith(overlay: Record<string, unknown>, prerequisites: Record<string, unknown> = {}): string {
  const dir = join(scratch, `values-${copies++}`);
  cpSync(join(projectRoot, 'values'), dir, { recursive: true });
  writeFileSync(join(dir, 'qa.yaml'), stringify({ ...overlay, prerequisites: { secrets: { 'worker-qa': { 'worker-redis': { keys: ['password'] } } }, ...prerequisites } }));
  return dir;
}

const problems = (overlay: Record<string, unknown>) => synthProblems(valuesWith(overlay)).map((line) => line.replace(/^.*?values-\d+\//, 'values/'));

describe('PriorityClass', () => {
  it.each([
    ['an application', { applications: { api: { priorityClassName: 'high' } } }, 'applications\\.api\\.priorityClassName', 'Deployment api-qa/api'],
    ['every application (defaults)', { defaults: { priorityClassName: 'batch-low' } }, 'defaults\\.priorityClassName', 'Deployment (api|web|worker)-qa/\\w+'],
  ])('named by %s and neither written nor declared: refused at the value', (_, overlay, path, object) => {
    const lines = problems(overlay);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(
        new RegExp(
          `^values/qa\\.yaml:\\d+:\\d+: ${path}: PriorityClass [a-z-]+ is neither written in qa nor declared: the API server refuses pods of a class that does not exist; declare it in prerequisites\\.priorityClasses \\(${object} at spec\\.template\\.spec\\.priorityClassName `,
        ),
      );
    }
  });

  it('declared, or one of the cluster’s own: accepted, and the README lists a declared one with its check', () => {
    const out = join(scratch, `out-${copies++}`);
    synthInto(valuesWith({ applications: { api: { priorityClassName: 'high' }, web: { priorityClassName: 'system-cluster-critical' } } }, { priorityClasses: ['high'] }), out);
    const readme = readFileSync(join(out, 'environments', 'qa', 'README.md'), 'utf8');
    expect(readme).toContain('- **PriorityClass high**, for Deployment api-qa/api\n\n  ```sh\n  kubectl get priorityclass high\n  ```');
    expect(readme).not.toContain('PriorityClass system-cluster-critical');
  });
});

describe('StorageClass', () => {
  it('named by the monitoring stack’s volumes and neither written nor declared: refused at the value, naming each claim', () => {
    const lines = problems({ monitoring: { alertmanager: { persistence: { enabled: true, storageClassName: 'fast' } }, grafana: { persistence: { enabled: true, storageClassName: 'fast' } } } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^values\/qa\.yaml:\d+:\d+: monitoring\.(alertmanager|grafana)\.persistence\.storageClassName: StorageClass fast is neither written in qa nor declared: a claim of a class that does not exist stays Pending; declare it in prerequisites\.storageClasses \(StatefulSet monitoring\/alertmanager at spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName .*PersistentVolumeClaim monitoring\/grafana-data at spec\.storageClassName /,
    );
  });

  it('declared: accepted and listed', () => {
    const out = join(scratch, `out-${copies++}`);
    synthInto(valuesWith({ monitoring: { grafana: { persistence: { enabled: true, storageClassName: 'fast' } } } }, { storageClasses: ['fast'] }), out);
    expect(readFileSync(join(out, 'environments', 'qa', 'README.md'), 'utf8')).toContain(
      '- **StorageClass fast**, for PersistentVolumeClaim monitoring/grafana-data\n\n  ```sh\n  kubectl get storageclass fast\n  ```',
    );
  });
});
