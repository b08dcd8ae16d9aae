/**
 * `npm run chart-versions [-- --values DIR] [--check] [--minor CHART] [--major CHART] [CHART...]`: records
 * the next version of every chart whose content changed since its recorded version (charts/versions.yaml,
 * lib/helm/chart-versions.ts): a patch bump, or minor or major for the charts named so; a chart named
 * alone is bumped (patch) even if unchanged. `--check` changes nothing and exits 1 when a chart's content
 * has no recorded version. Run `npm run synth` afterwards to write the versions into dist/.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { synthesize } from '../charts/platform';
import { type BumpLevel, VERSIONS_FILE, bumpChartVersions, chartDigests, chartVersionsText, readChartVersions } from '../lib/helm/chart-versions';
import { ValuesError } from '../lib/values/problems';

const USAGE = 'usage: chart-versions [--values DIR] [--check] [--minor CHART] [--major CHART] [CHART...]';

interface Options {
  readonly values: string;
  readonly check: boolean;
  readonly levels: Map<string, BumpLevel>;
}

function parseArgs(argv: readonly string[]): Options {
  let values = 'values';
  let check = false;
  const levels = new Map<string, BumpLevel>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--check') check = true;
    else if (arg === '--values' || arg === '--minor' || arg === '--major') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) throw new Error(`${arg} needs ${arg === '--values' ? 'a directory' : 'a chart name'}\n${USAGE}`);
      if (arg === '--values') values = value;
      else levels.set(value, arg.slice(2) as BumpLevel);
      i += 1;
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else levels.set(arg, 'patch');
  }
  return { values, check, levels };
}

function main(argv: readonly string[]): number {
  try {
    const options = parseArgs(argv);
    const file = resolve(VERSIONS_FILE);
    const recorded = readChartVersions(file);
    const digests = chartDigests(synthesize({ valuesDir: resolve(options.values) }));
    for (const chart of options.levels.keys()) {
      if (!digests.has(chart)) throw new Error(`no chart ${chart} (charts: ${[...digests.keys()].join(', ')})`);
    }
    const { versions, changes } = bumpChartVersions(recorded, digests, options.check ? new Map() : options.levels);
    if (options.check) {
      for (const { chart, from } of changes) {
        console.error(`chart-versions: ${chart}: ${from === undefined ? 'no version recorded' : `its content changed since ${from}`}: run npm run chart-versions`);
      }
      return changes.length > 0 || versions.size !== recorded.size ? 1 : 0;
    }
    writeFileSync(file, chartVersionsText(versions));
    for (const { chart, from, to } of changes) console.log(`chart-versions: ${chart} ${from ?? '(new)'} -> ${to}`);
    console.log(changes.length > 0 ? `chart-versions: wrote ${VERSIONS_FILE}; run npm run synth to write the versions into dist/` : 'chart-versions: every chart has the version of its content');
    return 0;
  } catch (error) {
    console.error(error instanceof ValuesError ? error.message : `chart-versions: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
