/** Reading the committed output in dist/ for tests. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from './helm';

export const distDir = join(projectRoot, 'dist');

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };

export function environments(): string[] {
  return readdirSync(join(distDir, 'manifests')).sort();
}

export function charts(): string[] {
  return readdirSync(join(distDir, 'helm'))
    .filter((name) => existsSync(join(distDir, 'helm', name, 'Chart.yaml')))
    .sort();
}

/** The plain manifests of one chart in one environment (of the committed dist/, or of another output folder). */
export function plainObjects(environment: string, chart: string, dist = distDir): K8sObject[] {
  const dir = join(dist, 'manifests', environment, chart);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as K8sObject));
}

export function sortObjects<T extends K8sObject>(objects: T[]): T[] {
  const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The namespace an environment's release of a chart goes to: the one its plain Namespace object names. */
export function releaseNamespace(environment: string, chart: string): string {
  const namespace = plainObjects(environment, chart).find((o) => o.kind === 'Namespace');
  if (!namespace) throw new Error(`no Namespace in dist/manifests/${environment}/${chart}`);
  return namespace.metadata.name;
}
