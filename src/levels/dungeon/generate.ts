/**
 * The dungeon pipeline, model-free (the room sampler comes in as a callback, as the platformer's
 * window sampler does): plan -> sample every room with its wall ring known -> place -> check ->
 * (ensurePlayable) redo the blocking room with fresh noise a bounded number of times, then carve
 * it open. Seeds: room i of the first fill is noise stream i of the request seed; retry n samples
 * with `deriveSeed(seed, n)`, so a seed always gives the same dungeon.
 */
import { now } from '../../clock.ts';
import { UnplayableLevelError } from '../../errors.ts';
import type { LevelGrid } from '../../models/codecs.ts';
import type { TileInfo } from '../../models/manifest.ts';
import { deriveSeed } from '../generate.ts';
import type { Cell } from '../playability.ts';
import type { WindowSampler } from '../outpaint.ts';
import { knownRoom, voidMap, writeRoom } from './assemble.ts';
import { ROOM_COLS, ROOM_ROWS, dungeonTiles, type DungeonTiles } from './legend.ts';
import type { DungeonPlan } from './layout.ts';
import { carveRoom, checkDungeon, type DungeonCheck } from './reach.ts';

/** Fresh samples of one blocking room before it is carved open. */
export const RESAMPLES_PER_ROOM = 3;

export interface DungeonMetadata {
  seed: number;
  label: number;
  class: string | null;
  plan: DungeonPlan;
  start: Cell;
  goal: Cell;
  /** The checker on the rooms as first sampled (before any retry or carving). */
  playableRaw: boolean;
  playable: boolean;
  reason: string;
  /** Room samples in all (first fill and retries). */
  samples: number;
  /** Rooms re-sampled, in order. */
  retries: number[];
  /** Cells opened by carving. */
  carved: number;
  path: Cell[];
  timings: { sampleMs: number; checkMs: number; totalMs: number };
}

export interface DungeonOutput {
  grid: LevelGrid;
  metadata: DungeonMetadata;
}

export interface DungeonOptions {
  sample: WindowSampler;
  ensurePlayable: boolean;
  label: number;
  class: string | null;
  resamplesPerRoom?: number;
}

class Run {
  readonly tiles: DungeonTiles;
  readonly timings = { sampleMs: 0, checkMs: 0, totalMs: 0 };
  readonly retries: number[] = [];
  samples = 0;
  carved = 0;
  readonly started = now();

  constructor(
    readonly grid: LevelGrid,
    readonly plan: DungeonPlan,
    readonly o: DungeonOptions,
  ) {
    this.tiles = dungeonTiles(grid.legend);
  }

  async sampleRoom(i: number, seed: number, index: number): Promise<Uint8Array> {
    const t = now();
    const { cells, mask } = knownRoom(this.plan.rooms[i]!, this.tiles, i === this.plan.goal);
    const out = await this.o.sample({ index, seed, start: 0, rows: ROOM_ROWS, cols: ROOM_COLS, cells, mask });
    // Known cells are the plan's, whatever the model returned there.
    for (let k = 0; k < out.length; k++) if (mask[k]) out[k] = cells[k]!;
    this.samples++;
    this.timings.sampleMs += now() - t;
    return out;
  }

  check(): DungeonCheck {
    const t = now();
    const result = checkDungeon(this.grid, this.plan, this.tiles);
    this.timings.checkMs += now() - t;
    return result;
  }

  /** Redo the blocking room until the dungeon passes; carve it once its samples are spent. `only` limits the rooms that may change. */
  async ensurePlayable(seed: number, first: DungeonCheck, only?: number): Promise<DungeonCheck> {
    const per = this.o.resamplesPerRoom ?? RESAMPLES_PER_ROOM;
    const tries = new Map<number, number>();
    let result = first;
    for (let guard = 0; !result.playable; guard++) {
      const room = result.blocker;
      if (only !== undefined && room !== only) throw new UnplayableLevelError(`the dungeon is unplayable outside room ${only}, the one that may change (${result.reason})`);
      if (guard > this.plan.rooms.length * (per + 1)) throw new UnplayableLevelError(`no playable dungeon after ${guard} repairs (${result.reason})`);
      const n = tries.get(room) ?? 0;
      tries.set(room, n + 1);
      if (n < per) {
        this.retries.push(room);
        writeRoom(this.grid, this.plan.rooms[room]!, await this.sampleRoom(room, deriveSeed(seed, this.retries.length), room), this.tiles);
      } else {
        const carved = carveRoom(this.grid, this.plan, room, this.tiles, result.start);
        if (carved === 0) throw new UnplayableLevelError(`carving room ${room} opened nothing (${result.reason})`);
        this.carved += carved;
      }
      result = this.check();
    }
    return result;
  }

  metadata(seed: number, playableRaw: boolean, result: DungeonCheck): DungeonMetadata {
    this.timings.totalMs = now() - this.started;
    const { start, goal, playable, reason, path } = result;
    return { seed, label: this.o.label, class: this.o.class, plan: this.plan, start, goal, playableRaw, playable, reason, samples: this.samples, retries: this.retries, carved: this.carved, path, timings: this.timings };
  }
}

/** A new dungeon on `plan`: every room sampled (noise stream = room index), placed and checked. */
export async function buildDungeon(plan: DungeonPlan, legend: TileInfo[], seed: number, o: DungeonOptions): Promise<DungeonOutput> {
  const tiles = dungeonTiles(legend);
  const run = new Run(voidMap(plan, legend, tiles), plan, o);
  for (let i = 0; i < plan.rooms.length; i++) writeRoom(run.grid, plan.rooms[i]!, await run.sampleRoom(i, seed, i), tiles);
  let result = run.check();
  const playableRaw = result.playable;
  if (o.ensurePlayable) result = await run.ensurePlayable(seed, result);
  return { grid: run.grid, metadata: run.metadata(seed, playableRaw, result) };
}

/**
 * Redo room `room` of a dungeon in place with new noise from `seed` (its wall ring and doors
 * known, so it still joins its neighbours); every cell outside the room stays byte-identical.
 */
export async function regenerateRoom(dungeon: LevelGrid, plan: DungeonPlan, room: number, seed: number, o: DungeonOptions): Promise<DungeonOutput> {
  const grid: LevelGrid = { rows: dungeon.rows, cols: dungeon.cols, cells: dungeon.cells.slice(), legend: [...dungeon.legend] };
  const run = new Run(grid, plan, o);
  writeRoom(grid, plan.rooms[room]!, await run.sampleRoom(room, seed, room), run.tiles);
  let result = run.check();
  const playableRaw = result.playable;
  if (o.ensurePlayable) result = await run.ensurePlayable(seed, result, room);
  return { grid, metadata: run.metadata(seed, playableRaw, result) };
}
