/** Types of command-line.cjs (the one command-line parser of every entry; see there). */

/** One option: `--name VALUE` (string) or `--name` (boolean). */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One letter: `-q` for `--quiet`. */
  readonly short?: string;
  /** May be given several times (the values come as a list). */
  readonly multiple?: boolean;
  /** The value's placeholder in the help: DIR, NAME, ... */
  readonly value?: string;
  readonly description: string;
}

/** An argument that is not an option. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Any number of them (only the last positional). */
  readonly multiple?: boolean;
}

/** What an entry accepts, described once: the parser, the help and the usage line come from it. */
export interface CommandSpec {
  /** The name messages start with: `synth`, `validate`, ... */
  readonly name: string;
  /** How it is run, before its arguments: `npm run synth --`. */
  readonly invocation: string;
  /** One sentence: what the command does. */
  readonly summary: string;
  /** Options by long name (without `help`, which every command has). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals?: readonly PositionalSpec[];
  /** Text after the options in the help. */
  readonly notes?: string;
  /** Exit code of a usage error; default 1. */
  readonly usageExitCode?: number;
}

export interface ParsedCommand {
  readonly help: false;
  /** Option values by long name: string, boolean, string[] (multiple) or undefined (not given). */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export type Parsed = { readonly help: true } | ParsedCommand;

export declare class UsageError extends Error {}

export declare function closest(word: string, candidates: Iterable<string>): string | undefined;
export declare function didYouMean(word: string, candidates: Iterable<string>): string;
export declare function reportUsageError(spec: CommandSpec, error: Error): void;
export declare function commandLineOrExit(spec: CommandSpec, argv: readonly string[]): ParsedCommand;
export declare function runCommand(spec: CommandSpec, argv: readonly string[], main: (parsed: ParsedCommand) => number | Promise<number>): Promise<number>;
