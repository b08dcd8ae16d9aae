/**
 * `npm run check-upgrade [-- <previous>] [--current DIR] [--values DIR]`: fails when applying the current
 * output over the previous one would change a field Kubernetes refuses to update (a Deployment selector,
 * a StatefulSet's volumeClaimTemplates, ...), so that `kubectl apply` or `helm upgrade` would fail.
 *
 * <previous>: an output directory (one holding manifests/, such as a copy of dist/) or a git revision
 * whose committed dist/ is read (default HEAD). The current output is a fresh synth of --values (default
 * values/), or the output directory --current. The Helm charts need no separate check: the tests prove
 * `helm template` renders the plain manifests.
 * Also names what the upgrade deletes rather than updates (lib/upgrade/removals.ts): a removed namespace
 * with everything in it, an object renamed (nameOverride, fullnameOverride); those that take
 * PersistentVolumeClaims (data) with them are refused unless --allow-data-loss.
 * Prints one line per refused change and a summary; exit code 1 on any, 0 otherwise.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { synthesize } from '../charts/platform';
import { checkUpgrade, formatViolation, formatWorkloadSwitch, workloadSwitches } from '../lib/upgrade/check';
import { type Delivery, deliveries } from '../lib/upgrade/delivery';
import { gitopsDocuments, type ManifestDocument, manifestDocuments, readOutputAtRevision, readOutputDirectory } from '../lib/upgrade/output';
import { removedNamespaces, renamedObjects } from '../lib/upgrade/removals';
import { ValuesError } from '../lib/values/problems';

const USAGE = 'usage: check-upgrade [<previous output dir or git revision>] [--current DIR] [--values DIR] [--allow-data-loss]';
const DIST = 'dist';

interface Options {
  readonly previous: string;
  readonly current?: string;
  readonly values: string;
  /** Removed namespaces and renamed objects that take PersistentVolumeClaims with them are reported, not refused. */
  readonly allowDataLoss: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  let allowDataLoss = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--allow-data-loss') {
      allowDataLoss = true;
    } else if (arg === '--current' || arg === '--values') {
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
  return { previous: positional[0] ?? 'HEAD', current: options.current, values: options.values ?? 'values', allowDataLoss };
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

/** The current output, the directory its file names are relative to, and how each environment is applied (its GitOps objects). */
function currentOutput(root: string, options: Options): { dir: string; documents: ManifestDocument[]; deliveryOf: (environment: string) => Delivery } {
  const dir = options.current === undefined ? undefined : resolve(root, options.current);
  const files = dir === undefined ? synthesize({ valuesDir: resolve(root, options.values) }) : readOutputDirectory(dir);
  return { dir: dir === undefined ? DIST : display(root, dir), documents: manifestDocuments(files), deliveryOf: deliveries(gitopsDocuments(files)) };
}

function main(argv: readonly string[]): number {
  const root = process.cwd();
  try {
    const options = parseArgs(argv);
    const previous = previousOutput(root, options.previous);
    const current = currentOutput(root, options);
    const { violations, compared } = checkUpgrade(previous.documents, current.documents, current.deliveryOf);
    for (const violation of violations) console.error(formatViolation({ ...violation, file: join(current.dir, violation.file) }));
    // Not refused by Kubernetes, but to be done in order: said before the verdict, whatever it is.
    for (const change of workloadSwitches(previous.documents, current.documents)) console.log(formatWorkloadSwitch({ ...change, file: join(current.dir, change.file) }));
    // Deleted rather than updated: said whatever the verdict; refused when data goes with it, unless allowed.
    const removals = [...removedNamespaces(previous.documents, current.documents), ...renamedObjects(previous.documents, current.documents)];
    const dataLoss = removals.filter((removal) => removal.claims.length > 0);
    for (const removal of removals) {
      const line = `${removal.file} (in ${previous.label}): ${removal.message}`;
      if (removal.claims.length > 0 && !options.allowDataLoss) console.error(line);
      else console.log(line);
    }
    const refused = violations.length + (options.allowDataLoss ? 0 : dataLoss.length);
    if (refused > 0) {
      const parts = [
        violations.length > 0 ? `${violations.length} change(s) that cannot be applied in place` : '',
        !options.allowDataLoss && dataLoss.length > 0 ? `${dataLoss.length} deletion(s) that take PersistentVolumeClaims and their data (--allow-data-loss once the data is saved or not needed)` : '',
      ].filter((part) => part !== '');
      const consequence = violations.length > 0 ? 'Kubernetes would refuse the upgrade or traffic would be cut' : 'data would be lost';
      console.error(`check-upgrade: ${parts.join(' and ')}, in ${compared} objects compared with ${previous.label}; ${consequence}`);
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
