/**
 * `npm run synth`: writes dist/ (plain manifests per environment and Helm charts) from values/.
 * Options: --values DIR (default values), --out DIR (default dist), --env a,b (only those environments,
 * for a preview into another --out).
 * Bad values: one message per problem on stderr, exit code 1, dist/ untouched.
 */
import { join, resolve } from 'node:path';
import { writeDirectoryInBackground } from './lib/synth/atomic-dir';
import { synthesizeEach } from './charts/platform';
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
    // Files are compared with dist/ as they are made; from the first difference on they are written
    // to a staging directory (a worker thread takes over for large outputs), and dist/ is replaced
    // only at the end (then the previous contents, moved aside, are removed). No difference: dist/
    // is not touched.
    await writeDirectoryInBackground(outDir, (write) => synthesizeEach({ valuesDir, environments: only ? only.split(',') : undefined }, write), { keep: [join('helm', 'packages')] });
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
  // Done: exit now rather than when the event loop has drained, which waits for V8's background
  // work (about 10 ms). Only once stdout and stderr hold nothing unwritten.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
});
