/**
 * What a synth knows of its output folder's files without reading them: a record in the project's
 * cache folder (node_modules/.cache/platform-cdk8s/, one file per output folder: never in or beside the
 * output, never committed) holding, for each file found unchanged by a previous synth, its file
 * identity and status (device, inode, size, modification and change times) and a digest of its content.
 *
 * Reading the previous output was most of an unchanged synth's comparing: 1 GB at 1,000 applications,
 * which this machine's page cache hands over at about 400 MB/s (`cat` of the files: 2.5 s of system
 * time), then decoded and compared on both threads (14 s of CPU in a profile). A file whose status is
 * the recorded one still holds the recorded content, so comparing digests is proof enough, as Git's
 * index trusts a file's status (Documentation/technical/racy-git.txt):
 * - any write to a file sets its modification and change times (write(2), truncate(2)); an editor that
 *   saves by renaming makes a new file; `git checkout` writes the file;
 * - the change time cannot be set: copying another file over one while keeping the times (`cp -p`,
 *   `cp -a`, `rsync -a`, `tar x`, `touch -r`) sets the modification time but not the change time, and
 *   files a synth writes in the same kernel tick share their modification time to the nanosecond (a
 *   tester copied one such file over its sibling of the same size with `cp -p`: without the change
 *   time in the status, the copy passed as unchanged);
 * - the times are kept as Node.js reads them (milliseconds with a fraction: the nanoseconds of the file
 *   system, rounded to about a quarter of a microsecond), but a file system stamps them from a coarse
 *   clock (a kernel tick; a second or two on some file systems): a file changed within that time of
 *   when its status was read could be changed again with the same stamp. Such a file is "racily
 *   clean" (Git's word) and is not recorded: an entry is kept only for a file last changed RACY_MS
 *   before the record is written.
 * What this costs: the files a synth writes are read once more by the next synth, which records them;
 * and linking a file changes its change time, so after a synth that replaced the output (it links the
 * unchanged files into the new one) the next synth reads every file again, and the one after uses
 * the record. Only a change of the system clock, or a file system that does not keep change times,
 * can make a changed file look recorded.
 * A record that is missing, unreadable or of another format is no record: every file is read, as
 * without one. The record is a cache: failing to write it is not an error.
 */
import { createHash } from 'node:crypto';
import { type Stats, closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The first line of a record file: its format. */
const FORMAT = 'platform-cdk8s output record 2';
/** The second line: the output folder it is about (absolute). */
const TARGET_PREFIX = 'output: ';
/** A file changed this recently (before the record is written) is not recorded (see the module comment). */
const RACY_MS = 2000;
/** Records not written for this long (their output folders no longer synthesized, e.g. removed) are removed. */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** Removes the records in `folder` not written for STALE_MS (the cache would otherwise grow with every output folder ever synthesized). */
function removeStaleRecords(folder: string, now: number): void {
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.record')) continue;
    const record = join(folder, name);
    if (now - (statSync(record, { throwIfNoEntry: false })?.mtimeMs ?? now) > STALE_MS) rmSync(record, { force: true });
  }
}

/**
 * What the record says of one file: its status when its content had a digest, as the record's line
 * `<digest>\t<dev>\t<ino>\t<size>\t<mtimeMs>\t<ctimeMs>\t<path>` (digest: sha256 of the content as UTF-8,
 * base64, first 22 characters, 128 bits; mtimeMs, ctimeMs: Stats' fields, the same file time always giving the same
 * number). Kept as the line, not parsed into an object: at 1,000 applications a record has 130,000
 * entries on each thread, and most are only looked up once.
 */
export type RecordEntry = string;

/**
 * The record file of an output folder in the cache folder of the project at `projectRoot`
 * (node_modules/.cache/platform-cdk8s/<digest of the folder's absolute path>.record); undefined when the
 * project has no node_modules (a build copied elsewhere): no record then.
 */
export function recordFile(target: string, projectRoot: string): string | undefined {
  const modules = join(projectRoot, 'node_modules');
  if (!existsSync(modules)) return undefined;
  return join(modules, '.cache', 'platform-cdk8s', `${createHash('sha256').update(resolve(target)).digest('hex').slice(0, 24)}.record`);
}

/** The digest of a file's content (see RecordEntry). */
function contentDigest(content: string): string {
  return createHash('sha256').update(content).digest('base64').slice(0, 22);
}

function entryOf(digest: string, stats: Stats, path: string): RecordEntry {
  return `${digest}\t${stats.dev}\t${stats.ino}\t${stats.size}\t${stats.mtimeMs}\t${stats.ctimeMs}\t${path}`;
}

/** The entry's fields; undefined for a line that is not an entry (then never trusted). */
function fieldsOf(entry: RecordEntry): { digest: string; dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number } | undefined {
  const [digest, dev, ino, size, mtimeMs, ctimeMs] = entry.split('\t', 6);
  const numbers = [dev, ino, size, mtimeMs, ctimeMs].map(Number);
  if (digest.length !== 22 || !numbers.every(Number.isFinite)) return undefined;
  return { digest, dev: numbers[0], ino: numbers[1], size: numbers[2], mtimeMs: numbers[3], ctimeMs: numbers[4] };
}

/** The path of an entry: after its sixth tab. */
function pathOf(entry: RecordEntry): string | undefined {
  let at = -1;
  for (let tab = 0; tab < 6; tab += 1) {
    at = entry.indexOf('\t', at + 1);
    if (at < 0) return undefined;
  }
  return entry.slice(at + 1);
}

/** The entries of a record file about `target`, by path; empty when it is missing, of another folder or not a record of this format. */
function readEntries(file: string | undefined, target: string): Map<string, RecordEntry> {
  const entries = new Map<string, RecordEntry>();
  if (file === undefined) return entries;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return entries;
  }
  const lines = text.split('\n');
  if (lines[0] !== FORMAT || lines[1] !== `${TARGET_PREFIX}${resolve(target)}`) return entries;
  for (let i = 2; i < lines.length; i += 1) {
    const path = pathOf(lines[i]);
    if (path !== undefined && path !== '') entries.set(path, lines[i]);
  }
  return entries;
}

/**
 * The record of one output folder for one synth: `holds` answers from it where it can and reads the
 * file where it cannot; `save` writes what this synth proved for the next one. Paths are relative to
 * the folder, `/`-separated. Any thread may have its own (the helper thread's entries reach the main
 * thread's through `add`).
 */
export class OutputRecord {
  private readonly previous: Map<string, RecordEntry>;
  /** Entries for the next record: files found to hold what this synth made. */
  private readonly proven = new Map<string, RecordEntry>();

  /** `file`: the record file (recordFile); undefined: no record, every file is read. */
  constructor(
    private readonly target: string,
    private readonly file: string | undefined,
  ) {
    this.previous = readEntries(file, target);
  }

  /**
   * What the record proves without reading: true when the file holds `content`, false when it does not,
   * undefined when the record cannot say (no entry, or the file's status changed since).
   */
  knows(path: string, content: string): boolean | undefined {
    const entry = this.previous.get(path);
    if (entry === undefined) return undefined;
    const fields = fieldsOf(entry);
    const stats = fields === undefined ? undefined : lstatSync(join(this.target, path), { throwIfNoEntry: false });
    if (
      fields === undefined ||
      stats === undefined ||
      !stats.isFile() ||
      stats.ino !== fields.ino ||
      stats.dev !== fields.dev ||
      stats.size !== fields.size ||
      stats.mtimeMs !== fields.mtimeMs ||
      stats.ctimeMs !== fields.ctimeMs
    ) {
      return undefined;
    }
    const holds = contentDigest(content) === fields.digest;
    if (holds) this.proven.set(path, entry);
    return holds;
  }

  /**
   * Whether the file at `path` is a regular file (not a symbolic link) holding exactly `content`: from
   * the record where it can say, else by reading the file (then recorded for the next synth). Returns
   * the entry too, for the main thread's record when this runs on another thread.
   */
  holds(path: string, content: string): { holds: boolean; entry?: RecordEntry } {
    const known = this.knows(path, content);
    if (known !== undefined) return known ? { holds: true, entry: this.proven.get(path) } : { holds: false };
    let fd: number;
    try {
      fd = openSync(join(this.target, path), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return { holds: false };
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile() || readFileSync(fd, 'utf8') !== content) return { holds: false };
      const entry = entryOf(contentDigest(content), stats, path);
      this.proven.set(path, entry);
      return { holds: true, entry };
    } catch {
      return { holds: false };
    } finally {
      closeSync(fd);
    }
  }

  /** An entry proven on another thread (its `holds`). */
  add(path: string, entry: RecordEntry): void {
    this.proven.set(path, entry);
  }

  /**
   * Writes the record for the next synth: the entries proven in this one, of files last changed more
   * than RACY_MS ago, if they differ from the record read; `produced`: every path the output now holds
   * (an entry of a path no longer produced, or produced again with other content, is dropped). Written
   * to a temporary file and renamed, so that a reader sees a whole record or the previous one. Never
   * throws: a record that cannot be written is only a slower next synth. Called when the output was left
   * unchanged (after a swap every linked file has a new change time: nothing would match).
   */
  save(produced: ReadonlySet<string>, now = Date.now()): void {
    const kept = [...this.proven].filter(([path, entry]) => produced.has(path) && (fieldsOf(entry)?.ctimeMs ?? now) < now - RACY_MS && !/[\t\n]/.test(path));
    const { file } = this;
    if (file === undefined || (kept.length === this.previous.size && kept.every(([path, entry]) => this.previous.get(path) === entry))) return;
    const temporary = `${file}.${process.pid}`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(temporary, `${FORMAT}\n${TARGET_PREFIX}${resolve(this.target)}\n${kept.map(([, entry]) => entry).join('\n')}\n`);
      renameSync(temporary, file);
      removeStaleRecords(dirname(file), now);
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}
