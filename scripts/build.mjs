// Compiles the TypeScript entry points ahead of time with esbuild (no type checking here:
// `npm run typecheck` does that). One bundled file per entry keeps start-up to a single module load.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  main: 'main.ts',
  validate: 'cli/validate.ts',
};

// `node scripts/build.mjs main validate` builds those entries; no argument builds them all.
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in entries)) {
    console.error(`build: unknown entry "${name}" (known: ${Object.keys(entries).join(', ')})`);
    process.exit(1);
  }
}
const selected = Object.fromEntries(Object.entries(entries).filter(([name]) => wanted.length === 0 || wanted.includes(name)));

await build({
  absWorkingDir: root,
  entryPoints: selected,
  outdir: 'build',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
});
