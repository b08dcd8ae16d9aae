/**
 * `npm run chart-versions [-- --values DIR] [--check] [--minor CHART] [--major CHART] [CHART...]`: records
 * the next version of every chart whose content changed since its recorded version (charts/versions.yaml,
 * lib/helm/chart-versions.ts): a patch bump, or minor or major for the charts named so; a chart named
 * alone is bumped (patch) even if unchanged. `--check` changes nothing and exits 1 when a chart's content
 * has no recorded version. Run `npm run synth` afterwards to write the versions into dist/.
 */
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { synthesize } from '../charts/platform';
import { type CommandSpec, type ParsedCommand, UsageError, didYouMean, runCommand } from '../lib/cli/command-line.cjs';
import { type BumpLevel, VERSIONS_FILE, bumpChartVersions, chartDigests, chartVersionsText, readChartVersions } from '../lib/helm/chart-versions';
import { ValuesError } from '../lib/values/problems';

const CHART_VERSIONS_COMMAND: CommandSpec = {
  name: 'chart-versions',
  invocation: 'npm run chart-versions --',
  summary: `Records the next SemVer of every chart whose content changed since its recorded version (${VERSIONS_FILE}); run npm run synth afterwards.`,
  positionals: [{ name: 'CHART', description: 'a chart to bump (patch) even if unchanged', multiple: true }],
  options: {
    values: { type: 'string', value: 'DIR', description: 'the values folder (default: values)' },
    check: { type: 'boolean', description: 'change nothing: exit 1 when a chart’s content has no recorded version' },
    minor: { type: 'string', value: 'CHART', multiple: true, description: 'bump this chart’s minor version' },
    major: { type: 'string', value: 'CHART', multiple: true, description: 'bump this chart’s major version' },
  },
  notes: 'Exit code 0 when written or up to date; 1 for a usage error, refused values or (--check) a chart without its version.',
};

interface Options {
  readonly values: string;
  readonly check: boolean;
  readonly levels: Map<string, BumpLevel>;
}

function optionsOf(parsed: ParsedCommand): Options {
  const values = parsed.values as { values?: string; check?: boolean; minor?: string[]; major?: string[] };
  const levels = new Map<string, BumpLevel>();
  for (const chart of parsed.positionals) levels.set(chart, 'patch');
  for (const chart of values.minor ?? []) levels.set(chart, 'minor');
  for (const chart of values.major ?? []) levels.set(chart, 'major');
  return { values: values.values ?? 'values', check: values.check === true, levels };
}

function main(parsed: ParsedCommand): number {
  try {
    const options = optionsOf(parsed);
    const file = resolve(VERSIONS_FILE);
    const recorded = readChartVersions(file);
    const digests = chartDigests(synthesize({ valuesDir: resolve(options.values) }));
    for (const chart of options.levels.keys()) {
      if (!digests.has(chart)) throw new UsageError(`no chart ${chart}${didYouMean(chart, digests.keys())} (charts: ${[...digests.keys()].join(', ')})`);
    }
    const { versions, changes } = bumpChartVersions(recorded, digests, options.check ? new Map() : options.levels);
    if (options.check) {
      for (const { chart, from } of changes) {
        console.error(`chart-versions: ${chart}: ${from === undefined ? 'no version recorded' : `its content changed since ${from}`}: run npm run chart-versions`);
      }
      return changes.length > 0 || versions.size !== recorded.size ? 1 : 0;
    }
    // Atomic (a temporary file renamed over it): an interrupted run leaves the previous record whole.
    writeFileAtomic.sync(file, chartVersionsText(versions));
    for (const { chart, from, to } of changes) console.log(`chart-versions: ${chart} ${from ?? '(new)'} -> ${to}`);
    console.log(changes.length > 0 ? `chart-versions: wrote ${VERSIONS_FILE}; run npm run synth to write the versions into dist/` : 'chart-versions: every chart has the version of its content');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    console.error(error instanceof ValuesError ? error.message : `chart-versions: ${(error as Error).message}`);
    return 1;
  }
}

void runCommand(CHART_VERSIONS_COMMAND, process.argv.slice(2), main).then((code) => {
  process.exitCode = code;
});
