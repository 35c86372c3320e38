import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roomKl, roomKlBaseline, roomNovelty } from '../../src/levels/dungeon/metrics.ts';
import { cutRooms, flipRoom, loadTrainingRooms } from '../../src/levels/dungeon/training-data.ts';
import { defaultDataDir } from '../../src/levels/training-data.ts';
import { ROOM_COLS, ROOM_ROWS } from '../../src/levels/dungeon/legend.ts';

const HAVE_DATA = existsSync(defaultDataDir());

describe('cutRooms', () => {
  it('cuts 16-line x 11-char blocks, transposes them to 11 x 16, drops blocks with void', () => {
    const block = (ch: string) => Array.from({ length: 16 }, (_, i) => (i === 0 ? 'D' : ch).padEnd(11, ch));
    const lines = block('F').map((l, i) => l + block('-')[i]!);
    const rooms = cutRooms(lines.join('\n'));
    expect(rooms).toHaveLength(1);
    expect([rooms[0]!.grid.rows, rooms[0]!.grid.cols]).toEqual([ROOM_ROWS, ROOM_COLS]);
    // File line 0 is room column 0.
    expect(rooms[0]!.grid.cells[0]).toBe(6); // D
    expect(rooms[0]!.grid.cells[1]).toBe(0); // F
  });
});

describe.skipIf(!HAVE_DATA)('room metrics on the VGLC Zelda rooms', () => {
  const training = HAVE_DATA ? loadTrainingRooms() : [];
  const grids = training.map((r) => r.grid);

  it('loads the rooms models/data.py trains on (417 from 18 maps)', () => {
    expect(grids).toHaveLength(417);
    expect(new Set(training.map((r) => r.map)).size).toBe(18);
  });

  it('copies and flipped copies are not novel; a changed room is', () => {
    expect(roomNovelty(grids, grids)).toBe(0);
    expect(roomNovelty(grids.map((g) => flipRoom(g, true, true)), grids)).toBe(0);
    const changed = { ...grids[0]!, cells: grids[0]!.cells.slice() };
    changed.cells[3 * ROOM_COLS + 3] = changed.cells[3 * ROOM_COLS + 3] === 1 ? 0 : 1;
    expect(roomNovelty([changed], grids)).toBe(1);
  });

  it('KL of the data to itself is 0; the baseline between map halves is small but not 0', () => {
    expect(roomKl(grids, grids)).toBeCloseTo(0, 9);
    const baseline = roomKlBaseline(training);
    expect(baseline).toBeGreaterThan(0);
    expect(baseline).toBeLessThan(0.5);
  });
});
