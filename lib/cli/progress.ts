/**
 * Progress of a long command on a terminal: nothing during the first two seconds (most runs end by
 * then), then one line rewritten in place (`package: 5/12 api (production)`), cleared at the end. On
 * anything but a terminal (CI logs, pipes, tests) it writes nothing, so that outputs stay the same
 * from run to run. Hand-written: the progress-bar libraries on npm bring their own rendering and
 * timers for what is here one line.
 */

/** Where progress goes: a stream that may be a terminal. */
interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Milliseconds since some origin; default Date.now. */
  readonly now?: () => number;
  /** Milliseconds before anything is shown; default 2000. */
  readonly delay?: number;
}

/** The progress of `total` steps of a command named `label`. */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly started: number;
  private readonly delay: number;
  private shown = false;

  constructor(
    private readonly label: string,
    private total: number,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.delay = options.delay ?? 2000;
    this.started = this.now();
  }

  /** Step `done` of the total is finished; `what` names it. A new total may be given (a later phase). */
  update(done: number, what: string, total = this.total): void {
    this.total = total;
    if (!this.stream.isTTY || this.now() - this.started < this.delay) return;
    this.stream.write(`\r\u001b[K${this.label}: ${done}/${this.total} ${what}`);
    this.shown = true;
  }

  /** Clears the line, if one was shown. */
  end(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}
