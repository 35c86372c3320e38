/**
 * How the endless level is asked for: chunk 0 is a level with a flat start; every later chunk is
 * the same kind of request with its first CONTEXT columns pinned to the world's last columns
 * (outpainting: the model fills the rest so it continues what is there). Everything is derived
 * from the world seed and the previous chunk, so the same seed gives the same world and the same
 * cache keys: a second visit is all IndexedDB hits.
 */
import { deriveSeed } from '../../../src/levels/generate.ts';
import { SOLID } from './tiles.ts';
import type { LevelConstraint, LevelRequest } from '../../../src/runtime/level-request.ts';

/** Columns of chunk 0: wide enough to fill the first screen and a bit beyond. */
export const FIRST_WIDTH = 48;
/** Columns of every later request: one 32-column model window, CONTEXT pinned + NEW sampled. */
export const CHUNK_WIDTH = 32;
export const CONTEXT = 8;
export const NEW_COLUMNS = CHUNK_WIDTH - CONTEXT;
/** Columns of ground the hero starts on. */
export const FLAT_START = 6;

export function chunkSeed(worldSeed: number, index: number): number {
  return deriveSeed(worldSeed, 0x1000 + index);
}

/** Pins for a known grid as column runs of one tile (a few rectangles per column, not rows x cols cells). */
export function contextConstraints(context: { rows: number; cols: number; cells: Uint8Array }): LevelConstraint[] {
  const out: LevelConstraint[] = [];
  for (let c = 0; c < context.cols; c++) {
    let start = 0;
    for (let r = 1; r <= context.rows; r++) {
      const tile = context.cells[start * context.cols + c]!;
      if (r < context.rows && context.cells[r * context.cols + c] === tile) continue;
      out.push({ rect: { row: start, col: c, rows: r - start, cols: 1 }, tile });
      start = r;
    }
  }
  return out;
}

export function firstChunkRequest(worldSeed: number): LevelRequest {
  return { width: FIRST_WIDTH, seed: chunkSeed(worldSeed, 0), flatStart: FLAT_START, ensurePlayable: true };
}

export function nextChunkRequest(worldSeed: number, index: number, context: { rows: number; cols: number; cells: Uint8Array }): LevelRequest {
  return {
    width: CHUNK_WIDTH,
    seed: chunkSeed(worldSeed, index),
    flatStart: 0,
    constraints: contextConstraints(context),
    // The checker starts on ground in the first columns; pinned context without any would fail
    // every retry, so such chunks are taken as sampled (the game's jump is a little generous).
    ensurePlayable: hasFooting(context, 3),
  };
}

/** A standing spot (solid tile with a free tile above) in the first `columns` columns. */
export function hasFooting(grid: { rows: number; cols: number; cells: Uint8Array }, columns: number, solid = SOLID): boolean {
  for (let c = 0; c < Math.min(columns, grid.cols); c++) {
    for (let r = 1; r < grid.rows; r++) {
      if (solid.has(grid.cells[r * grid.cols + c]!) && !solid.has(grid.cells[(r - 1) * grid.cols + c]!)) return true;
    }
  }
  return false;
}
