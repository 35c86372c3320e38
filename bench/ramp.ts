/**
 * Is the sample game's level harder further on? Builds worlds the way the game does
 * (sample-game/src/world: chunk 0, then chunks continuing the world's last columns, each asking
 * for difficultyAt(index) when the model takes it) in Node, and measures each chunk's new columns
 * with the attribute definition the model was trained on (src/levels/attributes.ts).
 *
 *     npx tsx bench/ramp.ts [--seeds 8] [--chunks 25] [--manifest models/manifest.json]
 *
 * Prints, per stretch of 5 chunks, the difficulty asked and the mean difficulty measured (normalised
 * by the model's quantiles; raw hazards per 32 columns in brackets).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '../src/runtime/runtime.ts';
import type { Runtime } from '../src/runtime/types.ts';
import { extendLevelRequest } from '../src/runtime/extend.ts';
import { SMB_LEGEND, sliceColumns } from '../src/levels/legend.ts';
import { normaliseAttribute, rawAttributes } from '../src/levels/attributes.ts';
import type { LevelRequest } from '../src/runtime/level-request.ts';
import type { GeneratedLevel } from '../src/runtime/types.ts';
import type { LevelGrid } from '../src/models/codecs.ts';
import { Columns } from '../sample-game/src/world/columns.ts';
import { CONTEXT, difficultyAt, firstChunkRequest, nextChunkRequest } from '../sample-game/src/world/chunk-requests.ts';

export interface ChunkMeasure {
  index: number;
  asked: number | undefined;
  /** Raw hazards per 32 columns of the chunk's new columns. */
  raw: number;
}

/** As the game: a chunk the checker cannot pass after its retries is taken as sampled. */
async function playableOrAsSampled(runtime: Runtime, request: LevelRequest): Promise<GeneratedLevel> {
  return runtime.level(request).catch((e: Error) => {
    if (e.name !== 'UnplayableLevelError') throw e;
    return runtime.level({ ...request, ensurePlayable: false });
  });
}

/** One world of `chunks` chunks; `steps` overrides the model's default (tests use fewer). */
export async function rampWorld(runtime: Runtime, seed: number, chunks: number, steps?: number): Promise<ChunkMeasure[]> {
  const model = (await runtime.models()).find((m) => m.kind === 'level' && m.genre !== 'dungeon')!;
  const ramp = model.attributes.includes('difficulty');
  const extra = steps === undefined ? {} : { steps };
  const columns = new Columns(14);
  const out: ChunkMeasure[] = [];
  const add = (grid: LevelGrid, from: number, index: number): void => {
    columns.append(grid, from);
    out.push({ index, asked: ramp ? difficultyAt(index) : undefined, raw: rawAttributes(sliceColumns(grid, from, grid.cols)).difficulty });
  };
  add((await playableOrAsSampled(runtime, { ...firstChunkRequest(seed, ramp), ...extra })).grid, 0, 0);
  for (let index = 1; index < chunks; index++) {
    const tail = { ...columns.tail(CONTEXT), legend: SMB_LEGEND };
    add((await playableOrAsSampled(runtime, { ...extendLevelRequest(tail, nextChunkRequest(seed, index, ramp)), ...extra })).grid, CONTEXT, index);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '8' }, chunks: { type: 'string', default: '25' }, manifest: { type: 'string' } } });
  const manifest = values.manifest ?? fileURLToPath(new URL('../models/manifest.json', import.meta.url));
  const runtime = createRuntime({ manifest, cache: false });
  try {
    const entry = (await runtime.manifest()).models.find((m) => m.kind === 'level' && m.genre !== 'dungeon')!;
    const q = entry.attributes?.find((a) => a.name === 'difficulty')?.quantiles;
    const all: ChunkMeasure[] = [];
    for (let s = 1; s <= Number(values.seeds); s++) all.push(...(await rampWorld(runtime, s, Number(values.chunks))));
    console.log(`${entry.id} ${entry.version}, ${values.seeds} worlds of ${values.chunks} chunks (24 new columns each)`);
    for (let from = 0; from < Number(values.chunks); from += 5) {
      const part = all.filter((c) => c.index >= from && c.index < from + 5);
      const raw = part.reduce((t, c) => t + c.raw, 0) / part.length;
      const asked = part[0]?.asked === undefined ? 'none' : `${difficultyAt(from).toFixed(2)}..${difficultyAt(from + 4).toFixed(2)}`;
      const measured = q ? part.reduce((t, c) => t + normaliseAttribute(c.raw, q), 0) / part.length : Number.NaN;
      console.log(`chunks ${from}-${from + 4}: asked ${asked}, measured ${measured.toFixed(3)} (raw ${raw.toFixed(2)} hazards per 32 columns)`);
    }
  } finally {
    await runtime.dispose();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
