/**
 * Reads a values file only when it is a regular file (or a link to one). A FIFO, a device or a
 * directory is refused with its real reason, never opened in a way that could block: the path is
 * checked with stat before it is opened, and opened non-blocking with the type checked again on the
 * open descriptor (the path may have changed in between).
 */
import { type Stats, closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';

/** The text of a regular file, or why it cannot be read ("file not found", "not a regular file (a FIFO)", ...). */
export function readRegularFile(file: string): { text: string } | { refused: string } {
  let stats: Stats | undefined;
  try {
    stats = statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    return { refused: reason(error) };
  }
  if (stats === undefined) return { refused: 'file not found' };
  if (!stats.isFile()) return { refused: notRegular(stats) };
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { refused: reason(error) };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { refused: notRegular(opened) };
    return { text: readFileSync(fd, 'utf8') };
  } catch (error) {
    return { refused: reason(error) };
  } finally {
    closeSync(fd);
  }
}

function notRegular(stats: Stats): string {
  const kind = stats.isDirectory()
    ? 'a directory'
    : stats.isFIFO()
      ? 'a FIFO'
      : stats.isCharacterDevice()
        ? 'a character device'
        : stats.isBlockDevice()
          ? 'a block device'
          : stats.isSocket()
            ? 'a socket'
            : 'not a file';
  return `not a regular file (${kind})`;
}

function reason(error: unknown): string {
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
    default:
      return `cannot read: ${code ?? message}`;
  }
}
