// `npm test`: every check of the project, in order, stopping at the first that fails: extract Helm
// (setup-tools), type-check, lint, knip, build, then vitest with the arguments given
// (`npm test -- --reporter=json ...`, `npm test -- test/synth`).
//
// Colour only on a terminal: when stdout is not one (a CI log, a pipe, a file) and FORCE_COLOR is not
// set, the steps run with NO_COLOR=1. Vitest (tinyrainbow) and knip (picocolors) otherwise colour
// whenever CI is set, which wrote ANSI codes into every CI log. NO_COLOR and FORCE_COLOR given by the
// caller are respected as they are.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    [
      'usage: npm test -- [VITEST ARGUMENT...]',
      '',
      'Runs every check: extracts Helm (setup-tools), type-checks, lints, runs knip, builds, then vitest run with the arguments given.',
      'Colour only on a terminal (NO_COLOR and FORCE_COLOR are respected).',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const env = { ...process.env };
if (!process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.NO_COLOR = '1';

const npx = (bin, ...rest) => [join(root, 'node_modules', '.bin', bin), rest];
const steps = [
  [process.execPath, [join(root, 'scripts', 'setup-tools.mjs')]],
  npx('tsc', '--noEmit', '-p', 'tsconfig.json'),
  npx('biome', 'check'),
  npx('knip'),
  [process.execPath, [join(root, 'scripts', 'build.mjs')]],
  npx('vitest', 'run', ...args),
];
for (const [command, commandArgs] of steps) {
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}
