/**
 * The pack folder on disk, shared by `bake` and `merge`: output is staged in
 * `<parent>/.<name>.partial/` and renamed over --out at the end, so an interrupted run never
 * leaves a half-written file under --out; the staging folder it leaves behind (and a previous
 * --out) let the next run skip finished items. --out is only ever replaced when everything in it
 * was written by a bake (its pack.json lists the file and its sha256): a folder holding anything
 * else is refused (exit 2), never deleted.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BackendError, InvalidRequestError } from '../../errors.ts';
import { readCapped, readCappedText, shownPath } from '../../node/read.ts';
import { fileURLToPath } from 'node:url';
import { MAX_PACK_JSON_BYTES, PACK_FILE, PACK_FORMAT, PACK_FORMAT_VERSION, packJsonProblem, type FileRecord, type ItemRecord, type PackJson } from '../../pack-format.ts';
import { checkNameLength, lstatOrNull, throughLinks } from '../files.ts';
import { sha256 } from './config.ts';
import { jsonText } from './render.ts';

export const RECORDS = '.records';
const LOCK = '.lock';


export interface PackOut {
  /** The folder written (through a symbolic link: the folder it points to). */
  out: string;
  staging: string;
}

/** A readable pack.json of a baked folder, or undefined (absent, unreadable, not a pack). */
export function readPackJson(dir: string): PackJson | undefined {
  try {
    const pack = JSON.parse(readCappedText(PACK_FILE, join(dir, PACK_FILE), MAX_PACK_JSON_BYTES));
    return packJsonProblem(pack) === null ? (pack as PackJson) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON of a small bookkeeping file, or undefined. */
export function readJsonFile<T>(path: string, maxBytes = MAX_PACK_JSON_BYTES): T | undefined {
  try {
    return JSON.parse(readCappedText('file', path, maxBytes)) as T;
  } catch {
    return undefined;
  }
}

/** True when `f` is under `dir` with its recorded size and sha256 (the read is capped at that size). */
function fileMatches(dir: string, f: FileRecord): boolean {
  try {
    return sha256(readCapped('file', join(dir, f.path), f.bytes)) === f.sha256;
  } catch {
    return false;
  }
}

/** True when every file of `record` is under `dir` as recorded. */
export function filesMatch(dir: string, record: ItemRecord): boolean {
  return Object.values(record.files ?? {}).every((f) => fileMatches(dir, f));
}

/**
 * Refuses to replace `out` when it holds a file its pack.json does not list, or lists with
 * another sha256 (a user's file, or one edited since the bake): replacing the folder would delete it.
 */
function refuseForeignFiles(shown: string, out: string): void {
  const files = listFiles(out);
  if (files.length === 0) return;
  const pack = readPackJson(out);
  if (!pack) throw new InvalidRequestError('out', `${shownPath(shown)} is not empty and holds no baked ${PACK_FILE}; refusing to replace it`);
  const written = new Map(pack.items.flatMap((r) => Object.values(r.files).map((f) => [f.path, f] as const)));
  const foreign = files.filter((p) => p !== PACK_FILE && !(written.has(p) && fileMatches(out, written.get(p)!)));
  if (foreign.length === 0) return;
  const names = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, ... (${foreign.length} files)` : '');
  throw new InvalidRequestError('out', `${shownPath(shown)} holds files the pack did not write or that changed since it was baked (${names}); bake never deletes them: move them out, or use another --out`);
}

/** Every file under `dir`, as paths relative to it. */
function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, path) : [path];
  });
}

/**
 * --out checks, before anything is written: a new folder, an empty one, or one a bake wrote and
 * nobody changed since. A folder with files its pack.json does not list (or lists with another
 * sha256) is refused with the first few names: replacing it would delete them.
 */
export function checkPackOut(outArg: string): PackOut {
  if (outArg.trim() === '') throw new InvalidRequestError('out', `must be a folder path (got ${JSON.stringify(outArg)})`);
  const given = resolve(outArg);
  // ".<name>.partial" and ".<name>.old-<pid>" sit beside it.
  checkNameLength('out', given, '.'.length + '.old-4194304'.length);
  const out = throughLinks('out', given);
  const parent = dirname(out);
  const parentStats = lstatOrNull('out', parent);
  if (parentStats && !parentStats.isDirectory()) throw new InvalidRequestError('out', `${shownPath(parent)} is not a directory`);
  const stats = lstatOrNull('out', out);
  if (stats) {
    if (!stats.isDirectory()) throw new InvalidRequestError('out', `${shownPath(given)} exists and is not a directory`);
    refuseForeignFiles(given, out);
  }
  return { out, staging: join(parent, `.${basename(out)}.partial`) };
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Takes the staging folder: creates it, or reuses one an interrupted run left (unless that run still goes on). */
export async function takeStaging(staging: string): Promise<void> {
  const lock = join(staging, LOCK);
  if (existsSync(lock)) {
    const pid = Number(readJsonFile<number>(lock, 64));
    let alive = false;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (alive) throw new BackendError(`another bake (pid ${pid}) is writing ${staging}; wait for it or remove that folder`);
  }
  await mkdir(join(staging, RECORDS), { recursive: true });
  await writeFile(lock, String(process.pid));
}

/** Removes every file in `staging` that no kept record names (half-written files of an interrupted item, dropped items). */
export async function prune(staging: string, keep: Set<string>): Promise<void> {
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(staging, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && (entry.name === RECORDS || entry.name === LOCK)) continue;
      if (entry.isDirectory()) {
        await walk(path);
        if ((await readdir(join(staging, path))).length === 0) await rm(join(staging, path), { recursive: true });
      } else if (!keep.has(path)) await rm(join(staging, path), { force: true });
    }
  };
  await walk('');
}

/**
 * Finishes the staging folder (pack.json, no bookkeeping files) and renames it over `out`; the old
 * folder (checked by checkPackOut to hold only what a bake wrote) is moved aside first and put back
 * if the rename fails.
 */
export async function publish(staging: string, out: string, manifest: object): Promise<void> {
  await rm(join(staging, RECORDS), { recursive: true, force: true });
  await writeFileAtomic(join(staging, PACK_FILE), jsonText(manifest));
  await rm(join(staging, LOCK), { force: true });
  if (!existsSync(out)) return rename(staging, out);
  refuseForeignFiles(out, out); // again: a file may have been added while the bake ran
  const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
  await rename(out, old);
  try {
    await rename(staging, out);
  } catch (e) {
    await rename(old, out);
    throw e;
  }
  await rm(old, { recursive: true, force: true });
}

const VERSION: string = JSON.parse(readCappedText('package.json', fileURLToPath(new URL('../../../package.json', import.meta.url)), 1 << 20)).version;

/** The `pack.json` of a (shard of a) pack: one builder for bake and merge, so both write the same bytes. */
export function packManifest(
  v: { config: PackJson['config']; configSha256: string; models: Record<string, unknown> },
  items: ItemRecord[],
  shard: { index: number; count: number } | null,
): PackJson {
  return {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    name: v.config.name,
    generator: { name: 'asset-diffusion', version: VERSION },
    configSha256: v.configSha256,
    config: v.config,
    models: v.models,
    shard,
    items: [...items].sort((a, b) => a.index - b.index),
  };
}
