/**
 * Replaces a directory with new contents as one step: everything is written to a staging directory
 * beside it, then swapped in by rename. A failure before the swap leaves the old directory untouched;
 * files that are no longer produced disappear.
 */
import { closeSync, constants, existsSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Writes one file (path relative to the directory); a path written twice keeps the last content. */
export type WriteFile = (path: string, content: string) => void;

export function replaceDirectory(target: string, files: ReadonlyMap<string, string>, keep: readonly string[] = []): void {
  const previous = swapDirectory(
    target,
    (write) => {
      for (const [path, content] of files) write(path, content);
    },
    keep,
  );
  if (previous !== undefined) rmSync(previous, { recursive: true, force: true });
}

/**
 * Like replaceDirectory, for contents produced as they come: `produce` writes each file into the
 * staging directory at once, so that they need not all be held in memory. If `produce` throws, the
 * staging directory is removed and the target is left as it was (the error is thrown synchronously).
 * The new contents are in place when this returns; the promise settles once the old contents are
 * removed (many files removed concurrently, which is faster than one by one).
 */
export function writeDirectory(target: string, produce: (write: WriteFile) => void, keep: readonly string[] = []): Promise<void> {
  const previous = swapDirectory(target, produce, keep);
  return previous === undefined ? Promise.resolve() : rm(previous, { recursive: true, force: true });
}

/** Writes the staging directory and swaps it in; returns the old directory to remove, if any. */
function swapDirectory(target: string, produce: (write: WriteFile) => void, keep: readonly string[]): string | undefined {
  const staging = stagingDirectory(target);
  rmSync(staging, { recursive: true, force: true });
  try {
    const dirs = new Set<string>();
    produce((path, content) => {
      const file = join(staging, path);
      const dir = dirname(file);
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      placeFile(join(target, path), file, content);
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return swapIn(target, staging, keep);
}

/**
 * Writes `content` to `file` (in the staging directory). When the current output `old` already holds
 * exactly that content, `file` becomes a hard link to it instead: creating a file (a new inode) costs
 * far more than linking an existing one, and most of a synth's output is usually unchanged. The old
 * file is only read, never modified, so the target stays intact until the swap; the removal of the
 * previous directory then only drops a name. Anything unusual (no old file, a symbolic link, another
 * file system, an error) writes the file.
 */
function placeFile(old: string, file: string, content: string): void {
  if (linkIfSame(old, file, content)) return;
  writeFileSync(file, content);
}

function linkIfSame(old: string, file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(old, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return false;
  }
  try {
    if (!fstatSync(fd).isFile() || readFileSync(fd, 'utf8') !== content) return false;
    linkSync(old, file);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

function stagingDirectory(target: string): string {
  return join(dirname(target), `.${basename(target)}.staging-${process.pid}`);
}

/** Completes the staging directory (the kept outputs moved in) and renames it to the target. */
function swapIn(target: string, staging: string, keep: readonly string[]): string | undefined {
  const previous = join(dirname(target), `.${basename(target)}.previous-${process.pid}`);
  try {
    mkdirSync(staging, { recursive: true }); // an empty output is still a directory
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
  return hadTarget ? previous : undefined;
}

// ---------------------------------------------------------------------------------------------
// Writing on a second thread. Creating hundreds of small files costs kernel time (each new inode);
// a worker thread does it while the main thread goes on computing the next files. The main thread
// blocks only when the worker is more than MAX_BACKLOG files behind (memory bound). The first
// IN_THREAD_FILES files are written on the main thread: the shipped values/ (~360 files) need no worker.
// ---------------------------------------------------------------------------------------------
const MAX_BACKLOG = 512;
/** Files written on the main thread before a worker is started: a small output is not worth one (~10 MB, ~50 ms of CPU). */
const IN_THREAD_FILES = 400;

const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, constants, fstatSync, linkSync, mkdirSync, openSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
// As linkIfSame in atomic-dir.ts.
function linkIfSame(old, file, content) {
  let fd;
  try {
    fd = openSync(old, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return false;
  }
  try {
    if (!fstatSync(fd).isFile() || readFileSync(fd, 'utf8') !== content) return false;
    linkSync(old, file);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
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
      const [old, file, content] = message;
      const dir = dirname(file);
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      if (!linkIfSame(old, file, content)) writeFileSync(file, content);
    } catch (error) {
      failure = error;
    }
  }
  Atomics.add(written, 0, 1);
  Atomics.notify(written, 0);
});
`;

/**
 * writeDirectory with the files written by a worker thread as they are produced. Same guarantees:
 * the target changes only by the final rename, after every file is written; on any error (from
 * `produce` or a write) the staging directory is removed and the error is thrown.
 */
export async function writeDirectoryInBackground(target: string, produce: (write: WriteFile) => void, keep: readonly string[] = []): Promise<void> {
  const staging = stagingDirectory(target);
  rmSync(staging, { recursive: true, force: true });
  let worker: Worker | undefined;
  const counter = new SharedArrayBuffer(4);
  const written = new Int32Array(counter);
  let posted = 0;
  let inThread = 0;
  const dirs = new Set<string>();
  try {
    produce((path, content) => {
      if (inThread < IN_THREAD_FILES) {
        inThread += 1;
        const file = join(staging, path);
        const dir = dirname(file);
        if (!dirs.has(dir)) {
          mkdirSync(dir, { recursive: true });
          dirs.add(dir);
        }
        placeFile(join(target, path), file, content);
        return;
      }
      worker ??= new Worker(WRITER_SOURCE, { eval: true, workerData: { counter } });
      // Too far behind: wait for the worker (a worker that stopped making progress is not waited for).
      while (posted - Atomics.load(written, 0) >= MAX_BACKLOG) {
        if (Atomics.wait(written, 0, Atomics.load(written, 0), 1000) === 'timed-out') break;
      }
      worker.postMessage([join(target, path), join(staging, path), content]);
      posted += 1;
    });
    if (worker !== undefined) {
      const running = worker;
      const result = await new Promise<{ ok: boolean; message?: string; code?: string }>((resolve, reject) => {
        running.once('message', resolve);
        running.once('error', reject);
        running.postMessage(null);
      });
      await running.terminate();
      worker = undefined;
      if (!result.ok) throw Object.assign(new Error(result.message), { code: result.code });
    }
  } catch (error) {
    if (worker !== undefined) await worker.terminate();
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const previous = swapIn(target, staging, keep);
  if (previous !== undefined) await rm(previous, { recursive: true, force: true });
}
