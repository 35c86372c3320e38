/**
 * `asset-diffusion bake <pack.json> --out DIR` (docs/PACK-FORMAT.md): every item generated (or
 * reused from a previous --out or an interrupted run's staging folder when its parameters hash
 * matches), written into the staging folder, and published over --out at the end (staging.ts).
 */
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BackendError } from '../../errors.ts';
import { nativeAvailable } from '../../backend/onnx.ts';
import { readCappedText } from '../../node/read.ts';
import { createRuntime } from '../../runtime/runtime.ts';
import { loadCliManifest } from '../manifest.ts';
import { progressReporter } from '../progress.ts';
import { PackInputError, parseShard, validatePack, type ValidatedPack } from './config.ts';
import { jsonText, makeItem, type ItemRecord } from './render.ts';
import { RECORDS, checkPackOut, filesMatch, packManifest, prune, publish, readJsonFile, readPackJson, takeStaging, writeFileAtomic } from './staging.ts';

export const BAKE_DEVICES = ['auto', 'native', 'wasm'] as const;
export type BakeDevice = (typeof BAKE_DEVICES)[number];
/** Largest pack config read (a config of 256 items with 1,024 pins each is well under it). */
export const MAX_PACK_CONFIG_BYTES = 1024 * 1024;

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

function modelsRecord(v: ValidatedPack): Record<string, unknown> {
  return Object.fromEntries(v.models.map((m) => [m.id, { kind: m.kind, version: m.version, sha256: m.sha256, bytes: m.bytes }]));
}

function readConfig(path: string): unknown {
  const text = readCappedText('pack', path, MAX_PACK_CONFIG_BYTES);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PackInputError(`<pack.json>: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** Test hook: die (SIGKILL, as a crash or a killed CI job would) after writing this many files. */
const dieAfterFiles = Number(process.env.ASSET_DIFFUSION_BAKE_TEST_DIE_AFTER_FILES ?? 0);
let filesWritten = 0;

export async function bakeCommand(configPath: string, flags: BakeFlags): Promise<void> {
  const started = Date.now();
  // Everything about the input is checked before anything is written.
  const shard = parseShard(flags.shard);
  const raw = readConfig(configPath === '' ? '' : resolve(configPath));
  const source = loadCliManifest(flags.manifest, (m) => console.error(m));
  const pack = validatePack(raw, source.manifest);
  const { out, staging } = checkPackOut(flags.out);
  if (flags.device === 'native' && !(await nativeAvailable())) throw new BackendError('--device native: onnxruntime-node is not installed here; use --device auto or wasm');

  const selected = pack.items.filter((it) => !shard || it.index % shard.count === shard.index);
  await takeStaging(staging);
  const partialRecords = new Map<number, ItemRecord>();
  for (const f of await readdir(join(staging, RECORDS))) {
    const r = readJsonFile<ItemRecord>(join(staging, RECORDS, f));
    if (r && typeof r.index === 'number') partialRecords.set(r.index, r);
  }
  const outRecords = new Map((readPackJson(out)?.items ?? []).map((r) => [r.paramsHash, r as ItemRecord]));

  const runtime = createRuntime({ manifest: source, device: flags.device === 'native' ? 'auto' : flags.device, cache: false });
  const report = progressReporter(flags.progress && !flags.json, 'bake');
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
      if (inStaging?.paramsHash === item.paramsHash && filesMatch(staging, inStaging)) record = inStaging;
      const inOut = record ? undefined : outRecords.get(item.paramsHash);
      // Matched by paramsHash (which covers name, model sha256 and every parameter), so a reordered item is reused too.
      if (inOut && filesMatch(out, inOut)) {
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
