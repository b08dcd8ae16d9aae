/**
 * `npm run check-upgrade [-- <previous>] [--current DIR] [--values DIR]`: fails when applying the current
 * output over the previous one would change a field Kubernetes refuses to update (a Deployment selector,
 * a StatefulSet's volumeClaimTemplates, ...), so that `kubectl apply` or `helm upgrade` would fail.
 *
 * <previous>: an output directory (one holding manifests/, such as a copy of dist/) or a git revision
 * whose committed dist/ is read (default HEAD). The current output is a fresh synth of --values (default
 * values/), or the output directory --current. The Helm charts need no separate check: the tests prove
 * `helm template` renders the plain manifests.
 * Prints one line per refused change and a summary; exit code 1 on any, 0 otherwise.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { synthesize } from '../charts/platform';
import { checkUpgrade, formatViolation } from '../lib/upgrade/check';
import { type ManifestDocument, manifestDocuments, readOutputAtRevision, readOutputDirectory } from '../lib/upgrade/output';
import { ValuesError } from '../lib/values/problems';

const USAGE = 'usage: check-upgrade [<previous output dir or git revision>] [--current DIR] [--values DIR]';
const DIST = 'dist';

interface Options {
  readonly previous: string;
  readonly current?: string;
  readonly values: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--current' || arg === '--values') {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a directory`);
      options[arg.slice(2)] = value;
      i += 1;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length > 1) throw new UsageError(`one previous output expected, got ${positional.join(', ')}`);
  return { previous: positional[0] ?? 'HEAD', current: options.current, values: options.values ?? 'values' };
}

/** A path relative to the project when inside it, else absolute. */
function display(root: string, path: string): string {
  const inside = relative(root, path);
  if (inside === '') return '.';
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The previous output, and how to name it in messages. */
function previousOutput(root: string, previous: string): { label: string; documents: ManifestDocument[] } {
  const dir = resolve(root, previous);
  if (isDirectory(dir)) return { label: display(root, dir), documents: manifestDocuments(readOutputDirectory(dir)) };
  return { label: `${DIST}/ at ${previous}`, documents: manifestDocuments(readOutputAtRevision(root, previous, DIST)) };
}

/** The current output, and the directory its file names are relative to. */
function currentOutput(root: string, options: Options): { dir: string; documents: ManifestDocument[] } {
  if (options.current !== undefined) {
    const dir = resolve(root, options.current);
    return { dir: display(root, dir), documents: manifestDocuments(readOutputDirectory(dir)) };
  }
  return { dir: DIST, documents: manifestDocuments(synthesize({ valuesDir: resolve(root, options.values) })) };
}

function main(argv: readonly string[]): number {
  const root = process.cwd();
  try {
    const options = parseArgs(argv);
    const previous = previousOutput(root, options.previous);
    const current = currentOutput(root, options);
    const { violations, compared } = checkUpgrade(previous.documents, current.documents);
    for (const violation of violations) console.error(formatViolation({ ...violation, file: join(current.dir, violation.file) }));
    if (violations.length > 0) {
      console.error(
        `check-upgrade: ${violations.length} change(s) that cannot be applied in place, in ${compared} objects compared with ${previous.label}; Kubernetes would refuse the upgrade or traffic would be cut`,
      );
      return 1;
    }
    console.log(`check-upgrade: no immutable field changes in ${compared} objects compared with ${previous.label}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`check-upgrade: ${error.message}\n${USAGE}`);
    } else if (error instanceof ValuesError) {
      for (const line of error.message.split('\n')) console.error(line);
      console.error(`check-upgrade: ${error.problems.length} problem(s) in the values`);
    } else {
      console.error(`check-upgrade: ${(error as Error).message}`);
    }
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
