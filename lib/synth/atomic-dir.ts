/**
 * Replaces a directory with new contents as one step: everything is written to a staging directory
 * beside it, then swapped in by rename. A failure before the swap leaves the old directory untouched;
 * files that are no longer produced disappear.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export function replaceDirectory(target: string, files: ReadonlyMap<string, string>, keep: readonly string[] = []): void {
  const parent = dirname(target);
  const staging = join(parent, `.${basename(target)}.staging-${process.pid}`);
  const previous = join(parent, `.${basename(target)}.previous-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const dirs = new Set<string>();
    for (const path of files.keys()) dirs.add(dirname(join(staging, path)));
    for (const dir of [...dirs].sort()) mkdirSync(dir, { recursive: true });
    for (const [path, content] of files) writeFileSync(join(staging, path), content);
    // Outputs of other commands (e.g. packaged charts) survive a synth.
    for (const kept of keep) {
      if (existsSync(join(target, kept))) {
        mkdirSync(dirname(join(staging, kept)), { recursive: true });
        renameSync(join(target, kept), join(staging, kept));
      }
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const hadTarget = existsSync(target);
  if (hadTarget) renameSync(target, previous);
  try {
    renameSync(staging, target);
  } catch (error) {
    if (hadTarget) renameSync(previous, target);
    throw error;
  }
  if (hadTarget) rmSync(previous, { recursive: true, force: true });
}
