/**
 * `npm run package [-- --dist DIR] [--out DIR]` (`--help`): one Helm package per environment and chart of the synth
 * output, with that environment's values as the package's values.yaml, in
 * <out>/<env>/<chart>-<version>.tgz (default dist/helm/packages, which git ignores and synth keeps).
 * Helm: $HELM, else .tools/helm3/helm (npm run setup:tools), else helm on the PATH.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathKind } from '../lib/cli/file-kinds';
import { displayFolder, displayPath } from '../lib/cli/paths';
import { type CommandSpec, type ParsedCommand, runCommand } from '../lib/cli/command-line.cjs';
import { Progress } from '../lib/cli/progress';
import { PACKAGES_DIR, findHelm, packageCharts } from '../lib/helm/package';
import { checkOutputAccess } from '../lib/synth/output-access';
import { type OutputLock, lockOutput } from '../lib/synth/output-lock';

const PACKAGE_COMMAND: CommandSpec = {
  name: 'package',
  invocation: 'npm run package --',
  summary: "Packages each chart once per environment (helm package), with that environment's values as the package's values.yaml.",
  options: {
    dist: { type: 'string', value: 'DIR', description: 'the synth output to package (default: dist)' },
    out: { type: 'string', value: 'DIR', description: 'where the packages go, as <out>/<env>/<chart>-<version>.tgz (default: <dist>/helm/packages)' },
  },
  notes: 'Helm: $HELM, else .tools/helm3/helm (npm run setup:tools), else helm on the PATH.',
};

function main(parsed: ParsedCommand): number {
  const root = process.cwd();
  const locks: OutputLock[] = [];
  try {
    const options = parsed.values as { dist?: string; out?: string };
    const distDir = resolve(root, options.dist ?? 'dist');
    const outDir = resolve(root, options.out ?? join(distDir, 'helm', PACKAGES_DIR));
    const dist = pathKind(distDir);
    if (dist.kind !== 'directory')
      throw new Error(`--dist ${displayFolder(distDir)}: ${dist.kind === 'refused' ? dist.reason : dist.kind === 'missing' ? 'no such folder: run `npm run synth` first' : 'not a folder'}`);
    // The synth output is read and its helm/packages written: no synth may swap it meanwhile (lib/synth/output-lock.ts).
    // Packages written elsewhere are locked there too, against a second package run.
    checkOutputAccess(outDir);
    for (const folder of isInside(outDir, distDir) ? [distDir] : [distDir, outDir]) {
      locks.push(lockOutput(folder, { onWait: (message) => console.error(`package: ${message}`) }));
    }
    const progress = new Progress('package', 0);
    const written = packageCharts({ distDir, outDir, helm: findHelm(root, process.env), onPackaged: (done, total, what) => progress.update(done, what, total) });
    progress.end();
    for (const { file } of written) console.log(`package: wrote ${displayPath(file, root)}`);
    console.log(`package: ${written.length} package(s) in ${displayPath(outDir, root)}`);
    return 0;
  } catch (error) {
    console.error(`package: ${(error as Error).message}`);
    return 1;
  } finally {
    for (const lock of locks) lock.release();
  }
}

function isInside(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

void runCommand(PACKAGE_COMMAND, process.argv.slice(2), main).then((code) => {
  process.exitCode = code;
});
