/**
 * Where an unresolved reference comes from in the values files (lib/references/resolve.ts finds it
 * in the objects): the values path whose value is the referenced name, in the chart's values of that
 * environment (an application's merged `defaults` and `applications.<name>`, or `monitoring`), at the
 * line of the file that sets it; a reference the code makes by itself (no value holds the name) is
 * located where it would be declared under `prerequisites`. The message always names the object and
 * field that hold the reference.
 */
import { type EnvironmentValues, located } from '../values/load';
import { type Problem, dottedPath } from '../values/problems';
import { locate } from '../values/source';
import type { ReferenceFinding } from './resolve';

/** A chart's values in one environment and the prefixes its paths have in the values files. */
export interface ChartValues {
  readonly values: unknown;
  readonly prefixes: readonly (readonly string[])[];
}

/** Keys whose values are names of other objects: preferred when a name appears at several paths. */
const NAME_KEY = /(^name$|Name$|^secretName$|^storageLocation$|^namespace$|^className$)/;

/** The paths of `values` whose leaf is the string `value`, names first. */
function valuePaths(values: unknown, value: string): (string | number)[][] {
  const found: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (node === value) found.push(path);
    else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, [...path, i]);
    } else if (node !== null && typeof node === 'object') for (const [key, item] of Object.entries(node)) walk(item, [...path, key]);
  };
  walk(values, []);
  const named = (path: (string | number)[]) => NAME_KEY.test(String([...path].reverse().find((key) => typeof key === 'string') ?? ''));
  return [...found.filter(named), ...found.filter((path) => !named(path))];
}

/** The findings of one environment as problems with file, line and values path. */
export function locateFindings(findings: readonly ReferenceFinding[], env: EnvironmentValues, valuesOf: (chart: string) => ChartValues | undefined): Problem[] {
  return findings.flatMap((finding) => {
    const chart = finding.chart === undefined ? undefined : valuesOf(finding.chart);
    const path = chart && finding.value !== undefined ? valuePaths(chart.values, finding.value)[0] : undefined;
    if (chart && path) return located([{ path, message: finding.message }], env.files, chart.prefixes);
    return [declaredAt(finding, env)];
  });
}

/**
 * Where a finding about a declaration goes: the declaration itself where a file has it (a version too
 * old, in base.yaml or the overlay), else the environment's own file, at the nearest part of the path it
 * has (the need is the environment's: its file is where to declare it).
 */
function declaredAt(finding: ReferenceFinding, env: EnvironmentValues): Problem {
  for (const file of [...env.files].reverse()) {
    const position = locate(file, finding.declare);
    if (position) return { file: file.path, ...position, path: dottedPath(finding.declare), message: finding.message };
  }
  const overlay = env.files[env.files.length - 1];
  return located([{ path: [...finding.declare], message: finding.message }], [overlay], [])[0];
}
