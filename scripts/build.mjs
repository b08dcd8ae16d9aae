// Compiles the TypeScript entry points ahead of time with esbuild (no type checking here:
// `npm run typecheck` does that). One bundled file per entry keeps start-up to a single module load.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const entries = {
  main: 'main.ts',
  validate: 'cli/validate.ts',
};

await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: 'build',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
});
