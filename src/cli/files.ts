/**
 * Where the CLI writes, checked before any model is loaded, and how: every file of one output
 * (a TMJ map and its tileset) is staged under a temporary name beside its target, then all are
 * renamed into place together; if any rename fails the ones already done are undone, so a user's
 * old files stay as they were. `--out` through a symbolic link writes through it: the file the
 * link points to is replaced and the link stays.
 */
import { accessSync, constants, lstatSync, realpathSync, statSync } from 'node:fs';
import { lstat, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { InvalidRequestError } from '../errors.ts';
import { fsReason, shownPath } from '../node/read.ts';

/** Longest file name (one path component, in bytes) on the file systems we write to. */
export const NAME_MAX = 255;
export const PATH_MAX = 4095;

/** Refuses a path whose components the file system cannot hold (ENAMETOOLONG, found before anything runs). */
export function checkNameLength(field: string, path: string, extra = 0): void {
  const long = path.split(sep).find((part) => Buffer.byteLength(part) + extra > NAME_MAX);
  if (long !== undefined || Buffer.byteLength(path) + extra > PATH_MAX)
    throw new InvalidRequestError(field, `file name too long (${shownPath(path)}); valid: names of at most ${NAME_MAX - extra} bytes and paths of at most ${PATH_MAX - extra}`);
}

/** `lstat` that says "absent" for ENOENT and names every other failure as bad input on `field`. */
export function lstatOrNull(field: string, path: string): import('node:fs').Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InvalidRequestError(field, `cannot use ${shownPath(path)} (${fsReason(e)})`);
  }
}

/** A symbolic link's target (write through it), or the path itself. */
export function throughLinks(field: string, path: string): string {
  const stats = lstatOrNull(field, path);
  if (!stats?.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch (e) {
    throw new InvalidRequestError(field, `${shownPath(path)} is a symbolic link to a missing file or folder (${fsReason(e)}); valid: a link to an existing file, or a plain path`);
  }
}

/**
 * The file an output goes to: `--out` resolved (through a symbolic link), refused unless it is
 * a new or regular file in an existing folder we may write to. Never a directory (`.`, `""`).
 */
export function outputFile(field: string, out: string): string {
  if (out.trim() === '') throw new InvalidRequestError(field, `must be a file path (got ${JSON.stringify(out)})`);
  const given = resolve(out);
  // The staging name adds a few bytes: ".<name>.<pid>.<n>.tmp" is kept short, see stagedName.
  checkNameLength(field, given);
  const target = throughLinks(field, given);
  const stats = lstatOrNull(field, target);
  if (stats?.isDirectory()) throw new InvalidRequestError(field, `${shownPath(given)} is a directory; valid: a file path, e.g. ${shownPath(resolve(given, 'out.png'))}`);
  if (stats && !stats.isFile()) throw new InvalidRequestError(field, `${shownPath(given)} is not a regular file (a device, FIFO or socket); valid: a file path`);
  const dir = dirname(target);
  let dirStats: import('node:fs').Stats;
  try {
    dirStats = statSync(dir);
  } catch {
    throw new InvalidRequestError(field, `directory ${shownPath(dir)} does not exist`);
  }
  if (!dirStats.isDirectory()) throw new InvalidRequestError(field, `${shownPath(dir)} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new InvalidRequestError(field, `cannot write in ${shownPath(dir)} (${fsReason(e)})`);
  }
  return target;
}

/** A short hidden name beside `path`: never longer than NAME_MAX, whatever the target's name. */
function stagedName(path: string, n: number, what: 'tmp' | 'old'): string {
  return resolve(dirname(path), `.${basename(path).slice(0, 40)}.${process.pid}.${n}.${what}`);
}

export type OutputFile = [path: string, bytes: Uint8Array | string];

/**
 * Writes every file, or none: all are written under temporary names first; then each existing
 * target is moved aside, each new file renamed in, and the old ones dropped. A failure anywhere
 * puts back what was there before.
 */
export async function commitFiles(files: OutputFile[]): Promise<void> {
  const temps = files.map(([path], i) => stagedName(path, i, 'tmp'));
  const olds = files.map(([path], i) => stagedName(path, i, 'old'));
  const movedAside: number[] = [];
  const placed: number[] = [];
  try {
    for (const [i, [, bytes]] of files.entries()) await writeFile(temps[i]!, bytes, { flag: 'wx' });
    const existing = await Promise.all(files.map(([path]) => lstat(path).catch(() => null)));
    for (const [i, stats] of existing.entries())
      if (stats && !stats.isFile() && !stats.isSymbolicLink()) throw new Error(`${files[i]![0]} is not a regular file; refusing to replace it`);
    for (const [i, [path]] of files.entries()) {
      if (existing[i]) {
        await rename(path, olds[i]!);
        movedAside.push(i);
      }
    }
    for (const [i, [path]] of files.entries()) {
      await rename(temps[i]!, path);
      placed.push(i);
    }
  } catch (e) {
    for (const i of placed) await unlink(files[i]![0]).catch(() => undefined);
    for (const i of movedAside) await rename(olds[i]!, files[i]![0]).catch(() => undefined);
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw e;
  }
  await Promise.all(movedAside.map((i) => unlink(olds[i]!).catch(() => undefined)));
}
