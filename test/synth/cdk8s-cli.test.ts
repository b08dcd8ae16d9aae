/**
 * The cdk8s tool on this project (cdk8s.yaml): `cdk8s synth`, with or without `--stdout`, never deletes
 * or changes the committed dist/ (cdk8s-cli deletes its output folder before it runs the app, which was
 * dist/: 632 files gone with --stdout); it gets the plain manifests of every environment as one file.
 * The CRDs imported are the ones cdk8s.yaml lists under `imports:`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { projectRoot } from '../support/helm';

const cdk8s = join(projectRoot, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const output = join(projectRoot, 'cdk8s.out');
afterAll(() => rmSync(output, { recursive: true, force: true }));

/** Every file of dist/ with its size, modification time and inode: anything cdk8s did to it shows. */
function distFootprint(): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const entry of readdirSync(join(projectRoot, 'dist'), { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stats = statSync(path);
    seen[path] = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  }
  return seen;
}

/** The documents of dist/manifests, in the order of their paths. */
function distManifests(): unknown[] {
  const dir = join(projectRoot, 'dist', 'manifests');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS()));
}

function runCdk8s(args: readonly string[]) {
  const result = spawnSync(process.execPath, [cdk8s, ...args, '--no-check-upgrade'], { cwd: projectRoot, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdk8s synth', () => {
  it('writes the plain manifests as cdk8s.out/platform.k8s.yaml and leaves dist/ as it is', () => {
    const before = distFootprint();
    const result = runCdk8s(['synth']);
    expect(result.stderr).toContain('synth: wrote cdk8s.out/platform.k8s.yaml for cdk8s');
    expect(result.status).toBe(0);
    expect(readdirSync(output)).toEqual(['platform.k8s.yaml']);
    const documents = parseAllDocuments(readFileSync(join(output, 'platform.k8s.yaml'), 'utf8')).map((doc) => doc.toJS());
    expect(documents).toEqual(distManifests());
    expect(distFootprint()).toEqual(before);
  });

  it('--stdout prints the same documents, one after the other, and leaves dist/ as it is', () => {
    const before = distFootprint();
    const result = runCdk8s(['synth', '--stdout']);
    expect(result.status).toBe(0);
    const documents = parseAllDocuments(result.stdout);
    expect(documents.every((doc) => doc.errors.length === 0)).toBe(true);
    expect(documents.map((doc) => doc.toJS())).toEqual(distManifests());
    expect(distFootprint()).toEqual(before);
  });
});

describe('cdk8s.yaml', () => {
  it('lists the CRDs imported: one file per group, each the source of imports/<group>.ts', () => {
    const config = parse(readFileSync(join(projectRoot, 'cdk8s.yaml'), 'utf8')) as { output: string; imports: string[] };
    expect(config.output).toBe('cdk8s.out');
    const groups = config.imports.map((entry) => {
      const [group, file] = entry.split(':=');
      expect(file).toBe(`imports/crds/${group}.yaml`);
      expect(existsSync(join(projectRoot, 'imports', `${group}.ts`))).toBe(true);
      for (const doc of parseAllDocuments(readFileSync(join(projectRoot, file), 'utf8'))) expect(doc.toJS()).toMatchObject({ kind: 'CustomResourceDefinition', spec: { group } });
      return group;
    });
    const modules = readdirSync(join(projectRoot, 'imports')).filter((name) => name.endsWith('.ts') && name !== 'json-names.ts');
    expect(groups.map((group) => `${group}.ts`).sort()).toEqual(modules.sort());
  });
});
