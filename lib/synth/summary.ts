/**
 * The summary `npm run synth` ends with: per environment and chart, the objects (manifest files, one
 * object each) added, changed and removed against what the output folder held before, and where the
 * output went. Built while the files are produced: each manifest is compared with the file of the same
 * path in the previous output (read before the swap replaces it). The other files (helm/, environments/)
 * are counted as files, so a run that changes only a chart README or a GitOps object does not say
 * "unchanged".
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { OutputListing } from './output-listing';

interface Counts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/** Collects what changed in manifests/ while a synth writes `target`. */
export class OutputSummary {
  private readonly previous: Set<string>;
  private readonly counts = new Map<string, Counts>();
  private readonly otherFiles: Counts = { added: 0, changed: 0, removed: 0, unchanged: 0 };

  /**
   * `listing`: the output folder `target` as it is before the run writes it (listOutput, taken under
   * the output lock); an output that could not be listed (none yet) counts as empty. `keep`: folders
   * of the output (relative, `/`-separated) that synth does not write, e.g. helm/packages.
   */
  constructor(
    private readonly target: string,
    listing: OutputListing,
    keep: readonly string[] = [],
  ) {
    this.previous = new Set(listing.files.filter((path) => !keep.some((folder) => path.startsWith(`${folder}/`))));
  }

  /**
   * Sees one produced file (path relative to the output folder, `/`-separated). `knownUnchanged`: the
   * writer already found the previous file equal (lib/synth/atomic-dir.ts), so it is not read again.
   */
  readonly record = (path: string, content: string, knownUnchanged = false): void => {
    const chart = chartOf(path);
    const counts = chart === undefined ? this.otherFiles : this.countsOf(chart);
    if (!this.previous.has(path)) counts.added += 1;
    else {
      this.previous.delete(path);
      if (knownUnchanged || readText(join(this.target, path)) === content) counts.unchanged += 1;
      else counts.changed += 1;
    }
  };

  private countsOf(chart: string): Counts {
    let counts = this.counts.get(chart);
    if (counts === undefined) {
      counts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
      this.counts.set(chart, counts);
    }
    return counts;
  }

  /**
   * The summary, one line per environment and chart with a change, then a total naming the output
   * folder (shown relative to `cwd` when inside it). Call once, after every file was recorded.
   */
  lines(cwd: string): string[] {
    for (const path of this.previous) {
      const chart = chartOf(path);
      if (chart === undefined) this.otherFiles.removed += 1;
      else this.countsOf(chart).removed += 1;
    }
    const lines: string[] = [];
    const total: Counts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
    for (const [chart, counts] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
      if (counts.added + counts.changed + counts.removed === 0) continue;
      lines.push(`  ${chart.padEnd(32)} ${describe(counts)}`);
    }
    const shown = relative(cwd, this.target);
    const where = shown === '' ? '.' : shown.startsWith('..') ? this.target : shown;
    const objects = total.added + total.changed + total.removed + total.unchanged;
    const other = this.otherFiles;
    const otherChanged = other.added + other.changed + other.removed;
    const objectsChanged = total.added + total.changed + total.removed > 0;
    if (!objectsChanged && otherChanged === 0) lines.push(`synth: ${where}/ unchanged (${objects} objects in manifests/)`);
    else {
      const objectsPart = objectsChanged ? `objects ${describe(total)}, ${total.unchanged} unchanged` : `objects unchanged (${objects} in manifests/)`;
      const otherPart = otherChanged > 0 ? `; other files (helm/, environments/): ${describe(other)}` : '';
      lines.push(`synth: wrote ${where}/: ${objectsPart}${otherPart}`);
    }
    return lines;
  }
}

function describe(counts: Counts): string {
  return `${counts.added} added, ${counts.changed} changed, ${counts.removed} removed`;
}

/** `<env>/<chart>` of manifests/<env>/<chart>/<file>; undefined for any other file. */
function chartOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts[0] === 'manifests' && parts.length === 4 ? `${parts[1]}/${parts[2]}` : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
