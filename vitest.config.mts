import { defineConfig } from 'vitest/config';

/**
 * Vitest settings. Tests run real tools (Helm 3 and 4, promtool, the synth CLI as a process), and
 * their time depends on the machine's load, so a test never fails for being slow: speed targets live
 * in `npm run bench`, not in timeouts. The limits below only stop a hung process.
 */
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
