/**
 * The command line of `npm run synth` (main.ts), parsed by the one parser of every entry
 * (lib/cli/command-line.cjs) and checked before anything is read or written: every mistake is a
 * UsageError with one clear message.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type CommandSpec, type ParsedCommand, UsageError, didYouMean } from '../cli/command-line.cjs';
import { pathKind } from '../cli/file-kinds';
import { CDK8S_MANIFEST_FILE } from './cdk8s-output';
import { displayFolder, displayPath } from '../cli/paths';

export const SYNTH_COMMAND: CommandSpec = {
  name: 'synth',
  invocation: 'npm run synth --',
  summary: "Writes the plain manifests, the Helm charts and each environment's README, network picture and GitOps objects from the values.",
  options: {
    values: { type: 'string', value: 'DIR', description: 'the values: DIR/base.yaml and one DIR/<env>.yaml per environment (default: values)' },
    out: { type: 'string', value: 'DIR', description: 'the output folder, replaced as a whole (default: dist; under cdk8s synth, $CDK8S_OUTDIR gets\nthe plain manifests only, as platform.k8s.yaml)' },
    env: {
      type: 'string',
      value: 'NAME[,NAME...]',
      multiple: true,
      description: 'only these environments (comma-separated, or --env repeated), for a preview: needs an\n--out other than the default output, whose other environments it would delete',
    },
    quiet: { type: 'boolean', short: 'q', description: 'print nothing but problems (no summary of the objects added, changed and removed)' },
  },
  notes: 'Another run on the same output waits for it (at most OUTPUT_LOCK_WAIT_SECONDS, default 600).',
};

export interface SynthCommand {
  readonly valuesDir: string;
  readonly outDir: string;
  /** Only these environments; undefined: every environment with a file. */
  readonly environments?: readonly string[];
  /** No summary at the end. */
  readonly quiet: boolean;
  /** Run by `cdk8s synth` (CDK8S_OUTDIR set, no --out): only the plain manifests, as one file (lib/synth/cdk8s-output.ts). */
  readonly cdk8s: boolean;
}

/**
 * Checks the parsed arguments. `--env=qa` and `--env qa` are the same; --values must be a folder; --out
 * must be a folder or not exist (special files and /proc refused by type); --env names must have a
 * values file (with "did you mean"); --env into the default output is refused (it would delete the
 * environments not listed).
 */
export function synthCommand(parsed: ParsedCommand, cwd: string, env: NodeJS.ProcessEnv): SynthCommand {
  const values = parsed.values as { values?: string; out?: string; env?: string[]; quiet?: boolean };
  const cdk8s = values.out === undefined && Boolean(env.CDK8S_OUTDIR);
  const defaultOut = resolve(cwd, env.CDK8S_OUTDIR || 'dist');
  const valuesDir = resolve(cwd, values.values ?? 'values');
  const outDir = resolve(cwd, values.out ?? defaultOut);
  const environments = values.env?.flatMap((item) => item.split(',')).map((name) => name.trim());

  const valuesKind = pathKind(valuesDir);
  if (valuesKind.kind !== 'directory') {
    throw new UsageError(`--values ${displayPath(valuesDir, cwd)}: ${valuesKind.kind === 'missing' ? 'no such folder' : valuesKind.kind === 'refused' ? valuesKind.reason : 'not a folder'}`);
  }
  const outKind = pathKind(outDir);
  if (outKind.kind === 'file') throw new UsageError(`--out ${displayPath(outDir, cwd)}: not a folder (the output folder is replaced as a whole; choose another --out)`);
  if (outKind.kind === 'refused') throw new UsageError(`--out ${displayPath(outDir, cwd)}: ${outKind.reason}; choose another --out`);
  refuseForeignOutput(cwd, outDir, valuesDir, cdk8s);
  if (environments !== undefined) {
    const bad = environments.find((name) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name));
    if (bad !== undefined) throw new UsageError(`--env ${JSON.stringify(bad)}: expected an environment name (a DNS label such as dev), or several separated by commas`);
    const known = environmentFiles(valuesDir);
    const unknown = environments.find((name) => !known.includes(name));
    if (unknown !== undefined) {
      throw new UsageError(`--env ${unknown}: no ${displayPath(resolve(valuesDir, `${unknown}.yaml`), cwd)}${didYouMean(unknown, known)} (environments: ${known.join(', ') || 'none'})`);
    }
    if (!cdk8s && (outDir === defaultOut || outDir === resolve(cwd, 'dist'))) {
      throw new UsageError(
        `--env writes only the environments listed, and ${displayFolder(outDir, cwd)} is replaced as a whole: the other environments would be deleted. ` +
          'Preview into another folder (--out /tmp/preview), or run without --env',
      );
    }
  }
  return { valuesDir, outDir, environments: environments && [...new Set(environments)], quiet: values.quiet === true, cdk8s };
}

/** The environments with a values file in `valuesDir` (base.yaml aside). */
function environmentFiles(valuesDir: string): string[] {
  return readdirSync(valuesDir)
    .filter((name) => name.endsWith('.yaml') && name !== 'base.yaml')
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

/** What an output folder of the synth holds; anything else there was not written by it. */
const OUTPUT_ENTRIES = new Set(['manifests', 'helm', 'environments']);

/**
 * The output folder is replaced as a whole, so it must be a folder of its own: not one that holds the
 * working folder or the values, and, when it exists, empty or an earlier output (manifests/, helm/, environments/).
 * Throws a UsageError otherwise; nothing is deleted that the synth did not write.
 */
function refuseForeignOutput(cwd: string, outDir: string, valuesDir: string, cdk8s: boolean): void {
  const holds = (parent: string, child: string) => {
    const inside = relative(parent, child);
    return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
  };
  const replaced = `the output folder is replaced as a whole: choose a folder of its own (--out /tmp/preview, or the default dist)`;
  if (holds(outDir, cwd)) throw new UsageError(`--out ${displayPath(outDir, cwd)}: holds the working folder; ${replaced}`);
  if (holds(outDir, valuesDir)) throw new UsageError(`--out ${displayPath(outDir, cwd)}: holds the values (${displayPath(valuesDir, cwd)}); ${replaced}`);
  if (pathKind(outDir).kind !== 'directory') return;
  let entries: string[];
  try {
    entries = readdirSync(outDir);
  } catch (error) {
    // Its entries cannot be listed (EACCES: a folder of another user without read permission): said, not thrown.
    const stats = statSync(outDir);
    throw new UsageError(
      `--out ${displayPath(outDir, cwd)}: cannot be read by this user (${(error as NodeJS.ErrnoException).code ?? 'error'}; uid ${process.getuid?.() ?? '?'}, it belongs to uid ${stats.uid}, mode ${(stats.mode & 0o7777).toString(8)}); give it back to this user or choose another output folder (--out)`,
    );
  }
  const foreign = entries.filter((entry) => !(cdk8s ? entry === CDK8S_MANIFEST_FILE : OUTPUT_ENTRIES.has(entry)));
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', ...' : '');
    throw new UsageError(`--out ${displayPath(outDir, cwd)}: holds ${listed}, which npm run synth did not write; ${replaced}, or empty this one`);
  }
}
