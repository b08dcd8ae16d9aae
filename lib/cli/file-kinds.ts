/**
 * What a path is, decided before it is opened, so that no command stalls or writes into the kernel: a
 * FIFO (reading waits for a writer), a device, a socket, and anything on a pseudo file system such as
 * /proc or /sys (files there report a size of 0 and may block or never end when read; `mkdir` there
 * answers ENOENT for a folder whose parent exists, which sends Node's recursive mkdir into an endless
 * loop) are refused by type, with their kind in the message. Every command reads its inputs and
 * checks its outputs through here: values files, manifests to validate, output folders.
 */
import { type Stats, closeSync, constants, fstatSync, openSync, readFileSync, statSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Pseudo file systems by statfs(2) f_type (linux/magic.h): their files are views of the kernel, not data.
 * tmpfs and devtmpfs are not listed: they hold ordinary files (a device node there is refused by its type).
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x1cd1, 'devpts'],
  [0x19800202, 'mqueue'],
  [0x42494e4d, 'binfmt_misc'],
  [0xf97cff8c, 'selinuxfs'],
  [0x65735543, 'fusectl'],
]);

/** The pseudo file system `path` lives on (`proc`, `sysfs`, ...), or undefined for an ordinary one (or when it cannot be told). */
function pseudoFileSystem(path: string): string | undefined {
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(path).type));
  } catch {
    return undefined;
  }
}

/** What a non-regular, non-directory file is, in words: `a FIFO`, `a character device`, ... */
function specialKind(stats: Stats): string | undefined {
  if (stats.isFile() || stats.isDirectory()) return undefined;
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** What is at `path` (links followed): nothing, a regular file, a folder, or something refused (with why). */
export type PathKind = { readonly kind: 'missing' } | { readonly kind: 'file' } | { readonly kind: 'directory' } | { readonly kind: 'refused'; readonly reason: string };

/**
 * The kind of `path`, without opening it. A path on a pseudo file system is refused whatever it is; so
 * is a missing path whose nearest existing folder is on one (an output folder to be made there).
 */
export function pathKind(path: string): PathKind {
  let stats: Stats | undefined;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return { kind: 'refused', reason: 'a folder on its path is a file' };
    return { kind: 'refused', reason: errnoReason(error) };
  }
  const pseudo = pseudoFileSystem(stats === undefined ? nearestExisting(path) : path);
  if (pseudo !== undefined) return { kind: 'refused', reason: `on the ${pseudo} file system, which holds views of the kernel, not files` };
  if (stats === undefined) return { kind: 'missing' };
  const special = specialKind(stats);
  if (special !== undefined) return { kind: 'refused', reason: `not a regular file (${special})` };
  return { kind: stats.isDirectory() ? 'directory' : 'file' };
}

/** The nearest folder of `path` (itself or an ancestor) that exists. */
export function nearestExisting(path: string): string {
  let current = path;
  while (statSync(current, { throwIfNoEntry: false }) === undefined) {
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

/**
 * The text of a regular file, or why it cannot be read ("file not found", "not a regular file (a FIFO)",
 * ...). Checked with stat before it is opened (and its file system with statfs), opened non-blocking,
 * and checked again on the open descriptor (the path may have changed in between).
 */
export function readRegularFile(file: string): { text: string } | { refused: string } {
  const kind = pathKind(file);
  if (kind.kind === 'missing') return { refused: 'file not found' };
  if (kind.kind === 'refused') return { refused: kind.reason };
  if (kind.kind === 'directory') return { refused: 'not a regular file (a directory)' };
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { refused: errnoReason(error) };
  }
  try {
    const opened = fstatSync(fd);
    const special = opened.isDirectory() ? 'a directory' : specialKind(opened);
    if (special !== undefined) return { refused: `not a regular file (${special})` };
    return { text: readFileSync(fd, 'utf8') };
  } catch (error) {
    return { refused: errnoReason(error) };
  } finally {
    closeSync(fd);
  }
}

/** A file system error in words, for messages that already name the path. */
function errnoReason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'file not found (a folder on its path is a file)';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'not a regular file (a directory)';
    case 'EROFS':
      return 'read-only file system';
    default:
      return `cannot read: ${code ?? message}`;
  }
}
