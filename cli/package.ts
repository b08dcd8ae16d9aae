/**
 * `npm run package [-- --dist DIR] [--out DIR]`: one Helm package per environment and chart of the synth
 * output, with that environment's values as the package's values.yaml, in
 * <out>/<env>/<chart>-<version>.tgz (default dist/helm/packages, which git ignores and synth keeps).
 * Helm: $HELM, else .tools/helm3/helm (npm run setup:tools), else helm on the PATH.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathKind } from '../lib/cli/file-kinds';
import { displayFolder } from '../lib/cli/paths';
import { Progress } from '../lib/cli/progress';
import { PACKAGES_DIR, findHelm, packageCharts } from '../lib/helm/package';
import { checkOutputAccess } from '../lib/synth/output-access';
import { type OutputLock, lockOutput } from '../lib/synth/output-lock';

const USAGE = 'usage: package [--dist DIR] [--out DIR]';

function parseArgs(argv: readonly string[]): { dist: string; out?: string } {
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name !== '--dist' && name !== '--out') throw new Error(`unknown argument ${name}\n${USAGE}`);
    if (value === undefined) throw new Error(`${name} needs a directory\n${USAGE}`);
    options[name.slice(2)] = value;
  }
  return { dist: options.dist ?? 'dist', out: options.out };
}

/** A path relative to the project when inside it, else absolute. */
function display(root: string, path: string): string {
  const inside = relative(root, path);
  if (inside === '') return '.';
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

function main(argv: readonly string[]): number {
  const root = process.cwd();
  const locks: OutputLock[] = [];
  try {
    const options = parseArgs(argv);
    const distDir = resolve(root, options.dist);
    const outDir = resolve(root, options.out ?? join(options.dist, 'helm', PACKAGES_DIR));
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
    for (const { file } of written) console.log(`package: wrote ${display(root, file)}`);
    console.log(`package: ${written.length} package(s) in ${display(root, outDir)}`);
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

process.exitCode = main(process.argv.slice(2));
