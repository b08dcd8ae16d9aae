// Measures whole processes: wall time (from spawn to exit, with hrtime) and peak resident memory.
// Peak memory comes from GNU time (`/usr/bin/time -f %M`): the largest resident set of the process and
// of every descendant it waited for (for `npm run synth`: npm, the build script and the synth).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs a command once; throws when it exits with a status not in options.okStatuses (default [0]).
 * Returns { ms, peakMB, cpuMs }: wall time, peak memory and user + system CPU time (10 ms
 * resolution; both null without GNU time).
 */
export function runOnce(command, args, options = {}) {
  const memoryFile = join(scratch, 'peak');
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', memoryFile, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!(options.okStatuses ?? [0]).includes(result.status)) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}${result.stdout}`.trim());
  }
  let peakMB = null;
  let cpuMs = null;
  if (hasGnuTime) {
    const [kb, user, system] = readFileSync(memoryFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    peakMB = kb / 1024;
    cpuMs = (user + system) * 1000;
  }
  return { ms, peakMB, cpuMs, stdout: result.stdout, stderr: result.stderr };
}

/** The stage times a synth run with SYNTH_STAGE_TIMES=1 printed on stderr (lib/synth/stage-times.ts), or undefined. */
export function stageTimesOf(stderr) {
  const line = /^synth stage times \(ms\): (.*)$/m.exec(stderr ?? '');
  return line ? JSON.parse(line[1]) : undefined;
}

/** Median of each stage over runs (a stage missing from a run counts 0 there). */
function stageMedians(samples) {
  const times = samples.map((s) => stageTimesOf(s.stderr)).filter(Boolean);
  if (times.length === 0) return undefined;
  const names = [...new Set(times.flatMap((t) => Object.keys(t)))];
  return Object.fromEntries(names.map((name) => [name, round(median(times.map((t) => t[name] ?? 0)))]));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Warm-up runs (file cache, lazily built files), then `runs` measured runs.
 * `before` runs ahead of each run, untimed (e.g. to remove a previous output).
 */
export function measure({ command, args, runs = 7, warmup = 1, cwd, env, before, okStatuses }) {
  for (let i = 0; i < warmup; i += 1) {
    before?.();
    runOnce(command, args, { cwd, env, okStatuses });
  }
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    before?.();
    samples.push(runOnce(command, args, { cwd, env, okStatuses }));
  }
  const times = samples.map((s) => s.ms);
  const peaks = samples.map((s) => s.peakMB).filter((p) => p !== null);
  return {
    runs,
    medianMs: round(median(times)),
    minMs: round(Math.min(...times)),
    maxMs: round(Math.max(...times)),
    peakMB: peaks.length > 0 ? round(Math.max(...peaks)) : null,
    medianPeakMB: peaks.length > 0 ? round(median(peaks)) : null,
    cpuMs: samples.every((s) => s.cpuMs !== null) ? round(median(samples.map((s) => s.cpuMs))) : null,
    ...(stageMedians(samples) ? { stages: stageMedians(samples) } : {}),
  };
}

export function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
