/**
 * The SMB tile legend and small helpers over the one level grid type, `LevelGrid` of
 * models/codecs.ts (`cells[r * cols + c]` indexes `legend`; row 0 is the top): what the level
 * model decodes to is what every function in src/levels takes, with no conversions.
 *
 * The legend is VGLC's `smb.json` in the channel order of models/data.py (SMB_LEGEND): channel i
 * of a level model is tile id i here, and the manifest's `tiles` list for a level model is it.
 */
import { InvalidRequestError } from '../errors.ts';
import type { LevelGrid } from '../models/codecs.ts';
import type { TileInfo } from '../models/manifest.ts';

export type { LevelGrid } from '../models/codecs.ts';
export type { TileInfo } from '../models/manifest.ts';
export type Legend = readonly TileInfo[];

/** SMB legend, channel order; tags exactly as in VGLC's smb.json. */
export const SMB_LEGEND: TileInfo[] = [
  { char: '-', name: 'empty', solid: false, tags: ['passable', 'empty'] },
  { char: 'X', name: 'ground', solid: true, tags: ['solid', 'ground'] },
  { char: 'S', name: 'brick', solid: true, tags: ['solid', 'breakable'] },
  { char: '?', name: 'question block', solid: true, tags: ['solid', 'question block', 'full question block'] },
  { char: 'Q', name: 'empty question block', solid: true, tags: ['solid', 'question block', 'empty question block'] },
  { char: 'E', name: 'enemy', solid: false, tags: ['enemy', 'damaging', 'hazard', 'moving'] },
  { char: '<', name: 'pipe top left', solid: true, tags: ['solid', 'top-left pipe', 'pipe'] },
  { char: '>', name: 'pipe top right', solid: true, tags: ['solid', 'top-right pipe', 'pipe'] },
  { char: '[', name: 'pipe left', solid: true, tags: ['solid', 'left pipe', 'pipe'] },
  { char: ']', name: 'pipe right', solid: true, tags: ['solid', 'right pipe', 'pipe'] },
  { char: 'o', name: 'coin', solid: false, tags: ['coin', 'collectable', 'passable'] },
  { char: 'B', name: 'cannon top', solid: true, tags: ['Cannon top', 'cannon', 'solid', 'hazard'] },
  { char: 'b', name: 'cannon bottom', solid: true, tags: ['Cannon bottom', 'cannon', 'solid'] },
];

/** Tile ids of SMB_LEGEND by role, so code says `TILE.pipeTopLeft` rather than `6`. */
export const TILE = {
  empty: 0,
  ground: 1,
  brick: 2,
  question: 3,
  usedQuestion: 4,
  enemy: 5,
  pipeTopLeft: 6,
  pipeTopRight: 7,
  pipeLeft: 8,
  pipeRight: 9,
  coin: 10,
  cannonTop: 11,
  cannonBottom: 12,
} as const;

/** Rows of every SMB level (VGLC's SMB maps are 14 tall; models/data.py keeps the bottom 14). */
export const LEVEL_ROWS = 14;

/**
 * Kills on touch: a non-solid tile tagged enemy or damaging (`E`). The cannon top `B` is tagged
 * "hazard" in smb.json for the bullets it fires, but it is a solid block Mario can stand on.
 */
export function isHazard(tile: TileInfo | undefined): boolean {
  return !!tile && !tile.solid && (tile.tags.includes('enemy') || tile.tags.includes('damaging'));
}

export function createGrid(rows: number, cols: number, legend: Legend = SMB_LEGEND, fill = 0): LevelGrid {
  return { rows, cols, cells: new Uint8Array(rows * cols).fill(fill), legend: [...legend] };
}

export function cloneGrid(grid: LevelGrid): LevelGrid {
  return { rows: grid.rows, cols: grid.cols, cells: grid.cells.slice(), legend: grid.legend };
}

/** Tile id at (row, col); `outside` for cells off the grid (callers choose sky or wall). */
export function tileAt(grid: LevelGrid, row: number, col: number, outside = 0): number {
  if (row < 0 || row >= grid.rows || col < 0 || col >= grid.cols) return outside;
  return grid.cells[row * grid.cols + col]!;
}

export function setTile(grid: LevelGrid, row: number, col: number, id: number): void {
  grid.cells[row * grid.cols + col] = id;
}

/** Rows x cols of tile ids -> grid. Throws if the rows are ragged or an id is not in the legend. */
export function gridFromRows(rows: readonly (readonly number[])[], legend: Legend = SMB_LEGEND): LevelGrid {
  const cols = rows[0]?.length ?? 0;
  const grid = createGrid(rows.length, cols, legend);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new InvalidRequestError('level', `row ${r} has ${row.length} tiles, expected ${cols}`);
    row.forEach((id, c) => {
      if (!Number.isInteger(id) || id < 0 || id >= legend.length) throw new InvalidRequestError('level', `tile id ${id} at row ${r}, column ${c} is not in the legend (0..${legend.length - 1})`);
    });
    grid.cells.set(row, r * cols);
  });
  return grid;
}

/** Columns [start, end) as a new grid (outpainting windows, metric windows). */
export function sliceColumns(grid: LevelGrid, start: number, end: number): LevelGrid {
  const out: LevelGrid = { rows: grid.rows, cols: end - start, cells: new Uint8Array(grid.rows * (end - start)), legend: grid.legend };
  for (let r = 0; r < grid.rows; r++) out.cells.set(grid.cells.subarray(r * grid.cols + start, r * grid.cols + end), r * out.cols);
  return out;
}

export function tileId(char: string, legend: Legend = SMB_LEGEND): number {
  const id = legend.findIndex((tile) => tile.char === char);
  if (id < 0) throw new InvalidRequestError('tile', `unknown tile ${JSON.stringify(char)}; valid: ${legend.map((t) => t.char).join(' ')}`);
  return id;
}

export function tileChar(id: number, legend: Legend = SMB_LEGEND): string {
  const tile = legend[id];
  if (!tile) throw new InvalidRequestError('tile', `unknown tile id ${id}; valid: 0..${legend.length - 1}`);
  return tile.char;
}

export interface ParseOptions {
  legend?: Legend;
  /** Rows to keep (default 14): taller maps keep their bottom rows, shorter ones get sky on top. */
  rows?: number;
}

/**
 * VGLC text -> grid, exactly as models/data.py `read_level` reads the training data: blank lines
 * dropped, ragged lines cut to the shortest, bottom `rows` rows kept (the extra rows of some SMB2
 * maps are sky), short maps padded with the legend's first tile (sky) on top. Unknown characters
 * throw: the Python side maps them to sky silently, but no training level has one, so here one
 * means bad input.
 */
export function parseVglc(text: string, options: ParseOptions = {}): LevelGrid {
  const legend = options.legend ?? SMB_LEGEND;
  const rows = options.rows ?? LEVEL_ROWS;
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new InvalidRequestError('level', 'empty level text');
  const cols = Math.min(...lines.map((line) => line.length));
  const kept = lines.map((line) => line.slice(0, cols)).slice(-rows);
  const grid = createGrid(rows, cols, legend);
  const index = new Map(legend.map((tile, id) => [tile.char, id]));
  const top = rows - kept.length;
  kept.forEach((line, i) => {
    for (let col = 0; col < cols; col++) {
      const id = index.get(line[col]!);
      if (id === undefined) {
        throw new InvalidRequestError('level', `unknown tile ${JSON.stringify(line[col])} at line ${i + 1}, column ${col + 1}; valid: ${legend.map((t) => t.char).join(' ')}`);
      }
      grid.cells[(top + i) * cols + col] = id;
    }
  });
  return grid;
}
