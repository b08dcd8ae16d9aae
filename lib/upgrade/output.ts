/**
 * The plain manifests of one synth output (`manifests/<env>/<app>/*.yaml`, relative to dist/) and its
 * GitOps objects (`environments/<env>/gitops/*.yaml`), read from a directory, from a git revision of the
 * project, or taken from a fresh synth.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { pathKind } from '../cli/file-kinds';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './rules';

const MANIFESTS = 'manifests';
const ENVIRONMENTS = 'environments';
/** environments/<env>/gitops/<file>.yaml: the Argo CD or Flux objects of an environment (lib/gitops/). */
const GITOPS_FILE = /^environments\/([^/]+)\/gitops\/[^/]+\.yaml$/;

/** An object, the file it comes from (relative to the output directory) and its environment. */
export interface ManifestDocument {
  /** manifests/<environment>/<app>/<object>.yaml */
  readonly file: string;
  /** Each environment is its own cluster: objects are only compared within one. */
  readonly environment: string;
  readonly object: KubeObject;
}

/** Parses the YAML files under manifests/ among `files` (path relative to dist/ → content). */
export function manifestDocuments(files: ReadonlyMap<string, string>): ManifestDocument[] {
  return parseDocuments(files, (file) => {
    const [top, environment] = file.split('/');
    return top === MANIFESTS && file.endsWith('.yaml') ? environment : undefined;
  });
}

/** Parses the GitOps objects (environments/<env>/gitops/*.yaml) among `files`; `file` is their path, `environment` <env>. */
export function gitopsDocuments(files: ReadonlyMap<string, string>): ManifestDocument[] {
  return parseDocuments(files, (file) => GITOPS_FILE.exec(file)?.[1]);
}

/** The objects of the files whose environment `environmentOf` gives; throws for invalid YAML or a non-object. */
function parseDocuments(files: ReadonlyMap<string, string>, environmentOf: (file: string) => string | undefined): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const environment = environmentOf(file);
    if (environment === undefined) continue;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0].message}`);
      const object = doc.toJS() as KubeObject | null;
      if (object === null) continue;
      if (typeof object.kind !== 'string' || typeof object.apiVersion !== 'string' || typeof object.metadata?.name !== 'string') {
        throw new Error(`${file}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
      }
      documents.push({ file, environment, object });
    }
  }
  return documents;
}

/** The manifests and GitOps objects of an output directory (one holding manifests/, such as dist/). */
export function readOutputDirectory(dir: string): Map<string, string> {
  // Special files (FIFOs, devices, /proc) are never opened: refused here, skipped below (only regular files are read).
  const kind = pathKind(dir);
  if (kind.kind === 'refused') throw new Error(`${dir}: ${kind.reason}`);
  const root = join(dir, MANIFESTS);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${dir} has no ${MANIFESTS}/ directory: expected the output of npm run synth`);
  const files = new Map<string, string>();
  const visit = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const file = relative(dir, path).split(sep).join('/');
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && (current.startsWith(root) || GITOPS_FILE.test(file))) files.set(file, readFileSync(path, 'utf8'));
    }
  };
  visit(root);
  if (existsSync(join(dir, ENVIRONMENTS))) visit(join(dir, ENVIRONMENTS));
  return files;
}

/**
 * The manifests under `<outputDir>/manifests` and the GitOps objects under `<outputDir>/environments/<env>/gitops` at a git revision, read with git from `projectDir`
 * (`outputDir` is relative to it, e.g. dist).
 */
export function readOutputAtRevision(projectDir: string, revision: string, outputDir: string): Map<string, string> {
  const commit = git(projectDir, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (commit.status !== 0) throw new Error(`${revision} is neither a directory nor a git revision of ${projectDir}`);
  const prefix = `${outputDir}/`;
  const listing = git(projectDir, ['ls-tree', '-r', '-z', '--name-only', revision, '--', `${prefix}${MANIFESTS}`, `${prefix}${ENVIRONMENTS}`]);
  if (listing.status !== 0) throw new Error(`git ls-tree ${revision} failed: ${listing.stderr.trim()}`);
  const listed = listing.stdout.split('\0').filter((path) => path.length > 0);
  if (!listed.some((path) => path.startsWith(`${prefix}${MANIFESTS}/`))) throw new Error(`${revision} has no ${prefix}${MANIFESTS}/ (nothing to compare with)`);
  const paths = listed.filter((path) => path.startsWith(`${prefix}${MANIFESTS}/`) || GITOPS_FILE.test(path.slice(prefix.length)));
  const files = new Map<string, string>();
  for (const path of paths) {
    const show = git(projectDir, ['show', `${revision}:./${path}`]);
    if (show.status !== 0) throw new Error(`git show ${revision}:${path} failed: ${show.stderr.trim()}`);
    files.set(path.slice(prefix.length), show.stdout);
  }
  return files;
}

function git(cwd: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run git (${result.error.message}): pass a directory to compare with instead`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
