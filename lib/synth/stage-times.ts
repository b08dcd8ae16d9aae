/**
 * Where a synth's time goes, stage by stage, for `npm run bench` (bench/run.mjs): with the environment
 * variable SYNTH_STAGE_TIMES=1, the synth prints one line to stderr at the end,
 * `synth stage times (ms): {"values":..., "evaluation dev":..., ...}` (JSON, milliseconds of wall time
 * on the main thread). Without it nothing is timed or printed: normal output never shows it.
 *
 * Stages nest: time spent in an inner stage (writing a file while evaluating an environment) counts
 * for the inner one only, so the figures add up to the time covered. Not a profiler: for where time
 * goes inside a stage, `node --cpu-prof build/main.js ...`.
 */

/** Stage times are kept only when this is true (read once, at start-up). */
const enabled = process.env.SYNTH_STAGE_TIMES === '1';

const totals = new Map<string, number>();
/** The running stages, innermost last; each with the instant its own time last started counting. */
const running: { name: string; since: number }[] = [];

/** The first stage starts the count: the time before it (process start, loading the bundle) is `start-up`. */
function noteStartUp(): void {
  if (totals.size === 0 && running.length === 0) totals.set('start-up', performance.now());
}

/** Adds the time since the innermost stage's own time last started counting, and restarts it at `now`. */
function settle(now: number): void {
  const top = running.at(-1);
  if (top === undefined) return;
  totals.set(top.name, (totals.get(top.name) ?? 0) + (now - top.since));
  top.since = now;
}

/**
 * Runs `work` as the stage `name` and returns its result (a stage entered again adds up). Costs one
 * comparison when stage times are off.
 */
export function stage<T>(name: string, work: () => T): T {
  if (!enabled) return work();
  noteStartUp();
  settle(performance.now());
  running.push({ name, since: performance.now() });
  try {
    return work();
  } finally {
    settle(performance.now());
    running.pop();
    const outer = running.at(-1);
    if (outer !== undefined) outer.since = performance.now();
  }
}

/** The same for asynchronous work: the stage counts until the promise settles (nothing else runs meanwhile in a synth). */
export async function stageAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  noteStartUp();
  settle(performance.now());
  running.push({ name, since: performance.now() });
  try {
    return await work();
  } finally {
    settle(performance.now());
    running.pop();
    const outer = running.at(-1);
    if (outer !== undefined) outer.since = performance.now();
  }
}

const counts = new Map<string, number>();

/** Adds `n` to the count `name` (e.g. the applications the helper thread released), reported beside the times. */
export function countStage(name: string, n = 1): void {
  if (enabled) counts.set(name, (counts.get(name) ?? 0) + n);
}

/**
 * Prints the totals to stderr when SYNTH_STAGE_TIMES=1: one line of times (JSON, milliseconds rounded
 * to 0.1), and one of counts if any (`synth stage counts: {...}`).
 */
export function reportStageTimes(): void {
  if (!enabled) return;
  const rounded = Object.fromEntries([...totals].map(([name, ms]) => [name, Math.round(ms * 10) / 10]));
  console.error(`synth stage times (ms): ${JSON.stringify(rounded)}`);
  if (counts.size > 0) console.error(`synth stage counts: ${JSON.stringify(Object.fromEntries(counts))}`);
}
