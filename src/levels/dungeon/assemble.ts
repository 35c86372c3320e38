/**
 * Rooms to a dungeon map and back, model-free. Each room is sampled with its wall ring known (the
 * doors its plan needs in the inner layer, a stair pinned in the goal room): the inpainting mask
 * the model was trained with ("wall ring known", models/diffusion.py). Placed on the room grid,
 * the outer wall layer is opened at every shared door, so the map walks from room to room.
 */
import type { LevelGrid } from '../../models/codecs.ts';
import type { TileInfo } from '../../models/manifest.ts';
import { ROOM_COLS, ROOM_ROWS, doorCells, inRing, type DungeonTiles } from './legend.ts';
import type { DungeonPlan, RoomPlan } from './layout.ts';

/** Where the goal room's stair is pinned (the room's centre, left of the middle). */
export const GOAL_CELL: [number, number] = [5, 7];
/**
 * The stair's 3 x 3 surround as Zelda draws a central stair (18 of the 39 training stairs, at this
 * cell or its mirror): blocks on the diagonals, floor on the four sides. Pinned with the stair:
 * on its own the model, which saw 39 stairs, mostly leaves plain floor round it, a pattern Zelda
 * never has (it alone was ~0.04 of the dungeon KL, measured 2026-12-04).
 */
export const GOAL_MOTIF = ['BFB', 'FSF', 'BFB'];

export interface KnownRoom {
  /** ROOM_ROWS x ROOM_COLS tile ids, meaningful where mask is 1. */
  cells: Uint8Array;
  /** 1 = known (wall ring, doors, goal stair), 0 = to sample. */
  mask: Uint8Array;
}

/** The known cells of one room of the plan. */
export function knownRoom(room: RoomPlan, tiles: DungeonTiles, goal: boolean): KnownRoom {
  const cells = new Uint8Array(ROOM_ROWS * ROOM_COLS);
  const mask = new Uint8Array(ROOM_ROWS * ROOM_COLS);
  for (let r = 0; r < ROOM_ROWS; r++) {
    for (let c = 0; c < ROOM_COLS; c++) {
      if (!inRing(r, c)) continue;
      cells[r * ROOM_COLS + c] = tiles.wall;
      mask[r * ROOM_COLS + c] = 1;
    }
  }
  for (const side of room.doors) for (const [r, c] of doorCells(side).inner) cells[r * ROOM_COLS + c] = tiles.door;
  if (goal) {
    const id = { B: tiles.block, F: tiles.floor, S: tiles.stair } as Record<string, number>;
    GOAL_MOTIF.forEach((line, dr) => [...line].forEach((ch, dc) => {
      const k = (GOAL_CELL[0] - 1 + dr) * ROOM_COLS + GOAL_CELL[1] - 1 + dc;
      cells[k] = id[ch]!;
      mask[k] = 1;
    }));
  }
  return { cells, mask };
}

/** Map cell of a room's (row, col). */
export const mapCell = (room: RoomPlan, r: number, c: number): [number, number] => [room.row * ROOM_ROWS + r, room.col * ROOM_COLS + c];

/** The plan's map, all void (rooms are written into it with writeRoom). */
export function voidMap(plan: DungeonPlan, legend: TileInfo[], tiles: DungeonTiles): LevelGrid {
  const rows = plan.gridRows * ROOM_ROWS;
  const cols = plan.gridCols * ROOM_COLS;
  return { rows, cols, cells: new Uint8Array(rows * cols).fill(tiles.void), legend };
}

/** Rooms (ROOM_ROWS x ROOM_COLS ids each, plan order) on the plan's grid; empty slots are void. */
export function placeRooms(plan: DungeonPlan, rooms: readonly Uint8Array[], legend: TileInfo[], tiles: DungeonTiles): LevelGrid {
  const grid = voidMap(plan, legend, tiles);
  plan.rooms.forEach((room, i) => writeRoom(grid, room, rooms[i]!, tiles));
  return grid;
}

/** Writes one room into the map in place, with its shared doors opened through the outer wall. */
export function writeRoom(grid: LevelGrid, room: RoomPlan, cells: Uint8Array, tiles: DungeonTiles): void {
  for (let r = 0; r < ROOM_ROWS; r++) {
    const [mr, mc] = mapCell(room, r, 0);
    grid.cells.set(cells.subarray(r * ROOM_COLS, (r + 1) * ROOM_COLS), mr * grid.cols + mc);
  }
  for (const side of room.doors) {
    for (const [r, c] of doorCells(side).outer) {
      const [mr, mc] = mapCell(room, r, c);
      grid.cells[mr * grid.cols + mc] = tiles.door;
    }
  }
}

/** One room cut from the map as the model made it (outer wall layer closed again, as in VGLC). */
export function extractRoom(grid: LevelGrid, room: RoomPlan, tiles: DungeonTiles): LevelGrid {
  const cells = new Uint8Array(ROOM_ROWS * ROOM_COLS);
  for (let r = 0; r < ROOM_ROWS; r++) {
    const [mr, mc] = mapCell(room, r, 0);
    cells.set(grid.cells.subarray(mr * grid.cols + mc, mr * grid.cols + mc + ROOM_COLS), r * ROOM_COLS);
  }
  for (const side of room.doors) for (const [r, c] of doorCells(side).outer) cells[r * ROOM_COLS + c] = tiles.wall;
  return { rows: ROOM_ROWS, cols: ROOM_COLS, cells, legend: grid.legend };
}
