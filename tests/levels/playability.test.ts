import { describe, expect, it } from 'vitest';
import { checkPlayability, SMB_PHYSICS, WALKING_PHYSICS, type Cell, type PlayabilityResult } from '../../src/levels/playability.ts';
import { arcTable, type Arc } from '../../src/levels/physics.ts';
import { TILE, tileAt, type LevelGrid } from '../../src/levels/legend.ts';
import { flat, level, trainingLevels } from './helpers.ts';

/** Flat ground with a pit of `gap` columns starting at column `at`. */
function gapLevel(gap: number, at = 10): LevelGrid {
  return flat(at + gap + 10, (rows) => {
    for (let c = at; c < at + gap; c++) rows[13]![c] = '-';
  });
}

/** Flat ground, then from column `at` on a wall `height` tiles tall. */
function wallLevel(height: number, at = 10): LevelGrid {
  return flat(at + 10, (rows) => {
    for (let c = at; c < at + 10; c++) for (let r = 13 - height; r < 13; r++) rows[r]![c] = 'X';
  });
}

/** Every path cell is open (not solid, not an enemy) and each step moves at most one cell each way. */
function expectSoundPath(grid: LevelGrid, result: PlayabilityResult): void {
  const tile = (cell: Cell) => grid.legend[tileAt(grid, cell.row, cell.col)]!;
  expect(result.path[0]).toEqual(result.start);
  result.path.forEach((cell, i) => {
    expect(tile(cell).solid, `path cell ${i} ${JSON.stringify(cell)} is solid`).toBe(false);
    // An enemy's cell only by landing on it from straight above (a stomp).
    const stomp = i > 0 && result.path[i - 1]!.col === cell.col && result.path[i - 1]!.row === cell.row - 1;
    if (tile(cell).char === 'E') expect(stomp, `path cell ${i} ${JSON.stringify(cell)} walks into an enemy`).toBe(true);
    if (i > 0) {
      const prev = result.path[i - 1]!;
      expect(Math.abs(cell.col - prev.col) <= 1 && Math.abs(cell.row - prev.row) <= 1, `step ${i}`).toBe(true);
    }
  });
}

describe('checkPlayability on hand-made levels', () => {
  it('walks a flat level from the left edge to the last column', () => {
    const grid = flat(30);
    const result = checkPlayability(grid);
    expect(result).toMatchObject({ playable: true, reachedColumn: 29, start: { col: 0, row: 12 } });
    expect(result.path.at(-1)!.col).toBe(29);
    expectSoundPath(grid, result);
  });

  it('clears gaps of 3 tiles from a standstill, 4 at walking pace, 8 with a 3-tile run-up, never 9', () => {
    const widest = (physics = SMB_PHYSICS, at = 10) => {
      let max = 0;
      for (let gap = 1; gap <= 12; gap++) if (checkPlayability(gapLevel(gap, at), { physics }).playable) max = gap;
      return max;
    };
    expect(widest(SMB_PHYSICS, 1)).toBe(3); // Mario starts at column 0, one tile before the edge
    expect(widest(WALKING_PHYSICS)).toBe(4);
    expect(widest(SMB_PHYSICS)).toBe(8);
    const result = checkPlayability(gapLevel(9));
    expect(result.playable).toBe(false);
    expect(result.reachedColumn).toBe(9);
    expect(result.path.at(-1)).toEqual({ col: 9, row: 12 });
    expect(result.reason).toBe('stuck at column 9: the next ground is 10 column(s) on and at the same height, out of jump reach (or guarded by enemies)');
    expectSoundPath(gapLevel(9), result);
  });

  it('carries a running jump through a one-tile foothold, unless landings keep no run-up', () => {
    // Two 7-tile pits either side of a single ground tile: only a jump at full speed clears the second.
    const grid = flat(40, (rows) => {
      for (let c = 15; c < 30; c++) if (c !== 22) rows[13]![c] = '-';
    });
    const result = checkPlayability(grid);
    expect(result.playable).toBe(true);
    expect(result.path.some((cell) => cell.col === 22 && cell.row === 12)).toBe(true);
    expectSoundPath(grid, result);
    const cautious = checkPlayability(grid, { landingMomentum: false });
    expect(cautious).toMatchObject({ playable: false, reachedColumn: 22 });
  });

  it('climbs a 4-tile wall from a standstill, 5 with a run-up, never 6', () => {
    const highest = (physics = SMB_PHYSICS, at = 10) => {
      let max = 0;
      for (let height = 1; height <= 11; height++) if (checkPlayability(wallLevel(height, at), { physics, startColumns: 1 }).playable) max = height;
      return max;
    };
    expect(highest(SMB_PHYSICS, 1)).toBe(4);
    expect(highest(WALKING_PHYSICS)).toBe(4);
    expect(highest(SMB_PHYSICS)).toBe(5);
    const result = checkPlayability(wallLevel(6));
    expect(result.playable).toBe(false);
    expect(result.reason).toBe('stuck at column 9: a wall 6 tile(s) high in column 10, too high to jump onto');
  });

  it('jumps over enemies but never walks into one', () => {
    const grid = flat(20, (rows) => {
      rows[12]![8] = 'E';
    });
    const result = checkPlayability(grid);
    expect(result.playable).toBe(true);
    expectSoundPath(grid, result);
    // In a one-tile-high tunnel the enemy can be neither jumped nor stomped.
    const tunnel = flat(20, (rows) => {
      for (let c = 6; c < 12; c++) rows[11]![c] = 'X';
      for (let r = 0; r < 11; r++) rows[r]![6] = 'X';
      rows[12]![8] = 'E';
    });
    expect(checkPlayability(tunnel).playable).toBe(false);
    tunnel.cells[12 * tunnel.cols + 8] = TILE.empty;
    expect(checkPlayability(tunnel).playable).toBe(true);
  });

  it('does not stomp its way through a passage too low for Mario to be above an enemy', () => {
    // A two-row passage from column 4 on with a row of five enemies. In the tile model Mario's
    // head would be in the ceiling whenever his feet are above an enemy's cell, so the checker
    // refuses it (conservative: the frame-level agent, with a smaller enemy box, gets through).
    const grid = flat(20, (rows) => {
      for (let c = 4; c < 20; c++) rows[10]![c] = 'X';
      for (let r = 0; r < 10; r++) rows[r]![4] = 'X';
      for (let c = 5; c < 10; c++) rows[12]![c] = 'E';
    });
    expect(checkPlayability(grid).playable).toBe(false);
    // With a three-row passage he hops from enemy to enemy.
    grid.cells.fill(0, 10 * grid.cols + 5, 11 * grid.cols);
    for (let c = 5; c < 20; c++) grid.cells[9 * grid.cols + c] = TILE.ground;
    const result = checkPlayability(grid);
    expect(result.playable).toBe(true);
    expectSoundPath(grid, result);
  });

  it('bounces off a stomp at 4 px/frame at every air speed: 4 tiles up at walking pace, 3 running', () => {
    const table = arcTable(SMB_PHYSICS);
    const rise = (arcs: Arc[]) => Math.max(...arcs.map((a) => -Math.min(0, ...a.dy.reduce<number[]>((acc, d) => [...acc, (acc.at(-1) ?? 0) + d], []))));
    expect(SMB_PHYSICS.airSpeeds.map((_, s) => rise(table.bounces[s]![0]!))).toEqual([4, 4, 4, 4, 3, 3]);
    expect(SMB_PHYSICS.airSpeeds.map((_, s) => rise(table.jumps[s]![0]!))).toEqual([4, 4, 4, 4, 5, 5]);
  });

  it('lets a bounce off an enemy carry Mario over a gap', () => {
    // The enemy hovers over the pit (a flying Koopa): stomping it is the only way across.
    const grid = flat(30, (rows) => {
      for (let c = 10; c < 22; c++) rows[13]![c] = '-';
      rows[9]![15] = 'E';
    });
    const withEnemy = checkPlayability(grid);
    grid.cells[9 * grid.cols + 15] = TILE.empty;
    expect(checkPlayability(grid).playable).toBe(false);
    expect(withEnemy.playable).toBe(true);
  });

  it('uses pipes, blocks and platforms as ground, and starts on the lowest ground at the left', () => {
    const grid = level(
      '------------------',
      '------------------',
      '------------------',
      '------------------',
      '------------------',
      '------------------',
      '------------------',
      '------------------',
      '---------SS?S-----',
      '------------------',
      '-----<>-----------',
      '-----[]-----------',
      '-----[]-----------',
      'XXXXXXXXX-----XXXX',
    );
    const result = checkPlayability(grid);
    expect(result.playable).toBe(true);
    expect(result.start).toEqual({ col: 0, row: 12 });
    expectSoundPath(grid, result);
  });

  it('needs ground to start on', () => {
    const grid = flat(10, (rows) => {
      for (let c = 0; c < 3; c++) rows[13]![c] = '-';
    });
    expect(checkPlayability(grid)).toMatchObject({ playable: false, reachedColumn: -1, path: [], start: null });
    expect(checkPlayability(grid).reason).toMatch(/no ground to start on/);
  });

  it('checks a 200-column level in a few milliseconds', () => {
    const grid = trainingLevels().find((l) => l.name === 'mario-1-1.txt')!.grid;
    for (let i = 0; i < 5; i++) checkPlayability(grid); // JIT warm-up
    const runs = 20;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) checkPlayability(grid);
    const ms = (performance.now() - t0) / runs;
    console.log(`checkPlayability, mario-1-1 (202 columns): ${ms.toFixed(2)} ms`);
    // Loose bound: the CI machine has 2 cores shared with model training (~5 ms measured idle).
    expect(ms).toBeLessThan(50);
  });
});

describe('checkPlayability on the training levels', () => {
  // Why the checker rejects these nine: the first four use what the VGLC text does not encode;
  // the other five need what the tile model now refuses (a head in a block mid-air, a bounce
  // higher than SMB's 4 px/frame stomp, run-up kept through a wall). `npm run levels:checker`
  // plays each with the frame-level agent (src/levels/agent.ts).
  const KNOWN_UNPLAYABLE: Record<string, string> = {
    // a 2-wide wall 10 tiles above the ground near the end (column 183 of 197)
    'mario-2-1.txt': 'stuck at column 182: a wall 10 tile(s) high in column 183',
    // enemies in a one-tile-high passage: in the game they walk out of it
    'SuperMarioBros2(J)-World1-2.txt': 'stuck at column 42: an enemy in column 43',
    // moving lifts (not in VGLC) carry Mario up to the platforms in the sky
    'SuperMarioBros2(J)-World4-3.txt': 'stuck at column 22: the next ground is 3 column(s) on and 7 tile(s) higher',
    // a 10-wide pit before a 9-tall pillar: SMB2J's springboard (not in VGLC) gets Mario across
    'SuperMarioBros2(J)-World5-1.txt': 'stuck at column 154: the next ground is 10 column(s) on',
    'SuperMarioBros2(J)-World2-2.txt': 'stuck at column 230: the next ground is 2 column(s) on and 5 tile(s) higher',
    'SuperMarioBros2(J)-World3-3.txt': 'stuck at column 81: the next ground is 3 column(s) on and 6 tile(s) higher',
    'SuperMarioBros2(J)-World6-1.txt': 'stuck at column 134: an enemy in column 135',
    'SuperMarioBros2(J)-World8-1.txt': 'stuck at column 98: an enemy in column 99',
    'SuperMarioBros2(J)-WorldD-1.txt': 'stuck at column 81: an enemy in column 82',
  };

  it('finds 28 of the 37 levels playable (14 of 15 SMB, 14 of 22 SMB2J) with SMB physics', () => {
    const outcome = trainingLevels().map(({ name, grid }) => ({ name, grid, result: checkPlayability(grid) }));
    const failed = Object.fromEntries(outcome.filter((o) => !o.result.playable).map((o) => [o.name, o.result.reason]));
    expect(Object.keys(failed).sort()).toEqual(Object.keys(KNOWN_UNPLAYABLE).sort());
    for (const [name, reason] of Object.entries(KNOWN_UNPLAYABLE)) expect(failed[name]).toContain(reason);
    for (const { name, grid, result } of outcome) {
      if (result.playable) expect(result.path.at(-1)!.col, name).toBe(grid.cols - 1);
      expectSoundPath(grid, result);
    }
  });

  it('needs running jumps for most of them: walking pace alone clears 11 of 37', () => {
    const playable = trainingLevels().filter(({ grid }) => checkPlayability(grid, { physics: WALKING_PHYSICS }).playable);
    expect(playable).toHaveLength(11);
  });
});
