/**
 * The tile legend of the level models and the one grid type every level function uses.
 *
 * The legend is VGLC's `smb.json` in the channel order of `models/data.py` (SMB_LEGEND): channel i
 * of a level model is tile id i here, so a decoded argmax is already a tile-id grid.
 */
import { InvalidRequestError } from '../errors.ts';

export interface TileDef {
  /** The VGLC character. */
  char: string;
  name: string;
  /** Blocks movement; Mario can stand on it. */
  solid: boolean;
  /** Kills on touch (enemies). Solid tiles are never hazards here: see `B` below. */
  hazard: boolean;
  /** VGLC's tags from smb.json, unchanged. */
  tags: readonly string[];
}

export type Legend = readonly TileDef[];

/**
 * SMB legend, channel order. `B` (cannon top) carries smb.json's "hazard" tag because it fires
 * bullets; the checker treats the cannon as a solid block and does not model the bullets.
 */
export const SMB_LEGEND: Legend = [
  { char: '-', name: 'empty', solid: false, hazard: false, tags: ['passable', 'empty'] },
  { char: 'X', name: 'ground', solid: true, hazard: false, tags: ['solid', 'ground'] },
  { char: 'S', name: 'brick', solid: true, hazard: false, tags: ['solid', 'breakable'] },
  { char: '?', name: 'question block', solid: true, hazard: false, tags: ['solid', 'question block', 'full question block'] },
  { char: 'Q', name: 'empty question block', solid: true, hazard: false, tags: ['solid', 'question block', 'empty question block'] },
  { char: 'E', name: 'enemy', solid: false, hazard: true, tags: ['enemy', 'damaging', 'hazard', 'moving'] },
  { char: '<', name: 'pipe top left', solid: true, hazard: false, tags: ['solid', 'top-left pipe', 'pipe'] },
  { char: '>', name: 'pipe top right', solid: true, hazard: false, tags: ['solid', 'top-right pipe', 'pipe'] },
  { char: '[', name: 'pipe left', solid: true, hazard: false, tags: ['solid', 'left pipe', 'pipe'] },
  { char: ']', name: 'pipe right', solid: true, hazard: false, tags: ['solid', 'right pipe', 'pipe'] },
  { char: 'o', name: 'coin', solid: false, hazard: false, tags: ['coin', 'collectable', 'passable'] },
  { char: 'B', name: 'cannon top', solid: true, hazard: false, tags: ['Cannon top', 'cannon', 'solid', 'hazard'] },
  { char: 'b', name: 'cannon bottom', solid: true, hazard: false, tags: ['Cannon bottom', 'cannon', 'solid'] },
];

/** Tile ids of the SMB legend by role, so code says `TILE.pipeTopLeft` rather than `6`. */
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
 * A level: `tiles[row * width + col]` is a tile id of the legend, row 0 at the top. Compact and
 * transferable (a worker can hand the buffer over without a copy), and the same layout as the
 * argmax of a level model's `[C, H, W]` output.
 */
export interface LevelGrid {
  readonly width: number;
  readonly height: number;
  readonly tiles: Uint8Array;
}

export function createGrid(height: number, width: number, fill = TILE.empty): LevelGrid {
  return { width, height, tiles: new Uint8Array(width * height).fill(fill) };
}

export function cloneGrid(grid: LevelGrid): LevelGrid {
  return { width: grid.width, height: grid.height, tiles: grid.tiles.slice() };
}

/** Tile id at (row, col); `outside` for cells off the grid (callers choose sky or wall). */
export function tileAt(grid: LevelGrid, row: number, col: number, outside: number = TILE.empty): number {
  if (row < 0 || row >= grid.height || col < 0 || col >= grid.width) return outside;
  return grid.tiles[row * grid.width + col]!;
}

export function setTile(grid: LevelGrid, row: number, col: number, id: number): void {
  grid.tiles[row * grid.width + col] = id;
}

/** Rows x cols of tile ids -> grid. Throws if the rows are ragged. */
export function gridFromRows(rows: readonly (readonly number[])[]): LevelGrid {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const grid = createGrid(height, width);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new InvalidRequestError('level', `row ${r} has ${row.length} tiles, expected ${width}`);
    grid.tiles.set(row, r * width);
  });
  return grid;
}

export function gridToRows(grid: LevelGrid): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < grid.height; r++) rows.push(Array.from(grid.tiles.subarray(r * grid.width, (r + 1) * grid.width)));
  return rows;
}

/** Columns [start, end) of a grid as a new grid (outpainting windows, metrics windows). */
export function sliceColumns(grid: LevelGrid, start: number, end: number): LevelGrid {
  const out = createGrid(grid.height, end - start);
  for (let r = 0; r < grid.height; r++) {
    out.tiles.set(grid.tiles.subarray(r * grid.width + start, r * grid.width + end), r * out.width);
  }
  return out;
}

function charIndex(legend: Legend): Map<string, number> {
  return new Map(legend.map((tile, id) => [tile.char, id]));
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
 * maps are sky), short maps padded with empty sky on top. Unknown characters throw (the Python
 * side maps them to sky silently, but no training level has one, so here one means bad input).
 */
export function parseVglc(text: string, options: ParseOptions = {}): LevelGrid {
  const legend = options.legend ?? SMB_LEGEND;
  const rows = options.rows ?? LEVEL_ROWS;
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new InvalidRequestError('level', 'empty level text');
  const width = Math.min(...lines.map((line) => line.length));
  const kept = lines.map((line) => line.slice(0, width)).slice(-rows);
  const grid = createGrid(rows, width, legend === SMB_LEGEND ? TILE.empty : 0);
  const index = charIndex(legend);
  const top = rows - kept.length;
  kept.forEach((line, i) => {
    for (let col = 0; col < width; col++) {
      const id = index.get(line[col]!);
      if (id === undefined) {
        throw new InvalidRequestError('level', `unknown tile ${JSON.stringify(line[col])} at line ${i + 1}, column ${col + 1}; valid: ${legend.map((t) => t.char).join(' ')}`);
      }
      grid.tiles[(top + i) * width + col] = id;
    }
  });
  return grid;
}

/** Grid -> VGLC text: one line per row, newline-terminated, in the legend's characters. */
export function formatVglc(grid: LevelGrid, legend: Legend = SMB_LEGEND): string {
  const chars = legend.map((tile) => tile.char);
  const lines: string[] = [];
  for (let r = 0; r < grid.height; r++) {
    let line = '';
    for (let c = 0; c < grid.width; c++) {
      const char = chars[grid.tiles[r * grid.width + c]!];
      // No fallback character: every printable one ('?' included) is a real tile.
      if (char === undefined) throw new InvalidRequestError('level', `tile id ${grid.tiles[r * grid.width + c]} at row ${r}, column ${c} is not in the legend`);
      line += char;
    }
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}
