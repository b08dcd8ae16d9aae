/**
 * The command line of `npm run synth` (main.ts), parsed with Node's util.parseArgs and checked before
 * anything is read or written: every mistake is a UsageError with one clear message.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run synth -- [--values DIR] [--out DIR] [--env NAME[,NAME...]] [--quiet]

  --values DIR  the values: DIR/base.yaml and one DIR/<env>.yaml per environment (default: values)
  --out DIR     the output folder, replaced as a whole (default: dist, or $CDK8S_OUTDIR)
  --env NAMES   only these environments (comma-separated, or --env repeated), for a preview: needs an
                --out other than the default output, whose other environments it would delete
  -q, --quiet   print nothing but problems (no summary of the objects added, changed and removed)
  -h, --help    print this help and exit`;

/** A mistake in the command line (not in the values): reported with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type SynthCommand =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly valuesDir: string;
      readonly outDir: string;
      /** Only these environments; undefined: every environment with a file. */
      readonly environments?: readonly string[];
      /** No summary at the end. */
      readonly quiet: boolean;
    };

/**
 * Parses and checks the arguments. `--env=qa` and `--env qa` are the same; unknown options and
 * positional arguments are refused; --values must be a folder; --out must be a folder or not exist;
 * --env into the default output is refused (it would delete the environments not listed).
 */
export function parseSynthCommandLine(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): SynthCommand {
  let values: { values?: string; out?: string; env?: string[]; help?: boolean; quiet?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        values: { type: 'string' },
        out: { type: 'string' },
        env: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        quiet: { type: 'boolean', short: 'q' },
      },
    }));
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
  if (values.help) return { help: true };

  const defaultOut = resolve(cwd, env.CDK8S_OUTDIR || 'dist');
  const valuesDir = resolve(cwd, nonEmpty('--values', values.values) ?? 'values');
  const outDir = resolve(cwd, nonEmpty('--out', values.out) ?? defaultOut);
  const environments = values.env?.flatMap((item) => item.split(',')).map((name) => name.trim());

  const valuesKind = kindOf(valuesDir);
  if (valuesKind !== 'directory') throw new UsageError(`--values ${shown(cwd, valuesDir)}: ${valuesKind === 'missing' ? 'no such folder' : 'not a folder'}`);
  if (kindOf(outDir) === 'other') throw new UsageError(`--out ${shown(cwd, outDir)}: not a folder (the output folder is replaced as a whole; choose another --out)`);
  refuseForeignOutput(cwd, outDir, valuesDir);
  if (environments !== undefined) {
    const bad = environments.find((name) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name));
    if (bad !== undefined) throw new UsageError(`--env ${JSON.stringify(bad)}: expected an environment name (a DNS label such as dev), or several separated by commas`);
    if (outDir === defaultOut || outDir === resolve(cwd, 'dist')) {
      throw new UsageError(
        `--env writes only the environments listed, and ${shown(cwd, outDir)}/ is replaced as a whole: the other environments would be deleted. ` +
          'Preview into another folder (--out /tmp/preview), or run without --env',
      );
    }
  }
  return { help: false, valuesDir, outDir, environments: environments && [...new Set(environments)], quiet: values.quiet === true };
}

/** What an output folder of the synth holds; anything else there was not written by it. */
const OUTPUT_ENTRIES = new Set(['manifests', 'helm', 'environments']);

/**
 * The output folder is replaced as a whole, so it must be a folder of its own: not one that holds the
 * working folder or the values, and, when it exists, empty or an earlier output (manifests/, helm/, environments/).
 * Throws a UsageError otherwise; nothing is deleted that the synth did not write.
 */
function refuseForeignOutput(cwd: string, outDir: string, valuesDir: string): void {
  const holds = (parent: string, child: string) => {
    const inside = relative(parent, child);
    return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
  };
  const replaced = `the output folder is replaced as a whole: choose a folder of its own (--out /tmp/preview, or the default dist)`;
  if (holds(outDir, cwd)) throw new UsageError(`--out ${shown(cwd, outDir)}: holds the working folder; ${replaced}`);
  if (holds(outDir, valuesDir)) throw new UsageError(`--out ${shown(cwd, outDir)}: holds the values (${shown(cwd, valuesDir)}); ${replaced}`);
  if (kindOf(outDir) !== 'directory') return;
  const foreign = readdirSync(outDir).filter((entry) => !OUTPUT_ENTRIES.has(entry));
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', ...' : '');
    throw new UsageError(`--out ${shown(cwd, outDir)}: holds ${listed}, which npm run synth did not write; ${replaced}, or empty this one`);
  }
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`${option} needs a folder`);
  return value;
}

function kindOf(path: string): 'missing' | 'directory' | 'other' {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? 'missing' : stats.isDirectory() ? 'directory' : 'other';
}

/** A path relative to the working directory when inside it, else absolute. */
function shown(cwd: string, path: string): string {
  const inside = relative(cwd, path);
  return inside === '' ? '.' : inside.startsWith('..') ? path : inside;
}

/** util.parseArgs messages, shortened to what a user needs. */
function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? error.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? error.message} (options only)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.replace(/^Option '([^' ]*)[^']*' argument missing$/, '$1 needs a value');
    default:
      return error.message;
  }
}
