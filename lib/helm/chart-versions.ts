/**
 * Chart versions that order (SemVer 2.0.0): each chart's version is recorded in `charts/versions.yaml`
 * with a digest of the content released under it, and moves forward only by `npm run chart-versions`.
 *
 * Why recorded: a version must increase when the content changes, and a digest alone does not order
 * (`0.1.0+<digest>`: build metadata has no precedence, so Helm repositories cannot tell the newest).
 * A synth whose chart content no longer has the recorded digest writes an unreleased version,
 * `<next patch>-dev.<digest>`: a SemVer pre-release, above the recorded version and below the next
 * one, which Helm lists only with `--devel`; a test (test/helm/chart-version.test.ts) and
 * `npm run chart-versions -- --check` fail on it until the version is bumped. No environment is in any
 * version: every environment's package of one build has the same version, in its own folder
 * (lib/helm/package.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import semver from 'semver';
import { parse, stringify } from 'yaml';

/** A chart's recorded version and the digest of the content released under it. */
export interface RecordedVersion {
  readonly version: string;
  readonly digest: string;
}

/** Recorded versions by chart name. */
export type ChartVersions = ReadonlyMap<string, RecordedVersion>;

/** The version of a chart no version has been recorded for yet (a new application). */
const FIRST_VERSION = '0.1.0';

/** The file of the recorded versions, relative to the project. */
export const VERSIONS_FILE = 'charts/versions.yaml';

/** How much a bump moves a version (SemVer: major for breaking changes, minor for features, patch otherwise). */
export type BumpLevel = 'major' | 'minor' | 'patch';

/**
 * The digest of a chart's content: every file of the chart but Chart.yaml, by path, as 12 hex
 * characters of their SHA-256. `files` maps paths inside the chart folder to their text.
 */
export function chartDigest(files: ReadonlyMap<string, string>): string {
  const digest = createHash('sha256');
  for (const path of [...files.keys()].filter((p) => p !== 'Chart.yaml').sort())
    digest
      .update(path)
      .update('\0')
      .update(files.get(path) as string)
      .update('\0');
  return digest.digest('hex').slice(0, 12);
}

/** The digest of every chart of a synth's output (`synthesize`: paths relative to dist/), by chart name. */
export function chartDigests(output: ReadonlyMap<string, string>): Map<string, string> {
  const byChart = new Map<string, Map<string, string>>();
  for (const [path, content] of output) {
    const match = /^helm\/([^/]+)\/(.+)$/.exec(path);
    if (match) byChart.set(match[1], (byChart.get(match[1]) ?? new Map<string, string>()).set(match[2], content));
  }
  return new Map([...byChart].map(([chart, files]) => [chart, chartDigest(files)]));
}

/**
 * The version a chart's Chart.yaml gets for content of `digest`: the recorded version when the digest is
 * the recorded one, else the unreleased `<next patch>-dev.<digest>` (see the module comment).
 */
export function chartVersion(recorded: RecordedVersion | undefined, digest: string): string {
  if (recorded === undefined) return `${FIRST_VERSION}-dev.${preReleaseId(digest)}`;
  if (recorded.digest === digest) return recorded.version;
  return `${semver.inc(recorded.version, 'patch')}-dev.${preReleaseId(digest)}`;
}

/** Whether a version is one `chartVersion` writes for content that no version was recorded for. */
export function isUnreleased(version: string): boolean {
  return (semver.prerelease(version) ?? [])[0] === 'dev';
}

/** A digest as a SemVer pre-release identifier: one made of digits only may not start with 0. */
function preReleaseId(digest: string): string {
  return /^[0-9]+$/.test(digest) ? `g${digest}` : digest;
}

/**
 * The recorded versions of `file`; none when the file does not exist. Throws, naming the file and
 * chart, on anything but `<chart>: { version: <SemVer>, digest: <12 hex> }` entries.
 */
export function readChartVersions(file: string): ChartVersions {
  if (!existsSync(file)) return new Map();
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message.split('\n')[0]} (take either side of a merge conflict and run npm run chart-versions)`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: expected a map of charts to { version, digest }`);
  const versions = new Map<string, RecordedVersion>();
  for (const [chart, entry] of Object.entries(data)) {
    const { version, digest } = (entry ?? {}) as { version?: unknown; digest?: unknown };
    if (typeof version !== 'string' || semver.valid(version) !== version || semver.prerelease(version) !== null) {
      throw new Error(`${file}: ${chart}.version: expected a release version (SemVer, e.g. 0.1.0), got ${JSON.stringify(version)}`);
    }
    if (typeof digest !== 'string' || !/^[0-9a-f]{12}$/.test(digest)) throw new Error(`${file}: ${chart}.digest: expected 12 hex characters, got ${JSON.stringify(digest)}`);
    versions.set(chart, { version, digest });
  }
  return versions;
}

/** One chart whose version moves. */
export interface VersionChange {
  readonly chart: string;
  /** Undefined for a chart without a recorded version. */
  readonly from?: string;
  readonly to: string;
}

/**
 * The versions after a bump: each chart of `digests` (the content of a synth, by chart) whose digest is
 * not its recorded one gets the next version (`level`, patch by default; `levels` by chart), a new chart
 * 0.1.0; charts no longer synthesized are dropped. Returns the versions and what moved.
 */
export function bumpChartVersions(recorded: ChartVersions, digests: ReadonlyMap<string, string>, levels: ReadonlyMap<string, BumpLevel> = new Map()): { versions: ChartVersions; changes: VersionChange[] } {
  const versions = new Map<string, RecordedVersion>();
  const changes: VersionChange[] = [];
  for (const chart of [...digests.keys()].sort()) {
    const digest = digests.get(chart) as string;
    const before = recorded.get(chart);
    const level = levels.get(chart);
    if (before !== undefined && before.digest === digest && level === undefined) {
      versions.set(chart, before);
      continue;
    }
    const version = before === undefined ? FIRST_VERSION : (semver.inc(before.version, level ?? 'patch') as string);
    versions.set(chart, { version, digest });
    changes.push({ chart, from: before?.version, to: version });
  }
  return { versions, changes };
}

/** The text of charts/versions.yaml: one line per chart, so that merges of two branches conflict per chart. */
export function chartVersionsText(versions: ChartVersions): string {
  const lines = [...versions.keys()].sort().map((chart) => {
    const { version, digest } = versions.get(chart) as RecordedVersion;
    // Flow maps, one per line; the yaml library quotes a digest that YAML would read as a number.
    return `${chart}: ${stringify({ version, digest }, { collectionStyle: 'flow' }).trimEnd()}`;
  });
  return `# The version of each chart (SemVer) and the digest of the content released under it: written by
# \`npm run chart-versions\` after a change to a chart (lib/helm/chart-versions.ts). A synth of other content
# gives the chart an unreleased version (<next patch>-dev.<digest>), which the tests refuse. After a merge
# that conflicts here, take either side and run \`npm run chart-versions\` again.
${lines.join('\n')}
`;
}
