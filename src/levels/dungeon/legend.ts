/**
 * Top-down dungeon rooms: the Zelda legend (VGLC `The Legend of Zelda`, channel order of
 * models/data.py ZELDA_LEGEND), the room shape and where a room's doors sit.
 *
 * Rooms are 11 rows x 16 columns (the NES screen): a two-cell wall ring, doors in its inner layer
 * at the middle of each side (VGLC keeps the outer layer wall; the assembler opens it between two
 * rooms that share a door). Everything else asks the legend by tag, so a model with another
 * top-down legend works as long as it tags `passable`, `door`, `wall`, `floor`, `stair` and `void`.
 */
import type { TileInfo } from '../../models/manifest.ts';
import { InvalidRequestError } from '../../errors.ts';

export const ZELDA_LEGEND: TileInfo[] = [
  { char: 'F', name: 'floor', solid: false, tags: ['passable', 'floor'] },
  { char: 'B', name: 'block', solid: true, tags: ['solid', 'block'] },
  { char: 'M', name: 'monster', solid: false, tags: ['passable', 'enemy', 'monster'] },
  { char: 'P', name: 'element', solid: true, tags: ['solid', 'element', 'hazard'] },
  { char: 'O', name: 'element and floor', solid: false, tags: ['passable', 'element', 'floor'] },
  { char: 'I', name: 'element and block', solid: true, tags: ['solid', 'element', 'block'] },
  { char: 'D', name: 'door', solid: false, tags: ['passable', 'door'] },
  { char: 'S', name: 'stair', solid: false, tags: ['passable', 'stair'] },
  { char: 'W', name: 'wall', solid: true, tags: ['solid', 'wall'] },
  { char: '-', name: 'void', solid: true, tags: ['solid', 'void'] },
];

export const ROOM_ROWS = 11;
export const ROOM_COLS = 16;
/** Thickness of the wall ring around every room. */
export const WALL = 2;

export type Side = 'north' | 'south' | 'west' | 'east';
export const SIDES: readonly Side[] = ['north', 'south', 'west', 'east'];
/** Grid step to the neighbour behind each side. */
export const STEP: Record<Side, [number, number]> = { north: [-1, 0], south: [1, 0], west: [0, -1], east: [0, 1] };
export const OPPOSITE: Record<Side, Side> = { north: 'south', south: 'north', west: 'east', east: 'west' };

/**
 * Door cells of one side as [row, col] inside the room, inner wall layer first, then the outer
 * one: as in every VGLC room, north/south doors are 2 cells wide (columns 7-8), west/east doors 3
 * tall (rows 4-6).
 */
export function doorCells(side: Side): { inner: Array<[number, number]>; outer: Array<[number, number]> } {
  const across = side === 'north' || side === 'south' ? [7, 8] : [4, 5, 6];
  const [inner, outer] = {
    north: [1, 0],
    south: [ROOM_ROWS - 2, ROOM_ROWS - 1],
    west: [1, 0],
    east: [ROOM_COLS - 2, ROOM_COLS - 1],
  }[side];
  const at = (line: number) => across.map((a): [number, number] => (side === 'north' || side === 'south' ? [line, a] : [a, line]));
  return { inner: at(inner!), outer: at(outer!) };
}

/** True for the cells of the wall ring. */
export const inRing = (r: number, c: number): boolean => r < WALL || c < WALL || r >= ROOM_ROWS - WALL || c >= ROOM_COLS - WALL;

/** Tile ids a dungeon needs, found by tag; a legend without one of them cannot make dungeons. */
export interface DungeonTiles {
  floor: number;
  /** A plain block (the goal stair's surround, assemble.ts GOAL_MOTIF). */
  block: number;
  wall: number;
  door: number;
  stair: number;
  void: number;
  passable: boolean[];
}

export function dungeonTiles(legend: readonly TileInfo[], field = 'model'): DungeonTiles {
  const find = (tag: string, extra: (t: TileInfo) => boolean = () => true): number => {
    const id = legend.findIndex((t) => t.tags.includes(tag) && extra(t));
    if (id < 0) throw new InvalidRequestError(field, `the legend (${legend.map((t) => t.char).join('')}) has no tile tagged "${tag}"; a dungeon model needs floor, block, wall, door, stair and void tiles`);
    return id;
  };
  return {
    floor: find('floor', (t) => !t.tags.includes('element')),
    block: find('block', (t) => !t.tags.includes('element')),
    wall: find('wall'),
    door: find('door'),
    stair: find('stair'),
    void: find('void'),
    passable: legend.map((t) => t.tags.includes('passable')),
  };
}
