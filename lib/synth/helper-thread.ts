/**
 * Independent jobs (numbered 0 to count - 1) shared between this thread and one helper: a worker
 * thread running the same program, so that a synth uses both cores of the machine. Each thread claims
 * the next job from a shared counter (a slow or late helper just takes fewer); the helper records what
 * its jobs did and posts it, and this thread applies every job's effects in job order, so the outcome
 * is the one a run on one thread has, byte for byte.
 *
 * This thread never depends on the helper: a job the helper claimed but could not deliver (it failed,
 * exited or threw in that job) is run here, where it succeeds or throws as it would have without a
 * helper. Waiting is synchronous (Atomics.wait on the shared counters, messages taken with
 * receiveMessageOnPort): the jobs' caller is synchronous code (charts/platform.ts).
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { countStage, stage } from './stage-times';

/** Slots of the shared Int32Array. */
const CLAIMED = 0; // the next job to claim
const POSTED = 1; // results (or failures) the helper has posted
const STOPPED = 2; // 1 once the helper claims no more jobs (finished, failed, exited)
const APPLIED = 3; // jobs whose effects this thread has applied (all those before it)
const SLOTS = 4;
/**
 * How far the helper may run ahead of the jobs applied here: its records wait here until their turn,
 * so without a bound a helper faster than this thread (which writes every file) fills the memory
 * (1,000 applications into an empty folder: 1.9 GB).
 */
const MAX_AHEAD = 6;
/** A helper that posts nothing for this long while this thread waits is given up (its jobs are run here). */
const STALLED_MS = 30_000;

/**
 * Which job the n-th claim takes (a permutation of 0 to count - 1, the same on both threads): a job
 * far longer than the others is best claimed first, so that neither thread waits for it at the end.
 * Effects are applied in job order whatever the claim order.
 */
export type ClaimOrder = (claim: number) => number;
const inOrder: ClaimOrder = (claim) => claim;

/** What the helper thread is given (workerData): plain data and a port. */
export interface HelperData<Settings> {
  readonly role: string;
  readonly settings: Settings;
  readonly state: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** A posted message: job `index`'s record, or `failed` when the helper could not run it. */
type Posted<R> = { readonly index: number; readonly record?: R; readonly failed?: true };

/** This thread's side: the helper, once started. */
export class HelperThread {
  private readonly state = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private readonly port: MessagePort;
  private readonly worker: Worker;

  /**
   * Starts the helper: `entry` is the program's entry file, which calls `serveJobs` when its
   * workerData has this `role`; `settings` (structured-cloneable) tell it what to prepare.
   */
  constructor(entry: string, role: string, settings: unknown) {
    const { Worker, MessageChannel } = process.getBuiltinModule('node:worker_threads');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const workerData: HelperData<unknown> = { role, settings, state: this.state.buffer as SharedArrayBuffer, port: port2 };
    this.worker = new Worker(entry, { workerData, transferList: [port2], stdout: false, stderr: false });
    // A helper that fails is replaced by this thread (see above): its error is not this run's.
    this.worker.on('error', () => this.markStopped());
    this.worker.on('exit', () => this.markStopped());
    this.worker.unref();
  }

  private markStopped(): void {
    Atomics.store(this.state, STOPPED, 1);
  }

  /**
   * Runs jobs 0 to count - 1 with the helper: `direct(i)` runs job i with its effects (on this
   * thread, when every earlier job's effects are applied), `recorded(i)` runs it for a record (on
   * either thread: this one when earlier jobs are still outstanding), `replay(record)` applies a
   * record's effects. Returns once every job's effects are applied, in job order. `order`: the job
   * each claim takes (serveJobs must be given the same).
   */
  run<R>(count: number, jobs: { direct: (i: number) => void; recorded: (i: number) => R; replay: (record: R) => void }, order: ClaimOrder = inOrder): void {
    const { receiveMessageOnPort } = process.getBuiltinModule('node:worker_threads');
    const records = new Map<number, R>();
    /** Jobs the helper gave up (ran here when their turn comes). */
    const failed = new Set<number>();
    let next = 0;
    const take = (): boolean => {
      let any = false;
      for (let message = receiveMessageOnPort(this.port); message !== undefined; message = receiveMessageOnPort(this.port)) {
        const posted = message.message as Posted<R>;
        if (posted.failed) failed.add(posted.index);
        else {
          records.set(posted.index, posted.record as R);
          countStage('jobs done by the helper thread');
        }
        any = true;
      }
      return any;
    };
    const applyReady = () => {
      for (;;) {
        const record = records.get(next);
        if (record !== undefined) {
          records.delete(next);
          jobs.replay(record);
        } else if (failed.has(next)) {
          jobs.direct(next);
        } else return;
        next += 1;
        this.applied(next);
      }
    };
    for (let claimed = Atomics.add(this.state, CLAIMED, 1); claimed < count; claimed = Atomics.add(this.state, CLAIMED, 1)) {
      const i = order(claimed);
      if (i === next) {
        jobs.direct(i);
        next += 1;
        this.applied(next);
      } else records.set(i, jobs.recorded(i));
      take();
      applyReady();
    }
    // Every job is claimed: apply the helper's as they come. A helper silent for STALLED_MS (a
    // worker ended by V8 itself, which this blocked thread would not hear of) counts as stopped.
    let silentSince = performance.now();
    while (next < count) {
      const posted = Atomics.load(this.state, POSTED);
      if (take()) {
        applyReady();
        silentSince = performance.now();
        continue;
      }
      if (Atomics.load(this.state, STOPPED) === 1 || performance.now() - silentSince > STALLED_MS) {
        // Stopped: what it posted is taken; whatever it claimed and did not deliver is run here.
        take();
        applyReady();
        if (next < count && !records.has(next)) {
          jobs.direct(next);
          next += 1;
          this.applied(next);
        }
        continue;
      }
      stage('waiting for the helper thread', () => Atomics.wait(this.state, POSTED, posted, 50));
    }
  }

  /** Tells the helper how many jobs are applied here (it waits when too far ahead). */
  private applied(count: number): void {
    Atomics.store(this.state, APPLIED, count);
    Atomics.notify(this.state, APPLIED);
  }

  /** Ends the helper (it may still be preparing); once ended, calling it again changes nothing. */
  stop(): void {
    Atomics.store(this.state, CLAIMED, 0x3fffffff);
    void this.worker.terminate();
  }
}

/**
 * The helper's side: claims jobs until none is left and posts each one's record (`run(i)`); a job
 * that throws is posted as failed, and the helper stops (this thread runs that job and the rest).
 */
export function serveJobs<R>(data: HelperData<unknown>, count: number, run: (i: number) => R, order: ClaimOrder = inOrder): void {
  const state = new Int32Array(data.state);
  const post = (message: Posted<R>) => {
    data.port.postMessage(message);
    Atomics.add(state, POSTED, 1);
    Atomics.notify(state, POSTED);
  };
  /** The next job to claim, once the partner has applied enough of the earlier ones (see MAX_AHEAD). */
  const claim = (): number => {
    for (let applied = Atomics.load(state, APPLIED); Atomics.load(state, CLAIMED) - applied >= MAX_AHEAD; applied = Atomics.load(state, APPLIED)) {
      Atomics.wait(state, APPLIED, applied, 100);
    }
    return Atomics.add(state, CLAIMED, 1);
  };
  try {
    for (let claimed = claim(); claimed < count; claimed = claim()) {
      const i = order(claimed);
      let record: R;
      try {
        record = run(i);
      } catch {
        post({ index: i, failed: true });
        return;
      }
      post({ index: i, record });
    }
  } finally {
    Atomics.store(state, STOPPED, 1);
    Atomics.notify(state, POSTED);
  }
}

/** Tells the helper's waiting partner that it will claim nothing (it could not prepare). */
export function helperUnavailable(data: HelperData<unknown>): void {
  const state = new Int32Array(data.state);
  Atomics.store(state, STOPPED, 1);
  Atomics.notify(state, POSTED);
}
