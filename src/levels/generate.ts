/**
 * The long-level pipeline, model-free (the window sampler comes in as a callback):
 * pins -> outpaint the whole width -> structure repair -> playability check -> (ensurePlayable)
 * regenerate the region around each failure with fresh noise, a bounded number of times.
 *
 * Seeds: the first fill uses the request seed, window i its noise stream i; attempt n of
 * ensurePlayable uses `deriveSeed(seed, n)`. So a seed always gives the same level, and every
 * regenerated region is reproducible.
 */
import { now } from '../clock.ts';
import { UnplayableLevelError } from '../errors.ts';
import { SMB_LEGEND, createGrid, type LevelGrid, type Legend } from './legend.ts';
import { defaultContext, fillRegion, type FillOptions, type WindowSampler } from './outpaint.ts';
import { checkPlayability, type Cell, type JumpPhysics, type PlayabilityResult } from './playability.ts';
import { repairStructures } from './structure.ts';

/** ensurePlayable bounds: attempts at one failure column, and in all. */
export const MAX_ATTEMPTS_PER_FAILURE = 8;
export const MAX_ATTEMPTS = 32;

export interface LevelTimings {
  sampleMs: number;
  repairMs: number;
  checkMs: number;
  totalMs: number;
}

export interface LevelMetadata {
  seed: number;
  /** Class index fed to the model (nullClass = unconditional) and its name. */
  label: number;
  class: string | null;
  /** Model windows sampled in all (first fill and every retry). */
  windows: number;
  /** Window width and known-context columns per window. */
  window: { width: number; context: number };
  /** ensurePlayable regenerations (0 when the first sample passed or the option was off). */
  attempts: number;
  /** Cells changed by structure repair, summed over every pass; null when the legend is not SMB's (no structure rules). */
  repairs: number | null;
  /** The checker's verdict on the raw sample, before repair and ensurePlayable. */
  playableRaw: boolean;
  /** The checker's verdict on the returned level (always true with ensurePlayable). */
  playable: boolean;
  /** Why (not) playable, naming the column. */
  reason: string;
  reachedColumn: number;
  /** The checker's path through the returned level (to the furthest standing spot when unplayable). */
  path: Cell[];
  /** Regenerated regions, [fromCol, toCol) per attempt. */
  retries: Array<[number, number]>;
  timings: LevelTimings;
}

export interface PipelineOptions extends FillOptions {
  sample: WindowSampler;
  ensurePlayable: boolean;
  label: number;
  class: string | null;
  physics?: JumpPhysics;
  maxAttemptsPerFailure?: number;
  maxAttempts?: number;
}

/** A different uint32 per (seed, salt), spread by a murmur3-style finaliser. */
export function deriveSeed(seed: number, salt: number): number {
  let z = ((seed >>> 0) ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const isSmb = (legend: Legend): boolean => legend.length === SMB_LEGEND.length && SMB_LEGEND.every((t, i) => legend[i]?.char === t.char);

class Run {
  readonly timings: LevelTimings = { sampleMs: 0, repairMs: 0, checkMs: 0, totalMs: 0 };
  windows = 0;
  repairs: number | null;
  readonly started = now();

  constructor(
    readonly grid: LevelGrid,
    readonly pins: Int16Array | null,
    readonly o: PipelineOptions,
  ) {
    this.repairs = isSmb(grid.legend) ? 0 : null;
  }

  async fill(from: number, to: number, seed: number): Promise<void> {
    const t = now();
    this.windows += await fillRegion(this.grid, this.pins, from, to, seed, this.o.sample, this.o);
    this.timings.sampleMs += now() - t;
  }

  /** Structure repair, keeping pins and (for regenerate) every cell outside [from, to). */
  repair(from = 0, to = this.grid.cols): void {
    if (this.repairs === null) return;
    const t = now();
    const { grid, pins } = this;
    const fixed = repairStructures(grid);
    for (let k = 0; k < grid.cells.length; k++) {
      const c = k % grid.cols;
      if (c < from || c >= to || (pins && pins[k]! >= 0) || fixed.cells[k] === grid.cells[k]) continue;
      grid.cells[k] = fixed.cells[k]!;
      this.repairs++;
    }
    this.timings.repairMs += now() - t;
  }

  check(): PlayabilityResult {
    const t = now();
    const result = checkPlayability(this.grid, { physics: this.o.physics });
    this.timings.checkMs += now() - t;
    return result;
  }

  /**
   * Regenerate around each failure (inside [from, to)) until the checker passes; the region
   * grows with each attempt at the same column. Throws UnplayableLevelError when out of attempts.
   */
  async ensurePlayable(seed: number, first: PlayabilityResult, from: number, to: number, retries: Array<[number, number]>): Promise<PlayabilityResult> {
    const perFailure = this.o.maxAttemptsPerFailure ?? MAX_ATTEMPTS_PER_FAILURE;
    const total = this.o.maxAttempts ?? MAX_ATTEMPTS;
    const tries = new Map<number, number>();
    let result = first;
    while (!result.playable) {
      const stuck = Math.max(0, result.reachedColumn);
      const n = tries.get(stuck) ?? 0;
      const where = `stuck at column ${stuck}: ${result.reason}`;
      // The obstacle is right of the furthest standing spot; later attempts redo a wider stretch.
      const left = Math.max(from, stuck - 4 - 2 * n);
      const right = Math.min(to, stuck + 12 + 4 * n);
      if (left >= right) throw new UnplayableLevelError(`the level is unplayable outside the region ${from}..${to} that may change (${where})`);
      if (n >= perFailure) throw new UnplayableLevelError(`no playable level after ${n} attempts at column ${stuck} (${where})${this.pinNote(stuck)}`);
      if (retries.length >= total) throw new UnplayableLevelError(`no playable level after ${total} attempts in all (${where})${this.pinNote(stuck)}`);
      tries.set(stuck, n + 1);
      retries.push([left, right]);
      await this.fill(left, right, deriveSeed(seed, retries.length));
      // Repair over everything that may change, not just the retried stretch: a retry boundary
      // can cut a pipe in two, and only a wider repair can pair its halves again.
      this.repair(from, to);
      result = this.check();
    }
    return result;
  }

  private pinNote(col: number): string {
    const { pins, grid } = this;
    if (!pins) return '';
    const pinned: number[] = [];
    for (let c = Math.max(0, col - 2); c <= Math.min(grid.cols - 1, col + 10); c++) {
      for (let r = 0; r < grid.rows; r++) if (pins[r * grid.cols + c]! >= 0) { pinned.push(c); break; }
    }
    return pinned.length ? `; pinned cells in columns ${pinned[0]}..${pinned[pinned.length - 1]} may make it impossible` : '';
  }

  metadata(seed: number, playableRaw: boolean, result: PlayabilityResult, retries: Array<[number, number]>): LevelMetadata {
    this.timings.totalMs = now() - this.started;
    return {
      seed,
      label: this.o.label,
      class: this.o.class,
      windows: this.windows,
      window: { width: this.o.window, context: this.o.context ?? defaultContext(this.o.window) },
      attempts: retries.length,
      repairs: this.repairs,
      playableRaw,
      playable: result.playable,
      reason: result.reason,
      reachedColumn: result.reachedColumn,
      path: result.path,
      retries,
      timings: this.timings,
    };
  }
}

export interface LevelOutput {
  grid: LevelGrid;
  metadata: LevelMetadata;
}

/** A new level `cols` wide: pins (tile id per cell, -1 free) are kept exactly. */
export async function buildLevel(rows: number, cols: number, legend: Legend, pins: Int16Array, seed: number, o: PipelineOptions): Promise<LevelOutput> {
  const run = new Run(createGrid(rows, cols, legend), pins, o);
  await run.fill(0, cols, seed);
  const playableRaw = run.check().playable;
  run.repair();
  let result = run.check();
  const retries: Array<[number, number]> = [];
  if (o.ensurePlayable) result = await run.ensurePlayable(seed, result, 0, cols, retries);
  return { grid: run.grid, metadata: run.metadata(seed, playableRaw, result, retries) };
}

/**
 * Redo columns [from, to) of `level` with new noise from `seed`; every cell outside them stays
 * byte-identical (they are known context in every window, and repair edits there are dropped).
 */
export async function regenerateRegion(level: LevelGrid, from: number, to: number, seed: number, o: PipelineOptions): Promise<LevelOutput> {
  const grid: LevelGrid = { rows: level.rows, cols: level.cols, cells: level.cells.slice(), legend: [...level.legend] };
  const run = new Run(grid, null, o);
  await run.fill(from, to, seed);
  const playableRaw = run.check().playable;
  run.repair(from, to);
  let result = run.check();
  const retries: Array<[number, number]> = [];
  if (o.ensurePlayable) result = await run.ensurePlayable(seed, result, from, to, retries);
  // Belt and braces: the outside is the input's, whatever happened above.
  for (let r = 0; r < grid.rows; r++) {
    const row = r * grid.cols;
    grid.cells.set(level.cells.subarray(row, row + from), row);
    grid.cells.set(level.cells.subarray(row + to, row + grid.cols), row + to);
  }
  return { grid, metadata: run.metadata(seed, playableRaw, result, retries) };
}
