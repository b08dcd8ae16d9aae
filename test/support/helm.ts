/** Runs the real Helm binaries extracted by `npm run setup:tools` (scripts/setup-tools.mjs). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { engineHelpers } from '../../lib/template/expr';
import type { Node } from '../../lib/template/manifest';
import { writeTemplate } from '../../lib/template/yaml-writer';

export const projectRoot = join(__dirname, '..', '..');

export const helmVersions = [
  { label: 'Helm 3', binary: join(projectRoot, '.tools', 'helm3', 'helm') },
  { label: 'Helm 4', binary: join(projectRoot, '.tools', 'helm4', 'helm') },
] as const;

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(binary: string, args: readonly string[]): HelmResult {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run setup:tools\``);
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No repositories, plugins or caches from the user's home.
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', HELM_CACHE_HOME: '/tmp/helm-test/cache', HELM_CONFIG_HOME: '/tmp/helm-test/config', HELM_DATA_HOME: '/tmp/helm-test/data' },
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `helm template`, failing with Helm's own message when it exits non-zero. */
export function helmTemplate(binary: string, args: readonly string[]): unknown[] {
  const result = helm(binary, ['template', ...args]);
  if (result.status !== 0) throw new Error(`helm template ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return parseDocuments(result.stdout);
}

export function parseDocuments(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML from helm: ${doc.errors[0].message}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

/**
 * `helm template` of a one-template chart named demo (release rel, namespace ns) whose template is the
 * Go rendering of `tree` and whose values.yaml is `values`: what the engine's trees give in Helm.
 */
export function renderTree(binary: string, tree: Node, values: unknown): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'engine-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), stringify(values));
  writeFileSync(join(dir, 'templates', 'object.yaml'), writeTemplate(tree, { chartName: 'demo' }));
  writeFileSync(join(dir, 'templates', '_helpers.tpl'), engineHelpers('demo'));
  return helmTemplate(binary, ['rel', dir, '--namespace', 'ns']);
}
