/**
 * A small hand-written level generator, used only when the manifest has no level model (a fresh
 * clone before training): the game stays playable, and the HUD says the level is procedural.
 * Same contract as the model path: a seed and the chunk index give the same columns.
 */
import { createRng } from '../../../src/core/rng.ts';
import { LEVEL_ROWS, TILE } from './tiles.ts';

export function proceduralChunk(seed: number, cols: number, flatStart: number): { rows: number; cols: number; cells: Uint8Array } {
  const rows = LEVEL_ROWS;
  const cells = new Uint8Array(rows * cols);
  const rng = createRng(seed, 7);
  const put = (r: number, col: number, id: number): void => void (col < cols && (cells[r * cols + col] = id));
  let c = 0;
  while (c < cols) {
    const run = c < flatStart ? flatStart : 4 + rng.int(8);
    for (let i = 0; i < run && c < cols; i++, c++) {
      put(rows - 1, c, TILE.ground);
      put(rows - 2, c, TILE.ground);
      if (c >= flatStart && rng.uniform() < 0.08) put(rows - 3, c, TILE.enemy);
      else if (c >= flatStart && rng.uniform() < 0.1) put(rows - 4, c, TILE.coin);
    }
    // A floating platform over some runs: bricks with a question block, coins on top.
    if (run > 5 && rng.uniform() < 0.6) {
      const at = c - run + 1 + rng.int(run - 4);
      for (let i = 0; i < 3; i++) put(rows - 6, at + i, i === 1 ? TILE.question : TILE.brick);
      put(rows - 7, at, TILE.coin);
    }
    c += c < flatStart ? 0 : 1 + rng.int(3); // a gap of 1..3 columns
  }
  return { rows, cols, cells };
}
