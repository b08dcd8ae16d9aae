/**
 * `npm run diff -- <envA> <envB>` and `npm run diff -- --since <git ref>`: what differs, object by object
 * and field by field (lib/diff/), between two environments of the output, or between the output
 * committed at a git revision and the output folder now (run `npm run synth` first). Both cover the
 * plain manifests and the GitOps objects (environments/<env>/gitops: AppProject permissions, Applications,
 * Kustomizations); between environments, the GitOps objects are compared with the environment's name aligned. `--format markdown`
 * for a pull request; `--dir DIR` for another output folder (default dist). Changes to immutable fields
 * are marked. Exit code 0 (whatever differs), 1 for a usage error or an unreadable output.
 */
import { type CommandSpec, type ParsedCommand, UsageError, didYouMean, runCommand } from '../lib/cli/command-line.cjs';
import { alignEnvironment, alignNamespaces, combineDiffs, diffObjects, environmentObjects, type ObjectDiff, objectKeyInEnvironment } from '../lib/diff/object-diff';
import { formatMarkdown, formatText } from '../lib/diff/format';
import { deliveries } from '../lib/upgrade/delivery';
import { gitopsDocuments, manifestDocuments, readOutputAtRevision, readOutputDirectory } from '../lib/upgrade/output';

const DIFF_COMMAND: CommandSpec = {
  name: 'diff',
  invocation: 'npm run diff --',
  summary: 'What differs, object by object and field by field: between two environments of the output, or between the output at a git revision and now.',
  positionals: [
    { name: 'ENV_A', description: 'the environment compared from (with ENV_B; not with --since)' },
    { name: 'ENV_B', description: 'the environment compared to' },
  ],
  options: {
    since: { type: 'string', value: 'REF', description: 'compare the output committed at this git revision with the output folder now (run npm run synth first)' },
    format: { type: 'string', value: 'text|markdown', description: 'text (default) or markdown, for a pull request' },
    dir: { type: 'string', value: 'DIR', description: 'the output folder (default: dist)' },
  },
  notes: 'Exit code 0 whatever differs; 1 for a usage error or an unreadable output.',
};

function run(parsed: ParsedCommand): { title: string; result: ObjectDiff; format: string } {
  const values = parsed.values as { since?: string; format?: string; dir?: string };
  const { positionals } = parsed;
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'markdown') throw new UsageError(`--format ${format}: expected text or markdown${didYouMean(format, ['text', 'markdown'])}`);
  const dir = values.dir ?? 'dist';
  const currentFiles = readOutputDirectory(dir);
  const current = manifestDocuments(currentFiles);
  const currentGitOps = gitopsDocuments(currentFiles);
  // How each environment is applied now (Argo CD, Flux or kubectl): which hooks are recreated, as check-upgrade sees it.
  const deliveryOf = deliveries(currentGitOps);
  if (values.since !== undefined) {
    if (positionals.length > 0) throw new UsageError('--since compares every environment: no environment names with it');
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
  if (positionals.length !== 2) throw new UsageError('two environments expected (or --since <git ref>)');
  const [from, to] = positionals;
  const known = [...new Set(current.map((doc) => doc.environment))].sort();
  for (const env of [from, to]) if (!known.includes(env)) throw new UsageError(`no environment ${env} in ${dir}/manifests${didYouMean(env, known)} (there: ${known.join(', ')})`);
  const target = environmentObjects(current, to);
  const { objects, renamed } = alignNamespaces(environmentObjects(current, from), target);
  const manifests = diffObjects(objects, target, objectKeyInEnvironment, deliveryOf);
  // The GitOps objects (AppProject permissions, Applications or Kustomizations), the environment's name aligned.
  const gitops = diffObjects(alignEnvironment(environmentObjects(currentGitOps, from), from, to), environmentObjects(currentGitOps, to), objectKeyInEnvironment, deliveryOf);
  const result = combineDiffs(manifests, gitops);
  const aligned = [...renamed].map(([a, b]) => `${a} as ${b}`).join(', ');
  return { title: `${from} -> ${to}${aligned ? ` (namespaces compared: ${aligned})` : ''}`, result, format };
}

void runCommand(DIFF_COMMAND, process.argv.slice(2), (parsed) => {
  try {
    const { title, result, format } = run(parsed);
    process.stdout.write(format === 'markdown' ? formatMarkdown(title, result) : formatText(title, result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    console.error(`diff: ${(error as Error).message}`);
    return 1;
  }
}).then((code) => {
  process.exitCode = code;
});
