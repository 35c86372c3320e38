/** `asset-diffusion merge DIR... --out DIR`: joins the outputs of `bake --shard` runs into one pack, byte-identical to a single unsharded bake. */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidRequestError } from '../../errors.ts';
import { readCappedText } from '../../node/read.ts';
import { MAX_PACK_JSON_BYTES, PACK_FILE, packJsonProblem, type ItemRecord, type PackJson } from '../../pack-format.ts';
import { PackInputError, sha256 } from './config.ts';
import { checkPackOut, filesMatch, packManifest, prune, publish, takeStaging } from './staging.ts';

export interface MergeFlags {
  out: string;
  json?: boolean;
}

function readShard(arg: string): PackJson {
  let pack: unknown;
  try {
    pack = JSON.parse(readCappedText(arg, join(resolve(arg), PACK_FILE), MAX_PACK_JSON_BYTES));
  } catch (e) {
    const why = e instanceof InvalidRequestError ? e.message.slice(e.field.length + 2) : (e as Error).message;
    throw new PackInputError(`${arg}: no readable ${PACK_FILE} of an asset-diffusion pack (${why})`);
  }
  const problem = packJsonProblem(pack);
  if (problem) throw new PackInputError(`${arg}: ${PACK_FILE}: ${problem}`);
  return pack as PackJson;
}

export async function mergeCommand(dirs: string[], flags: MergeFlags): Promise<void> {
  const packs = dirs.map((d) => ({ dir: resolve(d), pack: readShard(d) }));
  const first = packs[0]!.pack;
  for (const { dir, pack } of packs)
    if (pack.configSha256 !== first.configSha256 || pack.formatVersion !== first.formatVersion)
      throw new PackInputError(`${dir}: baked from another pack config (configSha256 ${pack.configSha256} vs ${first.configSha256})`);

  const total = first.config.sprites.length + first.config.tiles.length + first.config.levels.length;
  const byIndex = new Map<number, { dir: string; record: ItemRecord }>();
  for (const { dir, pack } of packs) {
    for (const record of pack.items) {
      const seen = byIndex.get(record.index);
      if (seen && sha256(JSON.stringify(seen.record)) !== sha256(JSON.stringify(record)))
        throw new PackInputError(`${dir}: item ${record.index} (${record.name}) differs from the one in ${seen.dir}`);
      if (!seen) byIndex.set(record.index, { dir, record });
    }
  }
  const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new PackInputError(`merge: items ${missing.join(', ')} are in none of the given folders (${total} items in the pack); bake the missing shards first`);
  for (const { dir, record } of byIndex.values())
    if (!filesMatch(dir, record)) throw new PackInputError(`${dir}: files of item ${record.index} (${record.name}) are missing or do not match their sha256 in ${PACK_FILE}`);

  const { out, staging } = checkPackOut(flags.out);
  await takeStaging(staging);
  await prune(staging, new Set());
  for (const { dir, record } of byIndex.values()) {
    for (const f of Object.values(record.files)) {
      await mkdir(dirname(join(staging, f.path)), { recursive: true });
      await copyFile(join(dir, f.path), join(staging, f.path));
    }
  }
  const records = [...byIndex.values()].map((v) => v.record);
  await publish(staging, out, packManifest({ config: first.config, configSha256: first.configSha256, models: first.models ?? {} }, records, null));
  if (flags.json) console.log(JSON.stringify({ ok: true, pack: first.config.name, out, merged: dirs.length, items: records.length }, null, 1));
  else console.log(`merged ${dirs.length} folder(s) into ${out}: ${records.length} items of ${first.config.name}`);
}
