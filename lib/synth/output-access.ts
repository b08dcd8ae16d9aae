/**
 * Whether this process may replace an output folder, checked before anything is written or moved. The
 * swap (atomic-dir.ts) creates a staging folder and a lock beside the output, renames the output aside
 * and then removes it, so it needs: the parent folder writable, the output not a special file and not on
 * a pseudo file system (lib/cli/file-kinds.ts), and every folder inside the output writable (each of
 * their entries is removed with the previous output). An output left by `sudo npm run synth` (owned by
 * root), a read-only mount or an immutable file (`chattr +i`) fails here with the path and what to do,
 * instead of after the swap, when the new output is in place and the old one cannot be removed.
 *
 * `npm run package` checks in one call (checkOutputAccess). A synth checks in two steps: what needs no
 * walk of the output before it takes the output lock (checkOutputPlace), then its folders under the lock
 * (checkLockedOutput), from the one walk of the output it shares with the summary and the writer
 * (output-listing.ts).
 */
import { type Stats, accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nearestExisting, pathKind } from '../cli/file-kinds';
import { displayFolder, displayPath } from '../cli/paths';
import { recoverInterruptedSwaps } from './interrupted-swaps';
import { type OutputListing, listOutput } from './output-listing';

/** S_ISVTX (stat(2)): in a folder with it, only an entry's owner (or the folder's) may rename or delete the entry. */
const STICKY_BIT = 0o1000;

/** The output folder cannot be replaced by this process; the message says why and what to do. */
export class OutputAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputAccessError';
  }
}

/**
 * Throws an OutputAccessError unless `target` (a folder, or a path where one can be made) can be
 * replaced as a whole by this process. Reads the target's folders (one walk), writes nothing.
 */
export function checkOutputAccess(target: string): void {
  if (checkOutputPlace(target) === 'missing') return;
  checkOutputFolders(target, listOutput(target));
}

/**
 * The part of the check that does not walk the output (a few stat and access calls): `target` is not a
 * special file, a file or on a pseudo file system, its parent folder is writable, it may be moved in a
 * sticky parent, and the target folder itself is writable. Returns whether the target is a folder
 * ('directory') or not there yet ('missing'); throws an OutputAccessError otherwise.
 */
export function checkOutputPlace(target: string): 'directory' | 'missing' {
  const shown = displayFolder(target);
  const kind = pathKind(target);
  if (kind.kind === 'refused') throw new OutputAccessError(`cannot write ${shown}: ${kind.reason}; choose another output folder`);
  if (kind.kind === 'file') throw new OutputAccessError(`cannot write ${shown}: not a folder (the output folder is replaced as a whole); choose another output folder`);
  const parent = nearestExisting(dirname(target));
  const parentStats = statSync(parent);
  if (!parentStats.isDirectory()) throw new OutputAccessError(`cannot write ${shown}: ${displayPath(parent)} is not a folder`);
  refuseUnwritable(shown, parent, parentStats, `the staging folder and the lock are made beside ${shown}`);
  if (kind.kind === 'missing') return 'missing';
  const targetStats = statSync(target);
  // In a sticky folder (/tmp), only the owner of an entry (or of the folder) may rename it.
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && (parentStats.mode & STICKY_BIT) !== 0 && targetStats.uid !== uid && parentStats.uid !== uid) {
    throw new OutputAccessError(
      `cannot replace ${shown}: it belongs to uid ${targetStats.uid}, and ${displayFolder(parent)} lets only an entry's owner move it (sticky bit); nothing was changed. ${remedy(target, uid)}`,
    );
  }
  refuseUnwritable(shown, target, targetStats, 'its entries are replaced', target);
  return 'directory';
}

/**
 * The rest of the check, for a target folder that exists: every folder in `listing` (listOutput of
 * `target`) is writable, in the listing's order. Throws the listing's error as readdir threw it (a
 * folder that cannot be read), or an OutputAccessError naming the first folder that is not writable.
 */
function checkOutputFolders(target: string, listing: OutputListing): void {
  if (listing.error !== undefined) throw listing.error;
  const shown = displayFolder(target);
  for (const path of listing.folders) {
    const folder = join(target, path);
    refuseUnwritable(shown, folder, statSync(folder), 'its entries are replaced', target);
  }
}

/**
 * For a run that holds the output lock (output-lock.ts), before it reads or writes the output: the
 * whole check again (the output may have changed while the run waited for the lock), with one walk of
 * the output; then what killed runs left beside it is recovered (interrupted-swaps.ts: the first
 * thing that moves, once the check has passed). When that puts a previous output back in the missing
 * target's place, the restored output is checked and walked in turn. Returns the walk of the output as
 * it now is (empty, with an ENOENT error, when there is none), for the summary and the writer: nothing
 * else writes it while the lock is held. Throws like checkOutputAccess; `onLeftover` is told about a
 * leftover that could not be removed.
 */
export function checkLockedOutput(target: string, onLeftover?: (message: string) => void): OutputListing {
  const checked = () => {
    const exists = checkOutputPlace(target) === 'directory';
    const listing = listOutput(target);
    if (exists) checkOutputFolders(target, listing);
    return listing;
  };
  const listing = checked();
  return recoverInterruptedSwaps(target, onLeftover).restored === undefined ? listing : checked();
}

function refuseUnwritable(shown: string, folder: string, stats: Stats, why: string, fix?: string): void {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const uid = process.getuid?.();
    const what =
      code === 'EROFS'
        ? 'is on a read-only file system'
        : code === 'EPERM'
          ? 'cannot be changed (an immutable folder: see lsattr)'
          : `is not writable by this user (uid ${uid ?? '?'}; it belongs to uid ${stats.uid}, mode ${(stats.mode & 0o7777).toString(8)})`;
    throw new OutputAccessError(
      `cannot replace ${shown}: ${displayFolder(folder)} ${what}, and ${why}; nothing was changed. ${fix === undefined ? 'Choose an output folder in a folder this user can write (--out), then run again' : remedy(fix, uid, code)}`,
    );
  }
}

function remedy(path: string, uid: number | undefined, code?: string): string {
  const shown = displayPath(path);
  if (code === 'EROFS') return 'Choose an output folder on a writable file system (--out), then run again';
  if (code === 'EPERM') return `Remove the immutable attribute (sudo chattr -R -i ${shown}) or choose another output folder (--out), then run again`;
  const owner = uid === undefined ? '' : ` (sudo chown -R ${uid}:${process.getgid?.() ?? uid} ${shown})`;
  return `Give it back to this user${owner}, or remove it (sudo rm -rf ${shown}), or choose another output folder (--out), then run again`;
}
