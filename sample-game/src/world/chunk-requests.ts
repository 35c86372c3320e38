/**
 * How the endless level is asked for: chunk 0 is a level with a flat start; every later chunk
 * extends the world: its first CONTEXT columns are pinned to the world's last columns
 * (outpainting: the model fills the rest so it continues what is there). Everything is derived
 * from the world seed and the previous chunk, so the same seed gives the same world and the same
 * cache keys: a second visit is all IndexedDB hits.
 */
import { deriveSeed } from '../../../src/levels/generate.ts';
import type { LevelRequest } from '../../../src/runtime/level-request.ts';
import type { ExtendLevelRequest } from '../../../src/runtime/extend.ts';

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

export function firstChunkRequest(worldSeed: number): LevelRequest {
  return { width: FIRST_WIDTH, seed: chunkSeed(worldSeed, 0), flatStart: FLAT_START, ensurePlayable: true };
}

/**
 * Chunk `index` > 0: NEW_COLUMNS columns continuing the world's last CONTEXT (the plugin's
 * extendLevel pins them and keeps ensurePlayable only where the checker can start in them).
 */
export function nextChunkRequest(worldSeed: number, index: number): ExtendLevelRequest {
  return { columns: NEW_COLUMNS, context: CONTEXT, seed: chunkSeed(worldSeed, index), ensurePlayable: true };
}
