/**
 * `asset-diffusion bake <pack.json> --out DIR` and `asset-diffusion merge DIR... --out DIR`
 * (docs/PACK-FORMAT.md). Output is staged in `<parent>/.<name>.partial/` and renamed over --out
 * at the end, so an interrupted bake never leaves a half-written file under --out; the staging
 * folder it leaves behind (and a previous --out) let the next run skip finished items.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { BackendError } from '../../errors.ts';
import { parseManifestText, type Manifest } from '../../models/manifest.ts';
import { createRuntime } from '../../runtime/runtime.ts';
import type { Progress } from '../../runtime/types.ts';
import { resolveCliManifest } from '../manifest.ts';
import { PackInputError, parseShard, sha256, validatePack, type ValidatedPack } from './config.ts';
import { jsonText, makeItem, type ItemRecord } from './render.ts';

export const BAKE_DEVICES = ['auto', 'native', 'wasm'] as const;
export type BakeDevice = (typeof BAKE_DEVICES)[number];
const PACK_FILE = 'pack.json';
const RECORDS = '.records';
const LOCK = '.lock';
const VERSION: string = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

export interface BakeFlags {
  out: string;
  shard?: string;
  json?: boolean;
  device: BakeDevice;
  manifest?: string;
  progress: boolean;
}

export interface ItemSummary {
  index: number;
  kind: string;
  name: string;
  status: 'generated' | 'skipped';
  files: string[];
}

/** The `pack.json` of a (shard of a) pack: one builder for bake and merge, so both write the same bytes. */
export function packManifest(v: Pick<ValidatedPack, 'config' | 'configSha256'> & { models: Record<string, unknown> }, items: ItemRecord[], shard: { index: number; count: number } | null): object {
  return {
    format: 'asset-diffusion-pack',
    formatVersion: 1,
    name: v.config.name,
    generator: { name: 'asset-diffusion', version: VERSION },
    configSha256: v.configSha256,
    config: v.config,
    models: v.models,
    shard,
    items: [...items].sort((a, b) => a.index - b.index),
  };
}

function modelsRecord(v: ValidatedPack): Record<string, unknown> {
  return Object.fromEntries(v.models.map((m) => [m.id, { kind: m.kind, version: m.version, sha256: m.sha256, bytes: m.bytes }]));
}

/**
 * --out checks: if it exists it is a pack folder (or empty), never an arbitrary folder we would
 * replace. Missing parent folders are made (mkdir -p) when the staging folder is created.
 */
function checkOut(outArg: string): { out: string; staging: string } {
  const out = resolve(outArg);
  const parent = dirname(out);
  if (existsSync(parent) && !statSync(parent).isDirectory()) throw new PackInputError(`--out: ${parent} is not a directory`);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new PackInputError(`--out: ${out} exists and is not a directory`);
    if (readdirSync(out).length > 0 && !isPackFolder(out)) throw new PackInputError(`--out: ${out} is not empty and holds no baked ${PACK_FILE}; refusing to replace it`);
  }
  return { out, staging: join(parent, `.${basename(out)}.partial`) };
}

/** A folder a bake wrote: its pack.json says so (a pack *config* named pack.json does not). */
function isPackFolder(dir: string): boolean {
  try {
    return JSON.parse(readFileSync(join(dir, PACK_FILE), 'utf8'))?.format === 'asset-diffusion-pack';
  } catch {
    return false;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** True when every file of `record` is under `dir` with the recorded sha256. */
async function filesMatch(dir: string, record: ItemRecord): Promise<boolean> {
  for (const f of Object.values(record.files ?? {})) {
    try {
      if (sha256(await readFile(join(dir, f.path))) !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Takes the staging folder: creates it, or reuses one an interrupted bake left (unless that bake still runs). */
async function takeStaging(staging: string): Promise<void> {
  const lock = join(staging, LOCK);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
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
async function prune(staging: string, keep: Set<string>): Promise<void> {
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

/** Finishes the staging folder (pack.json, no bookkeeping files) and renames it over `out`. */
async function publish(staging: string, out: string, manifest: object): Promise<void> {
  await rm(join(staging, RECORDS), { recursive: true, force: true });
  await writeFileAtomic(join(staging, PACK_FILE), jsonText(manifest));
  await rm(join(staging, LOCK), { force: true });
  if (existsSync(out)) {
    const old = join(dirname(out), `.${basename(out)}.old-${process.pid}`);
    await rename(out, old);
    await rename(staging, out);
    await rm(old, { recursive: true, force: true });
  } else await rename(staging, out);
}

function loadManifestFile(path: string): { manifest: Manifest; baseUrl: URL } {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new PackInputError(`--manifest: cannot read ${abs} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const baseUrl = new URL(`file://${abs}`);
  return { manifest: parseManifestText(text, basename(abs)), baseUrl };
}

function readConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PackInputError(`<pack.json>: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PackInputError(`<pack.json>: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

async function nativeAvailable(): Promise<boolean> {
  const specifier = 'onnxruntime-node';
  try {
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}

interface Reporter {
  start(total: number): void;
  item(name: string): void;
  progress(p: Progress): void;
  done(): void;
  stop(): void;
}

function reporter(enabled: boolean): Reporter {
  const none: Reporter = { start() {}, item() {}, progress() {}, done() {}, stop() {} };
  if (!enabled || !process.stderr.isTTY) return none;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'bake [{bar}] {value}/{total} items | {item} step {step}/{steps} | ETA {left}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let value = 0;
  let total = 0;
  let started = false;
  const t0 = Date.now();
  // cli-progress's own ETA needs a steady rate; items differ in size, so: mean time per finished item x items left.
  const left = (): string => (value === 0 ? '?' : `${Math.round((((Date.now() - t0) / value) * (total - value)) / 1000)}s`);
  return {
    start(n) {
      total = n;
      bar.start(n, 0, { item: '', step: 0, steps: 0, left: '?' });
      started = true;
    },
    item: (name) => bar.update(value, { item: name, step: 0, steps: 0, left: left() }),
    progress: (p) => p.phase === 'sample' && bar.update(value, { step: p.step, steps: p.steps }),
    done: () => bar.update(++value, { left: left() }),
    stop: () => started && (bar.stop(), (started = false)),
  };
}

/** Test hook: die (SIGKILL, as a crash or a killed CI job would) after writing this many files. */
const dieAfterFiles = Number(process.env.ASSET_DIFFUSION_BAKE_TEST_DIE_AFTER_FILES ?? 0);
let filesWritten = 0;

export async function bakeCommand(configPath: string, flags: BakeFlags): Promise<void> {
  const started = Date.now();
  // Everything about the input is checked before anything is written.
  const shard = parseShard(flags.shard);
  const raw = readConfig(resolve(configPath));
  const source = loadManifestFile(resolveCliManifest(flags.manifest, (m) => console.error(m)));
  const pack = validatePack(raw, source.manifest);
  const { out, staging } = checkOut(flags.out);
  if (flags.device === 'native' && !(await nativeAvailable())) throw new BackendError('--device native: onnxruntime-node is not installed here; use --device auto or wasm');

  const selected = pack.items.filter((it) => !shard || it.index % shard.count === shard.index);
  await takeStaging(staging);
  const partialRecords = new Map<number, ItemRecord>();
  for (const f of await readdir(join(staging, RECORDS))) {
    const r = await readJson<ItemRecord>(join(staging, RECORDS, f));
    if (r && typeof r.index === 'number') partialRecords.set(r.index, r);
  }
  const previous = await readJson<{ items?: ItemRecord[] }>(join(out, PACK_FILE));
  const outRecords = new Map((Array.isArray(previous?.items) ? previous.items : []).map((r) => [r.paramsHash, r]));

  const runtime = createRuntime({ manifest: source, device: flags.device === 'native' ? 'auto' : flags.device, cache: false });
  const report = reporter(flags.progress && !flags.json);
  const summaries: ItemSummary[] = [];
  const records: ItemRecord[] = [];
  let device: string | null = null;
  report.start(selected.length);
  try {
    for (const item of selected) {
      const name = item.params.name;
      report.item(name);
      const recordPath = join(staging, RECORDS, `${item.index}.json`);
      let record: ItemRecord | undefined;
      const inStaging = partialRecords.get(item.index);
      if (inStaging?.paramsHash === item.paramsHash && (await filesMatch(staging, inStaging))) record = inStaging;
      const inOut = record ? undefined : outRecords.get(item.paramsHash);
      // Matched by paramsHash (which covers name, model sha256 and every parameter), so a reordered item is reused too.
      if (inOut && (await filesMatch(out, inOut))) {
        for (const f of Object.values(inOut.files)) {
          await mkdir(dirname(join(staging, f.path)), { recursive: true });
          await copyFile(join(out, f.path), join(staging, f.path));
        }
        record = { ...inOut, index: item.index };
        await writeFileAtomic(recordPath, jsonText(record));
      }
      if (record) {
        summaries.push({ index: item.index, kind: item.kind, name, status: 'skipped', files: Object.values(record.files).map((f) => f.path) });
      } else {
        await rm(recordPath, { force: true });
        const rendered = await makeItem(runtime, item, { onProgress: report.progress });
        for (const [path, bytes] of rendered.files) {
          await writeFileAtomic(join(staging, path), bytes);
          if (dieAfterFiles && ++filesWritten >= dieAfterFiles) process.kill(process.pid, 'SIGKILL');
        }
        // The record goes last: an item counts as done only once all of its files are in place.
        await writeFileAtomic(recordPath, jsonText(rendered.record));
        record = rendered.record;
        device = rendered.device;
        summaries.push({ index: item.index, kind: item.kind, name, status: 'generated', files: rendered.files.map(([p]) => p) });
      }
      records.push(record);
      report.done();
    }
    report.stop();
    await prune(staging, new Set(records.flatMap((r) => Object.values(r.files).map((f) => f.path))));
    await publish(staging, out, packManifest({ ...pack, models: modelsRecord(pack) }, records, shard));
  } finally {
    report.stop();
    await runtime.dispose();
  }

  const generated = summaries.filter((s) => s.status === 'generated').length;
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    console.log(
      JSON.stringify({ ok: true, pack: pack.config.name, out, shard, configSha256: pack.configSha256, device, items: summaries, generated, skipped: summaries.length - generated, seconds }, null, 1),
    );
  } else {
    const of = shard ? ` (shard ${shard.index}/${shard.count}: ${selected.length} of ${pack.items.length} items)` : '';
    console.log(`baked ${pack.config.name}${of} into ${out}: ${generated} generated, ${summaries.length - generated} skipped${device ? ` on ${device}` : ''}, ${seconds.toFixed(1)} s`);
  }
}

export interface MergeFlags {
  out: string;
  json?: boolean;
}

interface PackJson {
  format?: string;
  formatVersion?: number;
  configSha256?: string;
  config?: ValidatedPack['config'];
  models?: Record<string, unknown>;
  shard?: { index: number; count: number } | null;
  items?: ItemRecord[];
}

/** Joins shard outputs into one pack, byte-identical to a single unsharded bake. */
export async function mergeCommand(dirs: string[], flags: MergeFlags): Promise<void> {
  const packs: Array<{ dir: string; pack: PackJson }> = [];
  for (const d of dirs) {
    const dir = resolve(d);
    const pack = await readJson<PackJson>(join(dir, PACK_FILE));
    if (!pack || pack.format !== 'asset-diffusion-pack' || !Array.isArray(pack.items) || !pack.config || !pack.configSha256)
      throw new PackInputError(`${d}: no readable ${PACK_FILE} of an asset-diffusion pack`);
    packs.push({ dir, pack });
  }
  const first = packs[0]!.pack;
  for (const { dir, pack } of packs)
    if (pack.configSha256 !== first.configSha256 || pack.formatVersion !== first.formatVersion)
      throw new PackInputError(`${dir}: baked from another pack config (configSha256 ${pack.configSha256} vs ${first.configSha256})`);

  const total = first.config!.sprites.length + first.config!.tiles.length + first.config!.levels.length;
  const byIndex = new Map<number, { dir: string; record: ItemRecord }>();
  for (const { dir, pack } of packs) {
    for (const record of pack.items!) {
      const seen = byIndex.get(record.index);
      if (seen && sha256(JSON.stringify(seen.record)) !== sha256(JSON.stringify(record)))
        throw new PackInputError(`${dir}: item ${record.index} (${record.name}) differs from the one in ${seen.dir}`);
      if (!seen) byIndex.set(record.index, { dir, record });
    }
  }
  const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new PackInputError(`merge: items ${missing.join(', ')} are in none of the given folders (${total} items in the pack); bake the missing shards first`);
  for (const { dir, record } of byIndex.values())
    if (!(await filesMatch(dir, record))) throw new PackInputError(`${dir}: files of item ${record.index} (${record.name}) are missing or do not match their sha256 in ${PACK_FILE}`);

  const { out, staging } = checkOut(flags.out);
  await takeStaging(staging);
  await prune(staging, new Set());
  for (const { dir, record } of byIndex.values()) {
    for (const f of Object.values(record.files)) {
      await mkdir(dirname(join(staging, f.path)), { recursive: true });
      await copyFile(join(dir, f.path), join(staging, f.path));
    }
  }
  const records = [...byIndex.values()].map((v) => v.record);
  await publish(staging, out, packManifest({ config: first.config!, configSha256: first.configSha256!, models: first.models ?? {} }, records, null));
  if (flags.json) console.log(JSON.stringify({ ok: true, pack: first.config!.name, out, merged: dirs.length, items: records.length }, null, 1));
  else console.log(`merged ${dirs.length} folder(s) into ${out}: ${records.length} items of ${first.config!.name}`);
}
