import { describe, expect, it } from 'vitest';
import { UnplayableLevelError } from '../../src/errors.ts';
import { extractRoom, GOAL_CELL, mapCell } from '../../src/levels/dungeon/assemble.ts';
import { buildDungeon, regenerateRoom, RESAMPLES_PER_ROOM } from '../../src/levels/dungeon/generate.ts';
import { doorCells, dungeonTiles, OPPOSITE, ROOM_COLS, ROOM_ROWS, STEP, ZELDA_LEGEND } from '../../src/levels/dungeon/legend.ts';
import { planDungeon } from '../../src/levels/dungeon/layout.ts';
import { checkDungeon } from '../../src/levels/dungeon/reach.ts';
import type { WindowSampler } from '../../src/levels/outpaint.ts';

const tiles = dungeonTiles(ZELDA_LEGEND);
const id = (ch: string) => ZELDA_LEGEND.findIndex((t) => t.char === ch);

/** A stand-in for the model: known cells kept, every free cell `fill` (a char, or a function of the cell). */
function sampler(fill: string | ((r: number, c: number, index: number) => string)): WindowSampler {
  return async (w) => Uint8Array.from(w.cells, (v, k) => (w.mask[k] ? v : id(typeof fill === 'string' ? fill : fill(Math.floor(k / w.cols), k % w.cols, w.index))));
}
const opts = (sample: WindowSampler, ensurePlayable = true) => ({ sample, ensurePlayable, label: 0, class: 'zelda' });

describe('planDungeon', () => {
  it('places N rooms on distinct cells, joined by matching doors, connected, goal away from the start', () => {
    for (const seed of [1, 2, 3, 99]) {
      const plan = planDungeon(8, seed);
      expect(plan.rooms).toHaveLength(8);
      const at = new Map(plan.rooms.map((r, i) => [`${r.row},${r.col}`, i]));
      expect(at.size).toBe(8);
      for (const room of plan.rooms) {
        for (const side of room.doors) {
          const j = at.get(`${room.row + STEP[side][0]},${room.col + STEP[side][1]}`);
          expect(j, `door ${side} leads to a room`).toBeDefined();
          expect(plan.rooms[j!]!.doors).toContain(OPPOSITE[side]);
        }
      }
      expect(plan.goal).not.toBe(plan.start);
      expect(planDungeon(8, seed)).toEqual(plan);
    }
  });
});

describe('buildDungeon', () => {
  it('an open sample is playable raw: doors line up across every shared wall and a path joins start and goal', async () => {
    const plan = planDungeon(6, 5);
    const { grid, metadata } = await buildDungeon(plan, ZELDA_LEGEND, 5, opts(sampler('F')));
    expect(grid.rows).toBe(plan.gridRows * ROOM_ROWS);
    expect(grid.cols).toBe(plan.gridCols * ROOM_COLS);
    expect(metadata.playableRaw).toBe(true);
    expect(metadata.carved).toBe(0);
    for (const room of plan.rooms) {
      for (const side of room.doors) {
        for (const [r, c] of [...doorCells(side).inner, ...doorCells(side).outer]) {
          const [mr, mc] = mapCell(room, r, c);
          expect(grid.cells[mr * grid.cols + mc]).toBe(tiles.door);
        }
      }
    }
    const [gr, gc] = mapCell(plan.rooms[plan.goal]!, ...GOAL_CELL);
    expect(grid.cells[gr * grid.cols + gc]).toBe(tiles.stair);
    // Drawn as Zelda draws a central stair: blocks on its diagonals, floor on its four sides.
    for (const [dr, dc] of [[-1, -1], [-1, 1], [1, -1], [1, 1]]) expect(grid.cells[(gr + dr!) * grid.cols + gc + dc!]).toBe(tiles.block);
    for (const [dr, dc] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) expect(grid.cells[(gr + dr!) * grid.cols + gc + dc!]).toBe(tiles.floor);
    expect(metadata.path[0]).toEqual(metadata.start);
    expect(metadata.path.at(-1)).toEqual({ row: gr, col: gc });
    // A room cut back out is VGLC-shaped: the outer wall layer closed.
    const room = extractRoom(grid, plan.rooms[0]!, tiles);
    expect([...room.cells.subarray(0, ROOM_COLS)].every((t) => t === tiles.wall)).toBe(true);
  });

  it('a room of solid blocks fails raw, is re-sampled, then carved open; the checker names the room', async () => {
    const plan = planDungeon(4, 11);
    const raw = await buildDungeon(plan, ZELDA_LEGEND, 11, opts(sampler('B'), false));
    expect(raw.metadata.playable).toBe(false);
    expect(raw.metadata.reason).toMatch(/^room 0 .*cannot be reached/);
    const fixed = await buildDungeon(plan, ZELDA_LEGEND, 11, opts(sampler('B')));
    expect(fixed.metadata.playableRaw).toBe(false);
    expect(fixed.metadata.playable).toBe(true);
    expect(fixed.metadata.carved).toBeGreaterThan(0);
    expect(fixed.metadata.retries.length).toBe(RESAMPLES_PER_ROOM * plan.rooms.length);
    expect(checkDungeon(fixed.grid, plan, tiles).playable).toBe(true);
  });

  it('re-sampling is enough when a retry comes out open', async () => {
    const plan = planDungeon(3, 4);
    let calls = 0;
    const flaky: WindowSampler = async (w) => (calls++ === 0 ? sampler('B')(w) : sampler('F')(w));
    const { metadata } = await buildDungeon(plan, ZELDA_LEGEND, 4, opts(flaky));
    expect(metadata.playableRaw).toBe(false);
    expect(metadata.retries).toEqual([0]);
    expect(metadata.carved).toBe(0);
  });
});

describe('regenerateRoom', () => {
  it('changes only the room asked for', async () => {
    const plan = planDungeon(5, 8);
    const first = await buildDungeon(plan, ZELDA_LEGEND, 8, opts(sampler('F')));
    const redo = await regenerateRoom(first.grid, plan, 2, 9, opts(sampler((r, c) => ((r + c) % 5 === 0 ? 'M' : 'O'))));
    const room = plan.rooms[2]!;
    let changed = 0;
    for (let k = 0; k < first.grid.cells.length; k++) {
      const r = Math.floor(k / first.grid.cols);
      const c = k % first.grid.cols;
      const inside = Math.floor(r / ROOM_ROWS) === room.row && Math.floor(c / ROOM_COLS) === room.col;
      if (!inside) expect(redo.grid.cells[k], `cell ${r},${c}`).toBe(first.grid.cells[k]);
      else if (redo.grid.cells[k] !== first.grid.cells[k]) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    expect(redo.metadata.playable).toBe(true);
  });

  it('refuses to fix a dungeon that is broken outside the room it may change', async () => {
    const plan = planDungeon(4, 11);
    const broken = await buildDungeon(plan, ZELDA_LEGEND, 11, opts(sampler('B'), false));
    const other = plan.rooms.findIndex((_, i) => i !== broken.metadata.plan.start && i !== 0);
    await expect(regenerateRoom(broken.grid, plan, other, 1, opts(sampler('F')))).rejects.toThrow(UnplayableLevelError);
  });
});
