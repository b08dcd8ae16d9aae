/**
 * The folders a directory swap (atomic-dir.ts) makes beside its target, and what is left of them when
 * the process that made them died: `.<name>.staging-<pid>` (the new contents being written) and
 * `.<name>.previous-<pid>` (the old contents, moved aside by the swap, removed after it).
 *
 * A run that died leaves either folder behind, and, if it died between the two renames of the swap,
 * no target at all: its previous folder then holds the complete old contents. `recoverInterruptedSwaps`,
 * called before the target is read, puts that folder back and removes the other leftovers. A folder is
 * only touched when its owner is gone: its pid names no running process, or names this process (which
 * has made no such folder yet: the pid is a reused one, common in containers). A leftover that cannot be
 * removed (e.g. owned by another user) is reported and left: it blocks nothing.
 */
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type SwapFolderKind = 'staging' | 'previous';

/** The folder of one kind that this process uses beside `target`. */
export function swapFolder(target: string, kind: SwapFolderKind, pid = process.pid): string {
  return join(dirname(target), `.${basename(target)}.${kind}-${pid}`);
}

/** True when no running process (other than this one) has the pid. */
function ownerIsGone(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Leftovers of dead runs beside `target`: when the target is missing, the newest previous folder
 * becomes the target again (the interrupted run is undone); every other leftover is removed. Returns
 * what was done, for messages and tests.
 */
export function recoverInterruptedSwaps(target: string, onLeftover?: (message: string) => void): { restored?: string; removed: string[] } {
  const parent = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(staging|previous)-([0-9]+)$`);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return { removed: [] };
  }
  const leftovers = names
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter(({ match }) => match !== null && ownerIsGone(Number(match[2])))
    .map(({ name, match }) => ({ path: join(parent, name), kind: match![1] as SwapFolderKind }));
  let restored: string | undefined;
  if (statSync(target, { throwIfNoEntry: false }) === undefined) {
    const newest = leftovers
      .filter(({ kind }) => kind === 'previous')
      .map(({ path }) => ({ path, mtime: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.mtime - a.mtime)[0];
    if (newest !== undefined) {
      renameSync(newest.path, target);
      restored = newest.path;
    }
  }
  const removed: string[] = [];
  for (const { path } of leftovers) {
    if (path === restored) continue;
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch (error) {
      // Harmless where it is (the target is complete): said, and tried again by the next run.
      onLeftover?.(`could not remove ${path}, left by an interrupted run (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): remove it by hand`);
    }
  }
  return { restored, removed };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
