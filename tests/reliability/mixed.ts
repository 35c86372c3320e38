/** The mixed request set of the load and soak tests, on the fixture family's tiny sprite, tile and level models. */
import { createHash } from 'node:crypto';
import type { GenerateRequest } from '../../src/runtime/request.ts';
import type { LevelRequest } from '../../src/runtime/level-request.ts';

import { FAMILY_MANIFEST } from '../helpers/fixture.ts';

export const MIXED_MANIFEST = FAMILY_MANIFEST;

export type Job = { api: 'generate'; request: GenerateRequest } | { api: 'level'; request: LevelRequest };

/**
 * Job i: sprites, tiles, raw level windows and outpainted levels in turn, each with its own seed.
 * `light` (the soak): one item, one step, one-window levels.
 */
export function job(i: number, light = false): Job {
  const seed = 10_000 + i;
  const steps = (n: number) => (light ? 1 : n);
  const count = (n: number) => (light ? 1 : n);
  switch (i % 4) {
    case 0:
      return { api: 'generate', request: { kind: 'sprite', seed, steps: steps(1 + (i % 3)), count: count(1 + (i % 2)), ...(i % 8 === 0 ? { palette: 8 } : {}) } };
    case 1:
      return { api: 'generate', request: { kind: 'tile', seed, steps: steps(1 + (i % 2)), count: count(1 + (i % 3)) } };
    case 2:
      return { api: 'generate', request: { kind: 'level', seed, steps: 1 } };
    default:
      return { api: 'level', request: { width: light ? 16 : 16 + (i % 3) * 8, seed, steps: 1 } };
  }
}

type Result = { kind?: string; images?: Array<{ data: ArrayLike<number> }>; levels?: Array<{ cells: ArrayLike<number> }>; grid?: { cells: ArrayLike<number> }; request: { seed: number } };

/** A digest of a result's pixels or cells, and the seed it says it was made from. */
export function digest(r: Result): string {
  const h = createHash('sha256');
  const arrays = r.grid ? [r.grid.cells] : r.levels ? r.levels.map((l) => l.cells) : r.images!.map((i) => i.data);
  for (const a of arrays) h.update(Uint8Array.from(a as ArrayLike<number>));
  return `${r.request.seed}:${h.digest('hex').slice(0, 16)}`;
}
