/**
 * `npm run diff -- <envA> <envB>` and `npm run diff -- --since <git ref>`: what differs, object by object
 * and field by field (lib/diff/), between two environments of the output, or between the output
 * committed at a git revision and the output folder now (run `npm run synth` first). Both cover the
 * plain manifests and the GitOps objects (environments/<env>/gitops: AppProject permissions, Applications,
 * Kustomizations); between environments, the GitOps objects are compared with the environment's name aligned. `--format markdown`
 * for a pull request; `--dir DIR` for another output folder (default dist). Changes to immutable fields
 * are marked. Exit code 0 (whatever differs), 1 for a usage error or an unreadable output.
 */
import { parseArgs } from 'node:util';
import { alignEnvironment, alignNamespaces, combineDiffs, diffObjects, environmentObjects, type ObjectDiff, objectKeyInEnvironment } from '../lib/diff/object-diff';
import { formatMarkdown, formatText } from '../lib/diff/format';
import { deliveries } from '../lib/upgrade/delivery';
import { gitopsDocuments, manifestDocuments, readOutputAtRevision, readOutputDirectory } from '../lib/upgrade/output';

const USAGE = 'usage: npm run diff -- (<envA> <envB> | --since <git ref>) [--format text|markdown] [--dir DIR]';

function run(argv: readonly string[]): { title: string; result: ObjectDiff; format: string } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { since: { type: 'string' }, format: { type: 'string', default: 'text' }, dir: { type: 'string', default: 'dist' } },
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'markdown') throw new Error(`--format ${format}: expected text or markdown`);
  const dir = values.dir ?? 'dist';
  const currentFiles = readOutputDirectory(dir);
  const current = manifestDocuments(currentFiles);
  const currentGitOps = gitopsDocuments(currentFiles);
  // How each environment is applied now (Argo CD, Flux or kubectl): which hooks are recreated, as check-upgrade sees it.
  const deliveryOf = deliveries(currentGitOps);
  if (values.since !== undefined) {
    if (positionals.length > 0) throw new Error('--since compares every environment: no environment names with it');
    const previousFiles = readOutputAtRevision(process.cwd(), values.since, dir);
    const previous = [...manifestDocuments(previousFiles), ...gitopsDocuments(previousFiles)];
    const result = diffObjects(
      previous.map(({ file, object }) => ({ file, object })),
      [...current, ...currentGitOps].map(({ file, object }) => ({ file, object })),
      undefined,
      deliveryOf,
    );
    return { title: `${dir}/ since ${values.since}`, result, format };
  }
  if (positionals.length !== 2) throw new Error('two environments expected (or --since <git ref>)');
  const [from, to] = positionals;
  const known = [...new Set(current.map((doc) => doc.environment))].sort();
  for (const env of [from, to]) if (!known.includes(env)) throw new Error(`no environment ${env} in ${dir}/manifests (there: ${known.join(', ')})`);
  const target = environmentObjects(current, to);
  const { objects, renamed } = alignNamespaces(environmentObjects(current, from), target);
  const manifests = diffObjects(objects, target, objectKeyInEnvironment, deliveryOf);
  // The GitOps objects (AppProject permissions, Applications or Kustomizations), the environment's name aligned.
  const gitops = diffObjects(alignEnvironment(environmentObjects(currentGitOps, from), from, to), environmentObjects(currentGitOps, to), objectKeyInEnvironment, deliveryOf);
  const result = combineDiffs(manifests, gitops);
  const aligned = [...renamed].map(([a, b]) => `${a} as ${b}`).join(', ');
  return { title: `${from} -> ${to}${aligned ? ` (namespaces compared: ${aligned})` : ''}`, result, format };
}

try {
  const { title, result, format } = run(process.argv.slice(2));
  process.stdout.write(format === 'markdown' ? formatMarkdown(title, result) : formatText(title, result));
} catch (error) {
  console.error(`diff: ${(error as Error).message}`);
  console.error(USAGE);
  process.exitCode = 1;
}
