// @ts-check
/**
 * The one command-line parser of every entry: synth (main.ts), validate, package, check-upgrade, diff
 * (cli/), and the scripts build, import:crds, setup:tools and bench. Each entry describes its options
 * once (a CommandSpec); this module parses with Node's util.parseArgs (strict: unknown options and
 * surplus arguments are errors), and gives every entry the same behaviour:
 * - `--help` / `-h` anywhere: the help on stdout, exit code 0, nothing else done (checked before any
 *   other argument, so `import:crds --help` regenerates nothing and `bench --help` runs nothing);
 * - a mistake: one line `<name>: <what is wrong>` on stderr, with "did you mean" for a misspelt option or
 *   name (Levenshtein distance from fastest-levenshtein), then the usage line; exit code 1 (validate: 2).
 *
 * CommonJS, typed with JSDoc (command-line.d.cts): the TypeScript entries are bundled by esbuild, the
 * .mjs scripts load it as it is (they run before anything is built).
 */
const { parseArgs } = require('node:util');
const { distance } = require('fastest-levenshtein');

/** A mistake in the command line: reported with the usage line. */
class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The closest of `candidates` to `word` (case ignored), when close enough to be a slip, else undefined:
 * an edit distance (Levenshtein) of at most a third of the word's length (at least 1), two swapped
 * letters, or a long common start (`replicas` for `replicaCount`, `imag` for `image`: at least 4
 * letters, and all but the last two of the word; `namespace` is not `name`). The nearest by edit distance wins.
 * @param {string} word
 * @param {Iterable<string>} candidates
 * @returns {string | undefined}
 */
function closest(word, candidates) {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (candidate === word) continue;
    const d = distance(lower, other);
    const swapped = lower.length === other.length && [...lower].sort().join('') === [...other].sort().join('') && d <= 2;
    let common = 0;
    while (common < lower.length && lower[common] === other[common]) common += 1;
    const sameStart = common >= 4 && common >= lower.length - 2;
    if ((d <= limit || swapped || sameStart) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * ` (did you mean X?)` for the closest candidate, or '' when none is close.
 * @param {string} word
 * @param {Iterable<string>} candidates
 */
function didYouMean(word, candidates) {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` (did you mean ${match}?)`;
}

/** @param {import('./command-line.cjs').CommandSpec} spec */
function optionsOf(spec) {
  return { ...spec.options, help: { type: /** @type {const} */ ('boolean'), short: 'h', description: 'print this help and exit' } };
}

/**
 * The usage line: `usage: npm run synth -- [--values DIR] ...`.
 * @param {import('./command-line.cjs').CommandSpec} spec
 */
function usageLine(spec) {
  const options = Object.entries(spec.options).map(([name, option]) => {
    const value = option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : '';
    return `[--${name}${value}]${option.multiple ? '...' : ''}`;
  });
  const positionals = (spec.positionals ?? []).map((p) => {
    const word = `${p.name}${p.multiple ? '...' : ''}`;
    return p.required ? word : `[${word}]`;
  });
  const words = [...options, ...positionals];
  return words.length === 0 ? `usage: ${spec.invocation.replace(/ --$/, '')}` : `usage: ${spec.invocation} ${words.join(' ')}`;
}

/**
 * The help: usage line, summary, one line per argument and option, then the notes.
 * @param {import('./command-line.cjs').CommandSpec} spec
 */
function helpText(spec) {
  const rows = [
    ...(spec.positionals ?? []).map((p) => [`${p.name}${p.multiple ? '...' : ''}`, p.description]),
    ...Object.entries(optionsOf(spec)).map(([name, option]) => {
      const short = option.short ? `-${option.short}, ` : '';
      const value = option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : '';
      return [`${short}--${name}${value}`, option.description];
    }),
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const body = rows.map(([left, right]) => `  ${left.padEnd(width)}${right.split('\n').join(`\n  ${' '.repeat(width)}`)}`);
  return [usageLine(spec), '', spec.summary, '', ...body, ...(spec.notes ? ['', spec.notes] : [])].join('\n');
}

/**
 * Parses `argv` (without node and the script) by `spec`. Returns `{ help: true }` when help is asked
 * for (whatever else is given), else the option values and positionals. Throws a UsageError for an
 * unknown option (with the closest one), a missing value, a surplus argument.
 * @param {import('./command-line.cjs').CommandSpec} spec
 * @param {readonly string[]} argv
 * @returns {import('./command-line.cjs').Parsed}
 */
function parseCommandLine(spec, argv) {
  // Help first, before anything else is looked at (before `--`, which ends the options).
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')) return { help: true };
  const options = optionsOf(spec);
  const positionals = spec.positionals ?? [];
  const allowPositionals = positionals.length > 0;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals,
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }])),
    });
  } catch (error) {
    throw new UsageError(describeParseError(/** @type {Error & { code?: string }} */ (error), Object.keys(options), allowPositionals));
  }
  const values = /** @type {Record<string, string | boolean | string[] | undefined>} */ (parsed.values);
  for (const [name, option] of Object.entries(spec.options)) {
    const value = values[name];
    const empty = option.type === 'string' && (value === '' || (Array.isArray(value) && value.includes('')));
    if (empty) throw new UsageError(`--${name} needs a value${option.value ? ` (${option.value})` : ''}`);
  }
  const given = parsed.positionals;
  const most = positionals.some((p) => p.multiple) ? Number.POSITIVE_INFINITY : positionals.length;
  const least = positionals.filter((p) => p.required).length;
  if (given.length > most) throw new UsageError(`unexpected argument ${given[most]}${most === 0 ? ' (options only)' : ''}`);
  if (given.length < least) throw new UsageError(`${positionals[given.length].name} is missing`);
  return { help: false, values, positionals: given };
}

/**
 * util.parseArgs messages in our words.
 * @param {Error & { code?: string }} error
 * @param {string[]} known
 * @param {boolean} allowPositionals
 */
function describeParseError(error, known, allowPositionals) {
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const option = quoted ?? error.message;
      const name = option.replace(/^-+/, '').replace(/=.*$/, '');
      return `unknown option ${option}${didYouMean(name, known).replace(/mean (\S+)\?/, 'mean --$1?')}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? error.message}${allowPositionals ? '' : ' (options only)'}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const missing = /^Option '(?:-\w, )?(--[^ ']+)[^']*' argument missing$/.exec(error.message);
      if (missing) return `${missing[1]} needs a value`;
      const flag = /^Option '(?:-\w, )?(--[^ ']+)' does not take an argument$/.exec(error.message);
      return flag ? `${flag[1]} takes no value` : error.message;
    }
    default:
      return error.message;
  }
}

/**
 * Runs an entry: parses, prints the help (exit code 0) or a usage error (the entry's usage exit code),
 * otherwise calls `main` with the parsed command line and returns its exit code. Errors `main` throws
 * that are UsageErrors are reported the same way; others are thrown on.
 * @param {import('./command-line.cjs').CommandSpec} spec
 * @param {readonly string[]} argv
 * @param {(parsed: import('./command-line.cjs').ParsedCommand) => number | Promise<number>} main
 * @returns {Promise<number>}
 */
async function runCommand(spec, argv, main) {
  let parsed;
  try {
    parsed = parseCommandLine(spec, argv);
    if (parsed.help) {
      process.stdout.write(`${helpText(spec)}\n`);
      return 0;
    }
    return await main(parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    reportUsageError(spec, error);
    return spec.usageExitCode ?? 1;
  }
}

/**
 * `<name>: <message>` and the usage line on stderr.
 * @param {import('./command-line.cjs').CommandSpec} spec
 * @param {Error} error
 */
function reportUsageError(spec, error) {
  process.stderr.write(`${spec.name}: ${error.message}\n${usageLine(spec)}  (--help for details)\n`);
}

/**
 * For scripts that run at the top level: the parsed command line, or, for `--help` or a mistake, the
 * help or the error printed and the process ended (exit code 0 or the usage exit code).
 * @param {import('./command-line.cjs').CommandSpec} spec
 * @param {readonly string[]} argv
 * @returns {import('./command-line.cjs').ParsedCommand}
 */
function commandLineOrExit(spec, argv) {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (!parsed.help) return parsed;
    process.stdout.write(`${helpText(spec)}\n`);
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    reportUsageError(spec, error);
    process.exit(spec.usageExitCode ?? 1);
  }
}

module.exports = { UsageError, closest, commandLineOrExit, didYouMean, reportUsageError, runCommand };
