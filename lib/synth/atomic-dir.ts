/**
 * Replaces a directory with new contents as one step: everything is written to a staging directory
 * beside it, then swapped in by rename. A failure before the swap leaves the old directory untouched;
 * files that are no longer produced disappear.
 *
 * The usual synth changes nothing, or a few files. So the staging directory is only made once a file
 * differs: until then each file is compared with the target's and only its path is kept. At the first
 * difference the staging directory is created, the unchanged files seen so far are hard-linked into
 * it, and from then on every file is placed there (see fileOperations). When every file matches and the
 * target holds nothing else, the target is left exactly as it was: no write, no rename, same inodes
 * and timestamps (tools watching dist/ see no change).
 *
 * What holds at every instant, even if the process is killed (SIGKILL, power loss aside: nothing is
 * fsynced): the target is a complete output, the old one or the new one, never a mix of both. The swap
 * is two renames (target -> `.<name>.previous-<pid>`, staging -> target; Linux's renameat2 exchange is
 * not reachable from Node), so there is one instant when the target does not exist. A run killed
 * there leaves its previous folder holding the complete old output; the next call for the same target
 * (the next synth, before it reads anything) renames it back, and removes every staging and previous
 * folder whose process is gone (see interrupted-swaps.ts). The outputs of other commands kept in the
 * target (`keep`) are hard-linked into the staging directory, never moved out of the target, so they
 * too are complete in whichever output is in place. A reader other than this module that finds the
 * target missing is in that instant, or after a killed run that no synth has followed yet.
 * The swap is of the whole directory, not per subdirectory: swapping parts one by one would make every
 * instant between two of them a mix of old and new.
 */
import * as fs from 'node:fs';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { recoverInterruptedSwaps, swapFolder } from './interrupted-swaps';
import { type OutputListing, listOutput } from './output-listing';
import type { OutputRecord } from './output-record';

/**
 * Writes one file (path relative to the directory); a path written twice keeps the last content.
 * Returns true when the file was found to hold `content` already (known before the first difference,
 * while files are compared on this thread; after it, only from the record or the caller); false when
 * it differs or was not compared.
 * `knownUnchanged`: the caller found the target's file to hold `content` already (OutputRecord.holds,
 * on another thread): it is not read again, and linked rather than written; `content` itself is then not
 * used (it may be empty).
 */
export type WriteFile = (path: string, content: string, knownUnchanged?: boolean) => boolean;

export interface WriteDirectoryOptions {
  /** Paths (relative to the target) of other commands' outputs, kept as they are (e.g. packaged charts). */
  readonly keep?: readonly string[];
  /** Files written on the main thread before a worker thread takes over the writing (default 400). */
  readonly inThreadFiles?: number;
  /** Called after every file is staged, just before the swap: throws to abandon it (e.g. the output lock was lost). */
  readonly beforeSwap?: () => void;
  /**
   * Told about a leftover that could not be removed (a previous output after the swap, a dead run's
   * folder): the run goes on, the next one tries again. Default: ignored.
   */
  readonly onLeftover?: (message: string) => void;
  /**
   * The record of the target's files (output-record.ts): which hold a content is known from it where it
   * can say, without reading them (while comparing, and after the first difference, to link rather than
   * write); what is read is recorded. Default: every file compared is read.
   */
  readonly record?: OutputRecord;
  /**
   * The target as the caller listed it (listOutput) while holding the output lock, after recovering
   * what killed runs left (checkLockedOutput in output-access.ts does both): the call then neither
   * recovers again nor walks the target a second time to see that it holds only the produced files.
   * Without it, both are done here.
   */
  readonly listing?: OutputListing;
}

/** What a call did to the target, for callers and tests. */
export type WriteOutcome = 'unchanged' | 'replaced' | 'created';

// ---------------------------------------------------------------------------------------------
// Writing on a second thread. Creating hundreds of small files costs kernel time (each new inode);
// a worker thread does it while the main thread goes on computing the next files. The main thread
// blocks only when the worker is more than MAX_BACKLOG files behind (memory bound). The first
// IN_THREAD_FILES files are written on the main thread: the shipped values/ (~360 files) need no worker.
// ---------------------------------------------------------------------------------------------
const MAX_BACKLOG = 512;
/** Files written on the main thread before a worker is started: a small output is not worth one (~10 MB, ~50 ms of CPU). */
const IN_THREAD_FILES = 400;

/**
 * The file operations, on the main thread and in the worker thread alike: self-contained, the worker
 * runs this function's own text.
 * - `holds(path, content)`: `path` is a regular file (not a symbolic link) holding exactly `content`.
 * - `place(old, file, content, replace)`: writes `content` to `file` (in the staging directory). When
 *   the current output `old` already holds that content (or `content` is null: known to be unchanged),
 *   `file` becomes a hard link to it instead: creating a file (a new inode) costs far more than
 *   linking one. The old file is only read, never modified, so the target stays intact until the
 *   swap. Anything unusual (no old file, another file system, an error) writes (or copies) the file.
 *   `replace`: the path was placed before, maybe as a link to the old file; its name is dropped
 *   first, so that nothing is ever written through a link.
 */
function fileOperations(fs: typeof import('node:fs')) {
  const holds = (path: string, content: string): boolean => {
    let fd: number;
    try {
      fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch {
      return false;
    }
    try {
      return fs.fstatSync(fd).isFile() && fs.readFileSync(fd, 'utf8') === content;
    } catch {
      return false;
    } finally {
      fs.closeSync(fd);
    }
  };
  const place = (old: string, file: string, content: string | null, replace: boolean): void => {
    if (replace) fs.rmSync(file, { force: true });
    if (content === null || holds(old, content)) {
      try {
        fs.linkSync(old, file);
        return;
      } catch {
        // written below
      }
    }
    if (content === null) fs.copyFileSync(old, file);
    else fs.writeFileSync(file, content);
  };
  return { holds, place };
}

const { holds, place: placeFile } = fileOperations(fs);

const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
const { place: placeFile } = (${fileOperations.toString()})(fs);
const written = new Int32Array(workerData.counter);
const dirs = new Set();
let failure;
parentPort.on('message', (message) => {
  if (message === null) {
    parentPort.postMessage(failure === undefined ? { ok: true } : { ok: false, message: failure.message, code: failure.code });
    return;
  }
  if (failure === undefined) {
    try {
      const [old, file, content, replace] = message;
      const dir = dirname(file);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      placeFile(old, file, content, replace);
    } catch (error) {
      failure = error;
    }
  }
  Atomics.add(written, 0, 1);
  Atomics.notify(written, 0);
});
`;

/**
 * For the tests only: ATOMIC_DIR_TEST_CRASH=<point> kills the process (SIGKILL, no clean-up) at that
 * point of the swap: `staged` (every file written, nothing swapped), `between-renames` (the target moved
 * aside, the staging directory not yet in its place), `swapped` (before the old contents are removed).
 */
function crashPoint(point: 'staged' | 'between-renames' | 'swapped'): void {
  if (process.env.ATOMIC_DIR_TEST_CRASH === point) process.kill(process.pid, 'SIGKILL');
}

/** The staging directory, made at the first difference; files go there on this thread or a worker's. */
class Staging {
  readonly dir: string;
  private readonly dirs = new Set<string>();
  private worker: Worker | undefined;
  private readonly counter = new SharedArrayBuffer(4);
  private readonly written = new Int32Array(this.counter);
  private posted = 0;
  private inThread = 0;

  constructor(
    private readonly target: string,
    private readonly inThreadFiles: number,
  ) {
    this.dir = swapFolder(target, 'staging');
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Places one file; `content` null links (or copies) the target's file, known to be unchanged. */
  place(path: string, content: string | null, replace: boolean): void {
    const file = join(this.dir, path);
    if (this.inThread < this.inThreadFiles) {
      this.inThread += 1;
      const dir = dirname(file);
      if (!this.dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      placeFile(join(this.target, path), file, content, replace);
      return;
    }
    // Loaded only when needed: most runs write no file or fewer than inThreadFiles.
    this.worker ??= new (process.getBuiltinModule('node:worker_threads').Worker)(WRITER_SOURCE, { eval: true, workerData: { counter: this.counter } });
    // Too far behind: wait for the worker (a worker that stopped making progress is not waited for).
    while (this.posted - Atomics.load(this.written, 0) >= MAX_BACKLOG) {
      if (Atomics.wait(this.written, 0, Atomics.load(this.written, 0), 1000) === 'timed-out') break;
    }
    // Messages are handled in order: a path placed again is replaced after its first placing.
    this.worker.postMessage([join(this.target, path), file, content, replace]);
    this.posted += 1;
  }

  /** Waits for the worker's last file and throws its first error, if any. */
  async finish(): Promise<void> {
    const running = this.worker;
    if (running === undefined) return;
    this.worker = undefined;
    const result = await new Promise<{ ok: boolean; message?: string; code?: string }>((resolve, reject) => {
      running.once('message', resolve);
      running.once('error', reject);
      running.postMessage(null);
    });
    await running.terminate();
    if (!result.ok) throw Object.assign(new Error(result.message), { code: result.code });
  }

  async abandon(): Promise<void> {
    if (this.worker !== undefined) await this.worker.terminate();
    this.worker = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Writes the files `produce` gives (as they are produced, until the promise it may return settles, so that they need not all be held in
 * memory) and replaces `target` with exactly those files, the `keep` paths excepted. Same guarantees
 * whatever happens: the target changes only by the final rename, after every file is written; on any
 * error (from `produce` or a write) nothing of the target has changed and the error is thrown. The
 * promise settles once the previous contents, moved aside, are removed. First, what a killed run left
 * beside the target is recovered (see the module comment); a target that exists but is not a
 * directory is refused.
 */
export async function writeDirectoryInBackground(target: string, produce: (write: WriteFile) => void | Promise<void>, options: WriteDirectoryOptions = {}): Promise<WriteOutcome> {
  if (options.listing === undefined) recoverInterruptedSwaps(target, options.onLeftover);
  if (existsSync(target) && !isDirectory(target)) throw new Error(`${target} is not a directory`);
  const keep = options.keep ?? [];
  const inThreadFiles = options.inThreadFiles ?? IN_THREAD_FILES;
  const targetExists = isDirectory(target);
  /** Paths produced so far (while there is no staging directory: all of them equal to the target's). */
  const produced = new Set<string>();
  let staging: Staging | undefined;
  const startStaging = (): Staging => {
    const started = new Staging(target, inThreadFiles);
    for (const path of produced) started.place(path, null, false);
    return started;
  };
  const { record } = options;
  const holdsFile = record === undefined ? (path: string, content: string) => holds(join(target, path), content) : (path: string, content: string) => record.holds(path, content).holds;
  try {
    await produce((path, content, knownUnchanged = false) => {
      const again = produced.has(path);
      let unchanged = false;
      if (staging !== undefined) {
        // Known unchanged: the target's file is the content (given empty by the helper thread), linked even over an earlier write of the path.
        unchanged = knownUnchanged || (targetExists && record?.knows(path, content) === true);
        staging.place(path, unchanged ? null : content, again);
      } else if (targetExists && (knownUnchanged || holdsFile(path, content))) {
        unchanged = true;
      } else {
        // The first difference: the unchanged files so far (this path too, if seen) are linked first.
        staging = startStaging();
        staging.place(path, content, again);
      }
      produced.add(path);
      return unchanged;
    });
    if (staging === undefined) {
      // The caller's listing, taken at the start, still holds at the end: the target is locked by this
      // run (synth and package, the other commands that write it, take the same lock), and this run has
      // not changed it (no staging directory was made). Without one, the target is walked now.
      if (targetExists && holdsOnly(options.listing ?? listOutput(target), produced, keep)) {
        options.record?.save(produced);
        return 'unchanged';
      }
      staging = startStaging();
    }
    await staging.finish();
    options.beforeSwap?.();
  } catch (error) {
    await staging?.abandon();
    throw error;
  }
  const previous = swapIn(target, staging.dir, keep);
  // No record is saved after a swap: linking the unchanged files into the new output changed their
  // change time, so no entry would match (output-record.ts); the next synth reads them and records them.
  if (previous !== undefined) {
    // The new output is in place: a previous output that cannot be removed is a leftover, not a failure (the next run removes it).
    await process
      .getBuiltinModule('node:fs/promises')
      .rm(previous, { recursive: true, force: true })
      .catch((error: NodeJS.ErrnoException) => options.onLeftover?.(`could not remove the previous output ${previous} (${error.code ?? error.message}): remove it by hand`));
  }
  return previous === undefined ? 'created' : 'replaced';
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * True when the target (as `listing` shows it) holds the produced files and nothing else: no other file,
 * directory or link, except the kept paths (and what is inside them) and the folders on the way to them.
 * False when the target could not be listed.
 */
function holdsOnly(listing: OutputListing, produced: ReadonlySet<string>, keep: readonly string[]): boolean {
  if (listing.error !== undefined) return false;
  const allowedDirs = new Set<string>();
  const addAncestors = (path: string) => {
    for (let dir = dirname(path); dir !== '.' && !allowedDirs.has(dir); dir = dirname(dir)) allowedDirs.add(dir);
  };
  for (const path of produced) addAncestors(path);
  for (const path of keep) addAncestors(path);
  const kept = keep.map((path) => path.split(sep).join('/'));
  const isKept = (path: string) => kept.some((k) => path === k || path.startsWith(`${k}/`));
  if (!listing.files.every((path) => produced.has(path) || isKept(path))) return false;
  if (!listing.folders.every((path) => allowedDirs.has(path) || isKept(path))) return false;
  // Links and special files only inside the kept paths.
  return listing.others.every(isKept);
}

/**
 * Completes the staging directory (the kept outputs linked in) and puts it in the target's place:
 * returns the folder holding the previous contents, to be removed, or undefined when there were none.
 */
function swapIn(target: string, staging: string, keep: readonly string[]): string | undefined {
  const previous = swapFolder(target, 'previous');
  try {
    // Outputs of other commands (e.g. packaged charts) survive a synth.
    for (const kept of keep) {
      if (existsSync(join(target, kept))) linkTree(join(target, kept), join(staging, kept));
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  crashPoint('staged');
  const hadTarget = existsSync(target);
  if (hadTarget) renameSync(target, previous);
  crashPoint('between-renames');
  try {
    renameSync(staging, target);
  } catch (error) {
    if (hadTarget) renameSync(previous, target);
    throw error;
  }
  crashPoint('swapped');
  return hadTarget ? previous : undefined;
}

/** A copy of the tree `from` at `to` made of hard links (copies where linking fails); `from` is not changed. */
function linkTree(from: string, to: string): void {
  if (!isDirectory(from)) {
    mkdirSync(dirname(to), { recursive: true });
    linkOrCopy(from, to);
    return;
  }
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    const source = join(entry.parentPath, entry.name);
    const copy = join(to, relative(from, source));
    if (entry.isDirectory()) mkdirSync(copy, { recursive: true });
    else if (entry.isSymbolicLink()) {
      mkdirSync(dirname(copy), { recursive: true });
      symlinkSync(readlinkSync(source), copy);
    } else linkOrCopy(source, copy);
  }
}

function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
