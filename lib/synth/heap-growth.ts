/**
 * A large synth keeps its peak memory near what it uses: for values whose base.yaml holds at least
 * LARGE_BASE_BYTES, V8 grows the heaps of the process (both threads') by at most half of what a full
 * collection leaves (`--heap-growing-percent=50`), instead of V8's default of up to four times.
 *
 * Why: a synth allocates a lot and keeps little (at 1,000 generated applications each thread's heap
 * holds under 60 MB at the end), so with V8's default growth the heaps grew into garbage, and the
 * process peaked at 1.3-1.7 GB. Measured on this machine (bench/compare.mjs, interleaved, output
 * unchanged):
 * - 1,000 generated applications (base.yaml 910 KB), 3 runs each: peak 1,418 -> 913 MB, median
 *   20.0 -> 20.5 s, CPU 34.7 -> 35.6 s;
 * - 100 generated applications (base.yaml 319 KB), 14 runs each: peak 409 -> 388 MB but 3.27 -> 3.47 s
 *   (more collections while the heaps grow), which is why values this small keep V8's default;
 * - set only once the main thread's heap held 64 or 128 MB: still 1.13 GB (the heaps had grown);
 * - the shipped values (27 KB), set for them too: 597 -> 724 ms.
 * Not `--max-old-space-size`: a limit that low would end a larger platform's synth with "JavaScript
 * heap out of memory"; this only makes V8 collect sooner.
 *
 * The flag is V8's (`node --v8-options`: "specifies heap growing factor as (1 + heap_growing_percent/100)").
 * V8 flags are the process's: set before the helper's isolate is made, it holds for both threads.
 */
import { setFlagsFromString } from 'node:v8';

/** base.yaml's size from which heaps grow more slowly (the 1,000 generated applications: 910 KB; 100: 319 KB). */
const LARGE_BASE_BYTES = 512 * 1024;
/** V8's heap growing factor above 1, in percent, for large synths (see above). */
const HEAP_GROWING_PERCENT = 50;

/**
 * For values whose base.yaml holds `baseBytes` (lib/values/load.ts baseFileBytes), at least
 * LARGE_BASE_BYTES, makes V8 grow this process's heaps by at most HEAP_GROWING_PERCENT; nothing for
 * smaller values (call before the helper thread starts).
 */
export function limitHeapGrowthForLargeValues(baseBytes: number): void {
  if (baseBytes >= LARGE_BASE_BYTES) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
