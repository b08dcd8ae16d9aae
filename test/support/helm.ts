/** Runs the real Helm binaries extracted by `npm run setup:tools` (scripts/setup-tools.mjs). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

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
