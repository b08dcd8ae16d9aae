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
import { join, resolve } from 'node:path';
import { type CommandSpec, type ParsedCommand, runCommand } from '../lib/cli/command-line.cjs';
import { displayPath } from '../lib/cli/paths';
import { synthesize } from '../charts/platform';
import { checkUpgrade, formatViolation, formatWorkloadSwitch, workloadSwitches } from '../lib/upgrade/check';
import { type ManifestDocument, manifestDocuments, readOutputAtRevision, readOutputDirectory } from '../lib/upgrade/output';
import { ValuesError } from '../lib/values/problems';

const CHECK_UPGRADE_COMMAND: CommandSpec = {
  name: 'check-upgrade',
  invocation: 'npm run check-upgrade --',
  summary: 'Fails when applying the current output over a previous one would change a field Kubernetes refuses to update.',
  positionals: [{ name: 'PREVIOUS', description: 'a previous output folder (holding manifests/) or a git revision whose dist/ is read (default: HEAD)' }],
  options: {
    current: { type: 'string', value: 'DIR', description: 'the current output folder (default: a fresh synth of --values)' },
    values: { type: 'string', value: 'DIR', description: 'the values of the fresh synth (default: values)' },
  },
};
const DIST = 'dist';

interface Options {
  readonly previous: string;
  readonly current?: string;
  readonly values: string;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The previous output, and how to name it in messages. */
function previousOutput(root: string, previous: string): { label: string; documents: ManifestDocument[] } {
  const dir = resolve(root, previous);
  if (isDirectory(dir)) return { label: displayPath(dir, root), documents: manifestDocuments(readOutputDirectory(dir)) };
  return { label: `${DIST}/ at ${previous}`, documents: manifestDocuments(readOutputAtRevision(root, previous, DIST)) };
}

/** The current output, and the directory its file names are relative to. */
function currentOutput(root: string, options: Options): { dir: string; documents: ManifestDocument[] } {
  if (options.current !== undefined) {
    const dir = resolve(root, options.current);
    return { dir: displayPath(dir, root), documents: manifestDocuments(readOutputDirectory(dir)) };
  }
  return { dir: DIST, documents: manifestDocuments(synthesize({ valuesDir: resolve(root, options.values) })) };
}

function main(parsed: ParsedCommand): number {
  const root = process.cwd();
  try {
    const values = parsed.values as { current?: string; values?: string };
    const options: Options = { previous: parsed.positionals[0] ?? 'HEAD', current: values.current, values: values.values ?? 'values' };
    const previous = previousOutput(root, options.previous);
    const current = currentOutput(root, options);
    const { violations, compared } = checkUpgrade(previous.documents, current.documents);
    for (const violation of violations) console.error(formatViolation({ ...violation, file: join(current.dir, violation.file) }));
    // Not refused by Kubernetes, but to be done in order: said before the verdict, whatever it is.
    for (const change of workloadSwitches(previous.documents, current.documents)) console.log(formatWorkloadSwitch({ ...change, file: join(current.dir, change.file) }));
    if (violations.length > 0) {
      console.error(
        `check-upgrade: ${violations.length} change(s) that cannot be applied in place, in ${compared} objects compared with ${previous.label}; Kubernetes would refuse the upgrade or traffic would be cut`,
      );
      return 1;
    }
    console.log(`check-upgrade: no immutable field changes in ${compared} objects compared with ${previous.label}`);
    return 0;
  } catch (error) {
    if (error instanceof ValuesError) {
      for (const line of error.message.split('\n')) console.error(line);
      console.error(`check-upgrade: ${error.problems.length} problem(s) in the values`);
    } else {
      console.error(`check-upgrade: ${(error as Error).message}`);
    }
    return 1;
  }
}

void runCommand(CHECK_UPGRADE_COMMAND, process.argv.slice(2), main).then((code) => {
  process.exitCode = code;
});
