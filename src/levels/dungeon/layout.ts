/**
 * The room graph of a dungeon, model-free: N rooms on a grid grown from the start room by a seeded
 * random walk (a spanning tree, so every room is connected), a few extra doors between
 * neighbours for loops, and the goal in the room farthest (in doors) from the start.
 */
import { createRng } from '../../core/rng.ts';
import { OPPOSITE, SIDES, STEP, type Side } from './legend.ts';

export interface RoomPlan {
  /** Position on the room grid (row, col), 0-based after the plan is shifted to the origin. */
  row: number;
  col: number;
  /** Sides with a door to a neighbouring room. */
  doors: Side[];
}

export interface DungeonPlan {
  gridRows: number;
  gridCols: number;
  rooms: RoomPlan[];
  /** Indices into rooms. */
  start: number;
  goal: number;
}

/** Share of neighbouring room pairs not joined by the tree that still get a door (loops). */
export const LOOP_CHANCE = 0.15;

export function planDungeon(count: number, seed: number): DungeonPlan {
  const rng = createRng(seed, 0x6c61796f); // "layo": its own stream, apart from the rooms' noise
  const at = new Map<string, number>();
  const key = (r: number, c: number) => `${r},${c}`;
  const rooms: RoomPlan[] = [{ row: 0, col: 0, doors: [] }];
  at.set(key(0, 0), 0);
  const link = (a: number, b: number, side: Side) => {
    if (!rooms[a]!.doors.includes(side)) rooms[a]!.doors.push(side);
    if (!rooms[b]!.doors.includes(OPPOSITE[side])) rooms[b]!.doors.push(OPPOSITE[side]);
  };
  while (rooms.length < count) {
    const from = rng.int(rooms.length);
    const side = SIDES[rng.int(4)]!;
    const [dr, dc] = STEP[side];
    const r = rooms[from]!.row + dr;
    const c = rooms[from]!.col + dc;
    if (at.has(key(r, c))) continue;
    at.set(key(r, c), rooms.length);
    rooms.push({ row: r, col: c, doors: [] });
    link(from, rooms.length - 1, side);
  }
  for (const [i, room] of rooms.entries()) {
    for (const side of ['south', 'east'] as const) {
      const j = at.get(key(room.row + STEP[side][0], room.col + STEP[side][1]));
      if (j !== undefined && !room.doors.includes(side) && rng.uniform() < LOOP_CHANCE) link(i, j, side);
    }
  }
  const minRow = Math.min(...rooms.map((r) => r.row));
  const minCol = Math.min(...rooms.map((r) => r.col));
  for (const room of rooms) {
    room.row -= minRow;
    room.col -= minCol;
    room.doors.sort((a, b) => SIDES.indexOf(a) - SIDES.indexOf(b));
  }
  return {
    gridRows: Math.max(...rooms.map((r) => r.row)) + 1,
    gridCols: Math.max(...rooms.map((r) => r.col)) + 1,
    rooms,
    start: 0,
    goal: farthestRoom(rooms),
  };
}

/** The room with the most doors between it and room 0 (the first such, so it is stable). */
export function farthestRoom(rooms: readonly RoomPlan[]): number {
  const index = new Map(rooms.map((r, i) => [`${r.row},${r.col}`, i]));
  const dist = new Array<number>(rooms.length).fill(-1);
  dist[0] = 0;
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const room = rooms[queue[q]!]!;
    for (const side of room.doors) {
      const j = index.get(`${room.row + STEP[side][0]},${room.col + STEP[side][1]}`);
      if (j !== undefined && dist[j] === -1) {
        dist[j] = dist[queue[q]!]! + 1;
        queue.push(j);
      }
    }
  }
  return dist.reduce((best, d, i) => (d > dist[best]! ? i : best), 0);
}
