/**
 * One run at a time writes an output folder: `npm run synth` and `npm run package` (and `cdk8s synth`,
 * which runs the synth) hold a lock on it from before they read it until their output is in place.
 * Without it, a second synth compared its files with an output that the first then swapped, and linked
 * "unchanged" files from the new one: the result mixed both runs, and both said they succeeded.
 *
 * The lock is proper-lockfile's (a folder `.<name>.lock` beside the output, made with mkdir, which is
 * atomic; removed on release and when the process exits, signals included). Beside it,
 * `.<name>.lock.json` names the holder: pid, host, the process's start time (Linux), its command line
 * and since when. A second run waits for the holder, saying once on stderr who it is, and refuses after
 * a time limit with the same words. A lock whose holder is gone (its pid runs no process, or a process
 * started at another time: a reused pid) is taken over at once.
 *
 * Why not proper-lockfile's staleness alone: it judges a lock by its age, refreshed by a timer, and a
 * synth computes for seconds without returning to the event loop (tens of seconds for hundreds of
 * applications), so a short staleness would let a second run take the lock of a live one, and a long one
 * would make it wait minutes for a killed one. Its staleness (STALE_MS) is kept for what the holder
 * record cannot tell: a holder on another host sharing the folder.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { lockSync } from 'proper-lockfile';
import { displayFolder, displayPath } from '../cli/paths';

/** Age after which proper-lockfile takes a lock over when the holder record cannot tell (another host). */
const STALE_MS = 5 * 60_000;
/** How long a run waits for the holder by default (OUTPUT_LOCK_WAIT_SECONDS overrides it). */
const DEFAULT_WAIT_MS = 10 * 60_000;
const POLL_MS = 100;
/**
 * How long a waiting run keeps polling for the holder's record before saying it waits for an unnamed
 * one: the holder writes its record just after its mkdir, so a poll in between would name nobody.
 */
const NAMING_GRACE_MS = 1000;

/** Who holds a lock, as recorded beside it. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** /proc/<pid>/stat start time (clock ticks since boot), to tell a reused pid; absent off Linux. */
  readonly startTime?: string;
  /** The command line, as a person would type it. */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** The lock folder the record belongs to: its inode and birth time (an inode number is reused once freed). */
  readonly lock: string;
}

/** The output is locked by another run (after waiting), or the lock was lost; the message names the holder. */
export class OutputLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputLockError';
  }
}

export interface OutputLock {
  /** Throws an OutputLockError unless this process still holds the lock (call before the output changes). */
  assertHeld(): void;
  /** Releases the lock (idempotent). */
  release(): void;
}

export interface LockOptions {
  /** Said once when the lock is held by another run and this one waits. */
  readonly onWait?: (message: string) => void;
  /** Milliseconds to wait for the holder; default OUTPUT_LOCK_WAIT_SECONDS or 10 minutes. */
  readonly waitMs?: number;
}

/** The lock folder and the holder record of an output folder. */
export function lockPaths(target: string): { lock: string; record: string } {
  const lock = join(dirname(target), `.${basename(target)}.lock`);
  return { lock, record: `${lock}.json` };
}

/** Lock folders held by this process (a second lock in the same process waits like another run's). */
const heldHere = new Set<string>();

/**
 * Takes the lock on the output folder `target` (which need not exist; its parent must), waiting while
 * another live run holds it. Throws an OutputLockError after `waitMs`, and the file system's error when
 * the lock cannot be made at all (e.g. permission denied: see output-access.ts, which is checked first).
 */
export function lockOutput(target: string, options: LockOptions = {}): OutputLock {
  const { lock, record } = lockPaths(target);
  const waitMs = options.waitMs ?? waitFromEnvironment() ?? DEFAULT_WAIT_MS;
  const started = Date.now();
  const deadline = started + waitMs;
  let compromised: Error | undefined;
  let announced = false;
  for (;;) {
    let unlock: (() => void) | undefined;
    try {
      unlock = lockSync(target, {
        realpath: false,
        lockfilePath: lock,
        stale: STALE_MS,
        onCompromised: (error) => {
          compromised = error;
        },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && statSync(dirname(lock), { throwIfNoEntry: false }) === undefined) {
        // A new output folder in a new folder: its parent is made first (checked writable by output-access.ts).
        mkdirSync(dirname(lock), { recursive: true });
        continue;
      }
      if (code !== 'ELOCKED') throw error;
    }
    if (unlock !== undefined) return held(target, lock, record, unlock, () => compromised);
    const holder = readHolder(lock, record);
    if (holder !== undefined && holderIsGone(holder, lock)) {
      takeOver(lock, record, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new OutputLockError(
        `${displayFolder(target)} is locked by ${describeHolder(holder)}; waited ${Math.round(waitMs / 1000)} s. Let that run finish or stop it${holder ? ` (kill ${holder.pid})` : ''}, then run again`,
      );
    }
    if (!announced && (holder !== undefined || Date.now() - started >= NAMING_GRACE_MS)) {
      options.onWait?.(`waiting for ${displayFolder(target)}: locked by ${describeHolder(holder)}`);
      announced = true;
    }
    sleep(POLL_MS);
  }
}

function held(target: string, lock: string, record: string, unlock: () => void, compromised: () => Error | undefined): OutputLock {
  const identity = identityOf(lock);
  heldHere.add(lock);
  const holder: LockHolder = { pid: process.pid, host: hostname(), startTime: startTimeOf(process.pid), command: commandLine(), since: new Date().toISOString(), lock: identity ?? '' };
  const temporary = `${record}.${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
  renameSync(temporary, record);
  let released = false;
  const removeRecord = () => {
    if (readHolder(lock, record)?.since === holder.since) rmSync(record, { force: true });
  };
  // proper-lockfile removes the lock folder when the process exits; the record goes with it.
  process.once('exit', removeRecord);
  return {
    assertHeld() {
      const lost = compromised();
      if (released || lost !== undefined || identityOf(lock) !== identity) {
        const other = readHolder(lock, record);
        throw new OutputLockError(
          `the lock on ${displayFolder(target)} was taken by ${other ? describeHolder(other) : 'another run'} while this run worked${lost ? ` (${lost.message})` : ''}; this run's output was not kept. Run again`,
        );
      }
    },
    release() {
      if (released) return;
      released = true;
      heldHere.delete(lock);
      removeRecord();
      process.removeListener('exit', removeRecord);
      try {
        unlock();
      } catch {
        // already removed (taken over): nothing of ours is left
      }
    },
  };
}

/** The holder record of the lock folder as it is now, or undefined (none yet, or one of an earlier lock). */
function readHolder(lock: string, record: string): LockHolder | undefined {
  const identity = identityOf(lock);
  if (identity === undefined) return undefined;
  try {
    const holder = JSON.parse(readFileSync(record, 'utf8')) as LockHolder;
    return holder.lock === identity && Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** True when the holder's process is gone: on this host, no process has its pid, or one that started at another time. */
function holderIsGone(holder: LockHolder, lock: string): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(lock);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const startTime = startTimeOf(holder.pid);
  return holder.startTime !== undefined && startTime !== undefined && startTime !== holder.startTime;
}

/**
 * Removes the lock of a gone holder: renamed aside first, and put back if what was renamed is not the
 * lock judged (another run took the gone holder's place meanwhile).
 */
function takeOver(lock: string, record: string, holder: LockHolder): void {
  const aside = `${lock}.gone-${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // gone already: another run took it over
  }
  if (identityOf(aside) !== holder.lock) {
    try {
      renameSync(aside, lock);
      return;
    } catch {
      // a third run made a new lock meanwhile: the one renamed aside is lost, and its holder finds out before it writes (assertHeld)
    }
  }
  rmSync(aside, { recursive: true, force: true });
  try {
    const current = JSON.parse(readFileSync(record, 'utf8')) as LockHolder;
    if (current.lock === holder.lock) rmSync(record, { force: true });
  } catch {
    // no record, or another run's being written
  }
}

/** The lock folder's identity: inode and birth time (0 where the file system keeps none), or undefined when it does not exist. */
function identityOf(lock: string): string | undefined {
  const stats = statSync(lock, { throwIfNoEntry: false, bigint: true });
  return stats && `${stats.ino}:${stats.birthtimeNs}`;
}

function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'another run that has not named itself (no holder record beside the lock)';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(holder.since)) / 1000));
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `pid ${holder.pid}${where} (${holder.command}), since ${holder.since.replace(/\.\d+Z$/, 'Z')} (${seconds} s ago)`;
}

/** The process's start time from /proc (Linux), or undefined. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): the start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process's command line, as typed: `node build/main.js --out x`, or `npm run synth -- --out x` when npm's script runs this file. */
function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const script = process.argv[1] ? displayPath(process.argv[1]) : '';
  const event = process.env.npm_lifecycle_event;
  // npm's variables are inherited by every child: only the script npm ran names this file.
  if (event && script && process.env.npm_lifecycle_script?.includes(script)) return `npm run ${event}${args ? ` -- ${args}` : ''}`;
  return `node ${script}${args ? ` ${args}` : ''}`;
}

function waitFromEnvironment(): number | undefined {
  const seconds = Number(process.env.OUTPUT_LOCK_WAIT_SECONDS);
  return process.env.OUTPUT_LOCK_WAIT_SECONDS && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
