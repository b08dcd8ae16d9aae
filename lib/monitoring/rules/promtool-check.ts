/**
 * The rules written in values (extra-rules.ts) checked at synth time by the real promtool (`promtool
 * check rules`): PromQL, templates of the annotations, durations, names. One promtool run checks every
 * release's rule file (one file per release; a file's line N+1 is its group N); each problem is
 * reported at the values path of the rule (the platform's `monitoring.rules.groups[g].rules[r]`, or an
 * application's `metrics.rules[r]`), with promtool's own words. A set of files promtool accepted is
 * remembered by its digest (in the system's temporary folder), so an unchanged synth does not run it.
 *
 * promtool is found as $PROMTOOL or on PATH (Debian package `prometheus`). Without it, the expressions
 * are parsed with the Prometheus project's PromQL grammar (@prometheus-io/lezer-promql) instead, which
 * checks their syntax only; synth says so once on stderr.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** One release's rule file, and where its groups come from in the values. */
export interface RuleFileToCheck {
  /** A file name for promtool (the environment). */
  readonly name: string;
  readonly text: string;
  /** The groups of the file, in order: the values path of each, and of its rules. */
  readonly groups: ReadonlyArray<{ readonly name: string; readonly exprs: readonly string[]; readonly at: (rule?: number) => RuleLocation }>;
}

/** Where a rule is written: the release, the values path, and the places to look for it (as `located` takes them). */
export interface RuleLocation {
  readonly environment: string;
  readonly path: Array<string | number>;
  readonly prefixes: ReadonlyArray<readonly string[]>;
}

export interface RuleProblem extends RuleLocation {
  readonly message: string;
}

function promtoolBinary(): string | undefined {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, 'promtool'), constants.X_OK);
      return join(dir, 'promtool');
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** promtool's line for a file: `<file>: [<line>:<col>: ][group "<g>", rule <n>, "<name>": ]<message>`. */
const PROBLEM_LINE = /^(?<file>[^:\s]+\.yaml): (?:\d+:\d+: )?(?:group "(?<group>[^"]*)", rule (?<rule>\d+), "[^"]*": )?(?<message>.+)$/;

/** The field of a rule a promtool message is about, when it says. */
function fieldOf(message: string): Array<string | number> {
  if (message.startsWith('could not parse expression')) return ['expr'];
  const annotation = /^annotation "([^"]+)"/.exec(message);
  if (annotation) return ['annotations', annotation[1]];
  const label = /^label "([^"]+)"/.exec(message);
  if (label) return ['labels', label[1]];
  if (message.startsWith('invalid recording rule name')) return ['record'];
  return [];
}

let warned = false;

/** The problems of the rule files, or none; `warn` receives the one note when promtool is missing. */
export function checkRuleFiles(files: readonly RuleFileToCheck[], warn: (note: string) => void = (note) => process.stderr.write(`${note}\n`)): RuleProblem[] {
  const checked = files.filter((file) => file.groups.length > 0);
  if (checked.length === 0) return [];
  const binary = promtoolBinary();
  if (!binary) {
    if (!warned) warn('synth: promtool not found ($PROMTOOL or PATH; Debian package prometheus): the rules written in values are checked with the PromQL grammar only');
    warned = true;
    return grammarProblems(checked);
  }
  const digest = createHash('sha256')
    .update(JSON.stringify(checked.map((file) => [file.name, file.text])))
    .digest('hex');
  const cache = join(tmpdir(), 'platform-cdk8s-promtool');
  if (existsSync(join(cache, digest))) return [];
  const dir = mkdtempSync(join(tmpdir(), 'rules-check-'));
  try {
    for (const file of checked) writeFileSync(join(dir, `${file.name}.yaml`), file.text);
    const result = spawnSync(binary, ['check', 'rules', ...checked.map((file) => `${file.name}.yaml`)], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (result.error) throw result.error;
    if (result.status === 0) {
      mkdirSync(cache, { recursive: true });
      writeFileSync(join(cache, digest), '');
      return [];
    }
    return promtoolProblems(`${result.stdout}\n${result.stderr}`, checked);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function promtoolProblems(output: string, files: readonly RuleFileToCheck[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const line of output.split('\n').map((l) => l.trim())) {
    const match = PROBLEM_LINE.exec(line)?.groups;
    const file = match && files.find((f) => `${f.name}.yaml` === match.file);
    if (!match || !file) continue;
    const group = file.groups.find((g) => g.name === match.group) ?? file.groups[0];
    const where = match.rule ? group.at(Number(match.rule) - 1) : group.at();
    problems.push({ ...where, path: [...where.path, ...(match.rule ? fieldOf(match.message) : [])], message: `promtool: ${match.message}` });
  }
  // promtool failed on something this module did not read: say so rather than pass it.
  if (problems.length === 0) problems.push({ ...files[0].groups[0].at(), message: `promtool check rules failed: ${output.trim().split('\n').slice(-3).join(' ')}` });
  return problems;
}

function grammarProblems(files: readonly RuleFileToCheck[]): RuleProblem[] {
  // Loaded only here: most synths have promtool, and the grammar is not part of the bundle.
  const { parser } = require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql');
  const problems: RuleProblem[] = [];
  for (const file of files) {
    for (const group of file.groups) {
      group.exprs.forEach((expr, r) => {
        let error = -1;
        parser.parse(expr).iterate({
          enter: (node) => {
            if (node.type.isError && error < 0) error = node.from;
          },
        });
        if (error >= 0) {
          const where = group.at(r);
          problems.push({ ...where, path: [...where.path, 'expr'], message: `could not parse expression at character ${error + 1} (PromQL grammar; promtool was not found)` });
        }
      });
    }
  }
  return problems;
}
