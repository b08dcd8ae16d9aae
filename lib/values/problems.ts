/** One problem in the values: where it is and what was expected. */
export interface Problem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted YAML path within the file, e.g. applications.api.image.tag. */
  readonly path: string;
  readonly message: string;
}

function formatProblem(problem: Problem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Thrown when values are invalid; carries every problem found, not just the first. */
export class ValuesError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ValuesError';
  }
}

export function dottedPath(path: readonly (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** The same problem reached twice (e.g. inherited from `defaults` by several applications) is reported once. */
export function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Map<string, Problem>();
  for (const p of problems) seen.set(`${p.file}:${p.line}:${p.path}:${p.message}`, p);
  return [...seen.values()];
}
