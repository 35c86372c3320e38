/**
 * Keeps the level growing ahead of the hero: when fewer than AHEAD columns remain to the right
 * of the camera, the next chunk is requested from the worker (one at a time, in order, since each
 * continues the one before). The main thread only copies columns in when a chunk arrives.
 */
import type { Generation } from '../generation.ts';
import type { Progress } from '../../../src/runtime/types.ts';
import type { GeneratedLevel } from '../../../src/runtime/types.ts';
import { SMB_LEGEND } from '../../../src/levels/legend.ts';
import { Columns } from './columns.ts';
import { CONTEXT, FIRST_WIDTH, FLAT_START, NEW_COLUMNS, chunkSeed, firstChunkRequest, nextChunkRequest } from './chunk-requests.ts';
import { proceduralChunk } from './procedural.ts';
import { LEVEL_ROWS } from './tiles.ts';

/** Columns kept generated beyond the camera's right edge (more than one chunk of slack). */
export const AHEAD = 40;

export interface ChunkInfo {
  index: number;
  /** First new column in the world, and how many were added. */
  start: number;
  count: number;
  cached: boolean;
  ms: number;
  source: 'model' | 'procedural';
}

interface Made {
  grid: { rows: number; cols: number; cells: Uint8Array };
  /** First column of `grid` that is new (the rest is the pinned context). */
  from: number;
  cached: boolean;
  ms: number;
  source: ChunkInfo['source'];
}

export class LevelStream {
  readonly columns = new Columns(LEVEL_ROWS);
  readonly chunks: ChunkInfo[] = [];
  private pending: Promise<void> | undefined;
  private controller = new AbortController();

  /** Called for each chunk as it is appended (the play scene draws it). */
  onChunk: (chunk: ChunkInfo) => void = () => undefined;

  constructor(
    private generation: Generation,
    readonly worldSeed: number,
  ) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Generates chunk 0 (awaited by the loading screen). */
  first(onProgress?: (p: Progress) => void): Promise<void> {
    return this.request(onProgress);
  }

  /** Called every frame with the camera's right edge in columns; cheap when nothing is due. */
  update(rightColumn: number): void {
    if (!this.pending && this.columns.length - rightColumn < AHEAD) void this.request();
  }

  private request(onProgress?: (p: Progress) => void): Promise<void> {
    const index = this.chunks.length;
    this.pending = this.make(index, onProgress)
      .catch((e: Error) => {
        if (e.name === 'AbortError') throw e;
        // Degrade, don't die: a failed chunk (worker crash, lost GPU) becomes a procedural one.
        console.warn(`level chunk ${index} failed, using a procedural chunk: ${e.name}: ${e.message}`);
        return this.procedural(index, performance.now());
      })
      .then(({ grid, from, cached, ms, source }) => {
        const start = this.columns.length;
        this.columns.append(grid, from);
        const chunk = { index, start, count: grid.cols - from, cached, ms, source };
        this.chunks.push(chunk);
        this.onChunk(chunk);
      })
      .catch(() => undefined) // aborted: the scene is gone
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async make(index: number, onProgress?: (p: Progress) => void): Promise<Made> {
    const started = performance.now();
    if (!this.generation.models.level) return this.procedural(index, started);
    const signal = this.controller.signal;
    // The world's tile ids are SMB legend ids (tiles.ts), so its tail is a level in that legend.
    const world = { ...this.columns.tail(CONTEXT), legend: SMB_LEGEND };
    // Later chunks are harder where the model takes a difficulty attribute (chunk-requests.ts).
    const ramp = this.generation.models.level.attributes.includes('difficulty');
    const level = await this.playableOrAsSampled((ensurePlayable) =>
      index === 0
        ? this.generation.level({ ...firstChunkRequest(this.worldSeed, ramp), ensurePlayable }, signal, onProgress)
        : this.generation.extend(world, { ...nextChunkRequest(this.worldSeed, index, ramp), ensurePlayable }, signal, onProgress),
    );
    return { grid: level.grid, from: index === 0 ? 0 : CONTEXT, cached: level.cached, ms: level.ms, source: 'model' };
  }

  private procedural(index: number, started: number): Made {
    const grid = proceduralChunk(chunkSeed(this.worldSeed, index), index === 0 ? FIRST_WIDTH : NEW_COLUMNS, index === 0 ? FLAT_START : 0);
    return { grid, from: 0, cached: false, ms: performance.now() - started, source: 'procedural' };
  }

  /** A chunk the checker cannot pass after its bounded retries is still taken, as sampled. */
  private async playableOrAsSampled(make: (ensurePlayable: boolean) => Promise<GeneratedLevel>): Promise<GeneratedLevel> {
    try {
      return await make(true);
    } catch (e) {
      if ((e as Error).name !== 'UnplayableLevelError') throw e;
      return make(false);
    }
  }

  destroy(): void {
    this.controller.abort();
  }
}
