/**
 * `npm run synth`: writes dist/ (plain manifests per environment and Helm charts) from values/.
 * Options: --values DIR (default values), --out DIR (default dist), --env a,b (only those environments,
 * for a preview into another --out).
 * Bad values: one message per problem on stderr, exit code 1, dist/ untouched.
 */
import { join, resolve } from 'node:path';
import { writeDirectoryInBackground } from './lib/synth/atomic-dir';
import { synthesizeEach } from './lib/synth/synthesize';
import { ValuesError } from './lib/values/problems';

async function main(argv: readonly string[]): Promise<number> {
  const option = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const root = process.cwd();
  const valuesDir = resolve(root, option('--values', 'values'));
  const outDir = resolve(root, option('--out', process.env.CDK8S_OUTDIR ?? 'dist'));
  const only = option('--env', '');
  try {
    // Files are written to a staging directory, by a worker thread, as they are made; dist/ is
    // replaced only at the end (then the previous contents, moved aside, are removed).
    await writeDirectoryInBackground(outDir, (write) => synthesizeEach({ valuesDir, environments: only ? only.split(',') : undefined }, write), [join('helm', 'packages')]);
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

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
