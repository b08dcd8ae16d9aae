/**
 * The README's TypeScript examples compile as pasted. Each ```ts block is preceded by a comment saying
 * where it goes, one of:
 * - `<!-- example: module lib/app/ -->`: a whole module in lib/app/ (its imports relative to that folder);
 * - `<!-- example: charts/app-chart.ts, end of AppChart's constructor -->`: statements pasted at the end
 *   of the application chart's constructor, their imports added to the file's.
 * The test writes each into a scratch copy beside the file it belongs to (so relative imports resolve as
 * they would for a reader) and type-checks them all with the project's tsc and compiler options; a block
 * without such a comment fails the test, so no example escapes it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../support/helm';

interface Example {
  /** Line of the README where the block's code starts (1-based). */
  readonly line: number;
  readonly where: string;
  readonly code: string;
}

const MODULE = 'module lib/app/';
const APP_CHART = "charts/app-chart.ts, end of AppChart's constructor";

function examples(readme: string): Example[] {
  const lines = readme.split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    const marker = lines
      .slice(Math.max(0, i - 3), i)
      .map((line) => /^<!-- example: (.+) -->$/.exec(line)?.[1])
      .find((where) => where !== undefined);
    found.push({ line: i + 2, where: marker ?? '', code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

/** The block's import statements and the rest. */
function split(code: string): { imports: string[]; body: string[] } {
  const imports: string[] = [];
  const body: string[] = [];
  for (const line of code.split('\n')) (/^import .* from '[^']+';$/.test(line) ? imports : body).push(line);
  return { imports, body };
}

/** The block pasted at the end of AppChart's constructor, its imports after the file's. */
function inAppChart(code: string): string {
  const lines = readFileSync(join(projectRoot, 'charts', 'app-chart.ts'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('  constructor('));
  const end = lines.findIndex((line, i) => i > start && line === '  }');
  const lastImport = lines.reduce((last, line, i) => (line.startsWith('import ') ? i : last), -1);
  expect(start, 'AppChart has a constructor').toBeGreaterThan(0);
  const { imports, body } = split(code);
  return [...lines.slice(0, lastImport + 1), ...imports, ...lines.slice(lastImport + 1, end), ...body.map((line) => `    ${line}`), ...lines.slice(end)].join('\n');
}

it("the README's TypeScript examples compile as pasted", { timeout: 120_000 }, () => {
  const found = examples(readFileSync(join(projectRoot, 'README.md'), 'utf8'));
  expect(found.length).toBeGreaterThanOrEqual(2);
  for (const example of found) expect([MODULE, APP_CHART], `README.md:${example.line}: a TypeScript block needs <!-- example: ... --> before it`).toContain(example.where);
  const files = found.map((example, i) => {
    const [folder, text] = example.where === MODULE ? ['lib/app', example.code] : ['charts', inAppChart(example.code)];
    const file = join(projectRoot, folder, `.readme-example-${i}.ts`);
    writeFileSync(file, `${text}\n`);
    return file;
  });
  const config = join(projectRoot, '.readme-examples.tsconfig.json');
  writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', include: [], files: files.map((file) => relative(projectRoot, file)) }));
  try {
    const tsc = spawnSync(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', config], { cwd: projectRoot, encoding: 'utf8' });
    // Errors named by the README line of their block.
    const errors = (tsc.stdout + tsc.stderr).replace(/\S*\.readme-example-(\d+)\.ts/g, (_, i: string) => `README.md block at line ${found[Number(i)].line}`);
    expect(errors).toBe('');
    expect(tsc.status).toBe(0);
  } finally {
    for (const file of [...files, config]) rmSync(file, { force: true });
  }
});
