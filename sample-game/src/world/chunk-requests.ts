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

/**
 * The difficulty asked of chunk `index` (level attributes, for models that take them): easy at
 * the start, rising linearly to DIFFICULTY_END over RAMP_CHUNKS chunks (24 new columns each,
 * about 480 columns), then staying there. 0.5 is a median stretch of the training levels.
 */
export const DIFFICULTY_START = 0.15;
export const DIFFICULTY_END = 0.9;
export const RAMP_CHUNKS = 20;
export function difficultyAt(index: number): number {
  const t = Math.min(1, Math.max(0, index) / RAMP_CHUNKS);
  return Math.round((DIFFICULTY_START + (DIFFICULTY_END - DIFFICULTY_START) * t) * 1000) / 1000;
}

/** `{ attributes: { difficulty } }` for a model that takes difficulty, else nothing (older models). */
const ramp = (index: number, takesDifficulty: boolean): Pick<LevelRequest, 'attributes'> => (takesDifficulty ? { attributes: { difficulty: difficultyAt(index) } } : {});

export function firstChunkRequest(worldSeed: number, takesDifficulty = false): LevelRequest {
  return { width: FIRST_WIDTH, seed: chunkSeed(worldSeed, 0), flatStart: FLAT_START, ensurePlayable: true, ...ramp(0, takesDifficulty) };
}

/**
 * Chunk `index` > 0: NEW_COLUMNS columns continuing the world's last CONTEXT (the plugin's
 * extendLevel pins them and keeps ensurePlayable only where the checker can start in them).
 */
export function nextChunkRequest(worldSeed: number, index: number, takesDifficulty = false): ExtendLevelRequest {
  return { columns: NEW_COLUMNS, context: CONTEXT, seed: chunkSeed(worldSeed, index), ensurePlayable: true, ...ramp(index, takesDifficulty) };
}
