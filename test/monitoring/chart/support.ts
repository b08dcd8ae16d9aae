/** The monitoring values of an environment, as synth computes them, and synth runs on edited values. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitoringRelease } from '../../../lib/monitoring/stack/release-values';
import type { MonitoringValues } from '../../../lib/monitoring/values-schema';
import { synthesize } from '../../../charts/platform';
import { namespaceOf } from '../../../lib/synth/synthesize';
import { loadEnvironment } from '../../../lib/values/load';
import { projectRoot } from '../../support/helm';

const valuesDir = join(projectRoot, 'values');

export function monitoringValuesOf(environment: string): MonitoringValues {
  return monitoringRelease(loadEnvironment(valuesDir, environment), (app) => namespaceOf(app, environment)).values;
}

/** A copy of values/ with base.yaml changed, synthesized in memory. */
export function synthesizeEdited(edit: (base: string) => string): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'monitoring-values-'));
  cpSync(valuesDir, dir, { recursive: true });
  const base = join(dir, 'base.yaml');
  const text = readFileSync(base, 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(base, edited);
  return synthesize({ valuesDir: dir });
}
