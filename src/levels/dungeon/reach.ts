/**
 * The top-down reachability checker and the carving repair, model-free. The player walks in four
 * directions on `passable` tiles from the start (the passable cell nearest the start room's
 * centre). A dungeon is playable when the goal stair, every door cell and every room can be
 * reached. When it is not, the room where reachability breaks (it has reached cells but an
 * unreached door or stair) is the one to redo or carve.
 */
import type { LevelGrid } from '../../models/codecs.ts';
import type { Cell } from '../playability.ts';
import { GOAL_CELL, mapCell } from './assemble.ts';
import { ROOM_COLS, ROOM_ROWS, doorCells, inRing, type DungeonTiles } from './legend.ts';
import type { DungeonPlan } from './layout.ts';

export interface DungeonCheck {
  playable: boolean;
  /** Why (not), naming the room. */
  reason: string;
  start: Cell;
  goal: Cell;
  /** The room to repair first, or -1 when playable. */
  blocker: number;
  /** Rooms with no reachable cell. */
  sealed: number[];
  /** Start -> goal, 4-connected (empty when the goal is unreachable). */
  path: Cell[];
}

/** Targets of a room: its doors' inner cells and, in the goal room, the stair. */
function targets(plan: DungeonPlan, i: number): Array<[number, number]> {
  const room = plan.rooms[i]!;
  const cells = room.doors.flatMap((side) => doorCells(side).inner);
  if (i === plan.goal) cells.push(GOAL_CELL);
  return cells;
}

/** The passable interior cell nearest the start room's centre (the centre itself if nothing is). */
export function startCell(grid: LevelGrid, plan: DungeonPlan, tiles: DungeonTiles): Cell {
  const room = plan.rooms[plan.start]!;
  let best: Cell | null = null;
  let bestD = Infinity;
  for (let r = 2; r < ROOM_ROWS - 2; r++) {
    for (let c = 2; c < ROOM_COLS - 2; c++) {
      const [row, col] = mapCell(room, r, c);
      const d = (r - 5) ** 2 + (c - 7.5) ** 2;
      if (tiles.passable[grid.cells[row * grid.cols + col]!] && d < bestD) [best, bestD] = [{ row, col }, d];
    }
  }
  const [row, col] = mapCell(room, 5, 7);
  return best ?? { row, col };
}

/** BFS parents over passable cells from `start`: -1 = unreached, the start is its own parent. */
export function reachFrom(grid: LevelGrid, start: Cell, tiles: DungeonTiles): Int32Array {
  const parent = new Int32Array(grid.rows * grid.cols).fill(-1);
  const s = start.row * grid.cols + start.col;
  parent[s] = s;
  const queue = [s];
  for (let q = 0; q < queue.length; q++) {
    const k = queue[q]!;
    const r = Math.floor(k / grid.cols);
    const c = k % grid.cols;
    for (const [nr, nc] of [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]] as const) {
      if (nr < 0 || nc < 0 || nr >= grid.rows || nc >= grid.cols) continue;
      const n = nr * grid.cols + nc;
      if (parent[n] === -1 && tiles.passable[grid.cells[n]!]) {
        parent[n] = k;
        queue.push(n);
      }
    }
  }
  return parent;
}

function pathTo(parent: Int32Array, k: number, cols: number): Cell[] {
  if (parent[k] === -1) return [];
  const path: Cell[] = [];
  for (let at = k; ; at = parent[at]!) {
    path.push({ row: Math.floor(at / cols), col: at % cols });
    if (parent[at] === at) break;
  }
  return path.reverse();
}

export function checkDungeon(grid: LevelGrid, plan: DungeonPlan, tiles: DungeonTiles): DungeonCheck {
  const start = startCell(grid, plan, tiles);
  const parent = reachFrom(grid, start, tiles);
  const [gr, gc] = mapCell(plan.rooms[plan.goal]!, ...GOAL_CELL);
  const goal = { row: gr, col: gc };
  const reached = (i: number, r: number, c: number) => {
    const [mr, mc] = mapCell(plan.rooms[i]!, r, c);
    return parent[mr * grid.cols + mc]! >= 0;
  };
  const sealed: number[] = [];
  let blocker = -1;
  let why = '';
  plan.rooms.forEach((_, i) => {
    let any = false;
    for (let r = 0; r < ROOM_ROWS && !any; r++) for (let c = 0; c < ROOM_COLS && !any; c++) any = !inRing(r, c) && reached(i, r, c);
    if (!any) return void sealed.push(i);
    const missed = targets(plan, i).find(([r, c]) => !reached(i, r, c));
    if (missed && blocker < 0) {
      blocker = i;
      why = `room ${i} (grid ${plan.rooms[i]!.row},${plan.rooms[i]!.col}): ${missed === GOAL_CELL ? 'the goal stair' : `the door at room cell ${missed[0]},${missed[1]}`} cannot be reached`;
    }
  });
  if (blocker < 0 && sealed.length) {
    blocker = sealed[0]!; // only when the start room itself is walled in
    why = `room ${blocker} is sealed`;
  }
  const playable = blocker < 0;
  return {
    playable,
    reason: playable ? `the goal and all ${plan.rooms.length} rooms are reachable from the start` : `${why}${sealed.length ? `; sealed rooms: ${sealed.join(', ')}` : ''}`,
    start,
    goal,
    blocker,
    sealed,
    path: pathTo(parent, gr * grid.cols + gc, grid.cols),
  };
}

/**
 * Opens room `i` in place: from the cells of the room already reached, a cheapest path (0-1 BFS:
 * passable cells cost 0, blocking interior cells 1, the wall ring outside doors is closed) to
 * each unreached door cell and stair, whose blocking cells become floor. Returns the cells changed.
 */
export function carveRoom(grid: LevelGrid, plan: DungeonPlan, i: number, tiles: DungeonTiles, start: Cell): number {
  const room = plan.rooms[i]!;
  const parent = reachFrom(grid, start, tiles);
  const local = (r: number, c: number) => {
    const [mr, mc] = mapCell(room, r, c);
    return mr * grid.cols + mc;
  };
  const open = (r: number, c: number) => !inRing(r, c) || tiles.passable[grid.cells[local(r, c)]!];
  const n = ROOM_ROWS * ROOM_COLS;
  const dist = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const deque: number[] = [];
  for (let k = 0; k < n; k++) {
    if (parent[local(Math.floor(k / ROOM_COLS), k % ROOM_COLS)]! >= 0) {
      dist[k] = 0;
      deque.push(k);
    }
  }
  if (deque.length === 0) {
    // Nothing of this room is reached (the start room walled in): carve from its centre.
    const k = 5 * ROOM_COLS + 7;
    dist[k] = 0;
    deque.push(k);
  }
  // A plain deque as two arrays would do; n is 176, so a sorted re-scan is simpler and fast enough.
  const done = new Uint8Array(n);
  for (;;) {
    let k = -1;
    for (let j = 0; j < n; j++) if (!done[j] && dist[j]! < Infinity && (k < 0 || dist[j]! < dist[k]!)) k = j;
    if (k < 0) break;
    done[k] = 1;
    const r = Math.floor(k / ROOM_COLS);
    const c = k % ROOM_COLS;
    for (const [nr, nc] of [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]] as const) {
      if (nr < 0 || nc < 0 || nr >= ROOM_ROWS || nc >= ROOM_COLS || !open(nr, nc)) continue;
      const nk = nr * ROOM_COLS + nc;
      const d = dist[k]! + (tiles.passable[grid.cells[local(nr, nc)]!] ? 0 : 1);
      if (d < dist[nk]!) {
        dist[nk] = d;
        from[nk] = k;
      }
    }
  }
  let carved = 0;
  for (const [r, c] of targets(plan, i)) {
    for (let k = r * ROOM_COLS + c; k >= 0 && dist[k]! > 0; k = from[k]!) {
      const m = local(Math.floor(k / ROOM_COLS), k % ROOM_COLS);
      if (!tiles.passable[grid.cells[m]!]) {
        grid.cells[m] = tiles.floor;
        carved++;
      }
    }
  }
  return carved;
}
