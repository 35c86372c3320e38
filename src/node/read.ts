/**
 * Node-only reading of a user's file with a size cap, so that no path a user (or a hostile
 * config) names can hang the process or fill its memory: `/dev/zero` (a device that never ends),
 * a FIFO with no writer (open() would block forever), a directory, a file larger than the cap.
 * Errors are InvalidRequestErrors naming the option, so the CLI exits 2 with one line.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InvalidRequestError } from '../errors.ts';

/** File names and paths as messages show them: long ones cut (a 100k-character path must not become a 100k-character line). */
export function shownPath(path: string): string {
  return path.length > 160 ? `${path.slice(0, 64)}... (${path.length} characters)` : path;
}

const kindOf = (s: Stats): string =>
  s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file';

/** The reason an fs call on a user's path failed, in words (ENAMETOOLONG and friends never reach the user raw). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes`; anything else is an
 * InvalidRequestError on `field` (`--manifest`, `<pack.json>`, `constraints`, ...).
 */
export function readCapped(field: string, path: string, maxBytes: number): Buffer {
  const shown = shownPath(path);
  if (path === '') throw new InvalidRequestError(field, 'must be a file path (got "")');
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InvalidRequestError(field, `cannot read ${shown} (${fsReason(e)})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InvalidRequestError(field, `${shown} is ${kindOf(stats)}; valid: a regular file`);
    if (stats.size > maxBytes) throw new InvalidRequestError(field, `${shown} is ${stats.size} bytes; the limit is ${maxBytes} bytes`);
    // One byte more than the size: a file that grows while we read is refused, never cut short.
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > stats.size) throw new InvalidRequestError(field, `${shown} grew while it was read; valid: a file that is not being written`);
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof InvalidRequestError) throw e;
    throw new InvalidRequestError(field, `cannot read ${shown} (${fsReason(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** Text of a capped file (UTF-8). */
export function readCappedText(field: string, path: string, maxBytes: number): string {
  return readCapped(field, path, maxBytes).toString('utf8');
}
