/**
 * How every command prints a path: relative to the working directory when it is inside it (`dist`,
 * `values/base.yaml`, `.` for the working directory itself), absolute otherwise (`/tmp/preview`). A
 * folder that is the subject of a message ends with `/` (`dist/`), so it reads as a folder.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/** `path` as the commands print it (see the module comment); `cwd` defaults to the process's. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const inside = relative(cwd, absolute);
  if (inside === '') return '.';
  return inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
}

/** A folder as the commands print it: displayPath with a trailing `/` (`dist/`, `/tmp/preview/`, `./`). */
export function displayFolder(path: string, cwd = process.cwd()): string {
  const shown = displayPath(path, cwd);
  return shown.endsWith('/') ? shown : `${shown}/`;
}
