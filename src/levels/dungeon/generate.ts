/**
 * The dungeon pipeline, model-free (the room sampler comes in as a callback, as the platformer's
 * window sampler does): plan -> sample every room with its wall ring known -> place -> check ->
 * (ensurePlayable) redo the blocking room with fresh noise a bounded number of times, then carve
 * it open. Seeds: room i of the first fill is noise stream i of the request seed; retry n samples
 * with `deriveSeed(seed, n)`, so a seed always gives the same dungeon. Novelty guard: a sample equal
 * to a training room (`knownRooms`, known-rooms.ts) is varied or sampled again, at most
 * COPY_RESAMPLES times, with `deriveSeed(seed', COPY_SALT + k)` for try k of that sample's seed'.
 */
import { now } from '../../clock.ts';
import { UnplayableLevelError } from '../../errors.ts';
import type { LevelGrid } from '../../models/codecs.ts';
import type { TileInfo } from '../../models/manifest.ts';
import { deriveSeed } from '../generate.ts';
import type { Cell } from '../playability.ts';
import type { WindowSampler } from '../outpaint.ts';
import { knownRoom, voidMap, writeRoom } from './assemble.ts';
import { roomFingerprint } from './known-rooms.ts';
import { ROOM_COLS, ROOM_ROWS, WALL, dungeonTiles, type DungeonTiles } from './legend.ts';
import type { DungeonPlan } from './layout.ts';
import { carveRoom, checkDungeon, type DungeonCheck } from './reach.ts';

/** Fresh samples of one blocking room before it is carved open. */
export const RESAMPLES_PER_ROOM = 3;
/** Further tries for a room that came out equal to a training room (varied, then fresh); the last is kept whatever it is. */
export const COPY_RESAMPLES = 16;
/** Of those, the first ones vary half of the copy (varyHalf); the rest sample the whole room afresh. */
const VARY_TRIES = 8;
/** Keeps the guard's seeds apart from the repair retries' (deriveSeed(seed, n), n small). */
const COPY_SALT = 0x10000;

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
  /** Rooms whose first sample equalled a training room (the model's own copying; 0 without knownRooms). */
  copiedRooms: number;
  /** Samples thrown away for equalling a training room. */
  copyResamples: number;
  /** Rooms kept although equal to a training room (every guard sample was a copy). */
  copiesKept: number;
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
  /** Training-room fingerprints (the manifest's knownRooms): samples matching one are redone. */
  knownRooms?: ReadonlySet<string>;
}

/**
 * The known cells for try k (1-based) of a room that came out as a copy: the copy itself, with one
 * half of its interior (left, right, top, bottom in turn) to sample again. A faithful model fed
 * half a Zelda template often completes the same template, hence the fresh samples after
 * VARY_TRIES; but a varied copy keeps the data's tile statistics far better (level-dungeon card,
 * before the goal-stair motif: fresh samples alone gave kl 0.137, halves alone 0.110 at novelty 0.90).
 */
function varyHalf(copy: Uint8Array, cells: Uint8Array, mask: Uint8Array, k: number): { cells: Uint8Array; mask: Uint8Array } {
  const known = copy.slice();
  for (let j = 0; j < known.length; j++) if (mask[j]) known[j] = cells[j]!;
  const vary = new Uint8Array(mask.length).fill(1);
  const part = (k - 1) % 4;
  const midRow = ROOM_ROWS / 2, midCol = ROOM_COLS / 2;
  for (let r = WALL; r < ROOM_ROWS - WALL; r++) {
    for (let c = WALL; c < ROOM_COLS - WALL; c++) {
      const inHalf = part < 2 ? c < midCol === (part === 0) : r < midRow === (part === 2);
      if (inHalf && !mask[r * ROOM_COLS + c]) vary[r * ROOM_COLS + c] = 0;
    }
  }
  return { cells: known, mask: vary };
}

class Run {
  readonly tiles: DungeonTiles;
  readonly timings = { sampleMs: 0, checkMs: 0, totalMs: 0 };
  readonly retries: number[] = [];
  samples = 0;
  carved = 0;
  copiedRooms = 0;
  copyResamples = 0;
  copiesKept = 0;
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
    const known = this.o.knownRooms;
    let out: Uint8Array | undefined;
    for (let k = 0; ; k++) {
      const region = out && k <= VARY_TRIES ? varyHalf(out, cells, mask, k) : undefined;
      out = await this.o.sample({ index, seed: k === 0 ? seed : deriveSeed(seed, COPY_SALT + k), start: 0, rows: ROOM_ROWS, cols: ROOM_COLS, cells: region?.cells ?? cells, mask: region?.mask ?? mask });
      // Known cells are the plan's, whatever the model returned there.
      for (let j = 0; j < out.length; j++) if (mask[j]) out[j] = cells[j]!;
      this.samples++;
      if (!known?.size || !known.has(roomFingerprint({ rows: ROOM_ROWS, cols: ROOM_COLS, cells: out, legend: this.grid.legend }))) break;
      if (k === 0) this.copiedRooms++;
      if (k === COPY_RESAMPLES) {
        this.copiesKept++;
        break;
      }
      this.copyResamples++;
    }
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
    const { samples, retries, carved, copiedRooms, copyResamples, copiesKept, timings } = this;
    return { seed, label: this.o.label, class: this.o.class, plan: this.plan, start, goal, playableRaw, playable, reason, samples, retries, carved, copiedRooms, copyResamples, copiesKept, path, timings };
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
