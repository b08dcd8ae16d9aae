/**
 * `npm run synth`: writes dist/ (plain manifests per environment and Helm charts) from values/.
 * Options: --values DIR (default values), --out DIR (default dist), --env a,b (only those environments,
 * for a preview into another --out).
 * Bad values: one message per problem on stderr, exit code 1, dist/ untouched.
 */
import { join, resolve } from 'node:path';
import { replaceDirectory } from './lib/synth/atomic-dir';
import { synthesize } from './lib/synth/synthesize';
import { ValuesError } from './lib/values/problems';

function main(argv: readonly string[]): number {
  const option = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const root = process.cwd();
  const valuesDir = resolve(root, option('--values', 'values'));
  const outDir = resolve(root, option('--out', process.env.CDK8S_OUTDIR ?? 'dist'));
  const only = option('--env', '');
  try {
    const files = synthesize({ valuesDir, environments: only ? only.split(',') : undefined });
    replaceDirectory(outDir, files, [join('helm', 'packages')]);
    return 0;
  } catch (error) {
    if (error instanceof ValuesError) {
      for (const line of error.message.split('\n')) console.error(line);
      console.error(`synth: ${error.problems.length} problem(s) in the values; ${outDir} was not changed`);
      return 1;
    }
    console.error(`synth: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
