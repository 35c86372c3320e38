/**
 * Pinned cells of a level, model-free: a tile named by char or id, pinned rectangles compiled to
 * a grid (tile id per cell, -1 free), and the default flat start. Named errors say which pin.
 */
import { InvalidRequestError } from '../errors.ts';
import type { TileInfo } from '../models/manifest.ts';
import { describe } from '../validate.ts';

/** A pinned rectangle of one tile (single cells are 1x1). */
export interface PinRect {
  row: number;
  col: number;
  rows: number;
  cols: number;
  tile: number;
}

/** A tile by char or id -> id in the legend, or an error naming `field` and the valid values. */
export function tileRef(field: string, value: unknown, legend: readonly TileInfo[]): number {
  const chars = legend.map((t) => t.char).join(' ');
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < legend.length) return value;
  if (typeof value === 'string') {
    const id = legend.findIndex((t) => t.char === value);
    if (id >= 0) return id;
  }
  throw new InvalidRequestError(field, `unknown tile ${describe(value)}; valid values: ${chars} (or ids 0..${legend.length - 1})`);
}

/** Pins of a request as a grid: tile id per cell, -1 where free. Throws when two pins disagree. */
export function pinGrid(rows: number, cols: number, rects: readonly PinRect[], legend: readonly TileInfo[], names?: readonly string[]): Int16Array {
  const pins = new Int16Array(rows * cols).fill(-1);
  const owner = new Int32Array(rows * cols).fill(-1);
  rects.forEach((p, i) => {
    for (let r = p.row; r < p.row + p.rows; r++) {
      for (let c = p.col; c < p.col + p.cols; c++) {
        const k = r * cols + c;
        if (pins[k]! >= 0 && pins[k] !== p.tile) {
          const name = (j: number) => names?.[j] ?? `constraints[${j}]`;
          throw new InvalidRequestError(name(i), `contradicts ${name(owner[k]!)} at row ${r}, column ${c} (${JSON.stringify(legend[p.tile]!.char)} vs ${JSON.stringify(legend[pins[k]!]!.char)})`);
        }
        pins[k] = p.tile;
        owner[k] = i;
      }
    }
  });
  return pins;
}

/** The ground tile of a legend (tag or name "ground", else the first solid tile), or -1. */
export function groundTile(legend: readonly TileInfo[]): number {
  const tagged = legend.findIndex((t) => t.solid && (t.tags.includes('ground') || t.name === 'ground'));
  return tagged >= 0 ? tagged : legend.findIndex((t) => t.solid);
}

/** The empty tile (tag or name "empty", else the first non-solid tile without hazard tags), or 0. */
export function emptyTile(legend: readonly TileInfo[]): number {
  const tagged = legend.findIndex((t) => !t.solid && (t.tags.includes('empty') || t.name === 'empty'));
  if (tagged >= 0) return tagged;
  const free = legend.findIndex((t) => !t.solid && !t.tags.some((tag) => ['enemy', 'damaging', 'hazard'].includes(tag)));
  return Math.max(0, free);
}

/** The flat start as pins: ground in the bottom two rows of the first `columns` columns, empty above. */
export function flatStartPins(rows: number, columns: number, legend: readonly TileInfo[]): PinRect[] {
  const ground = groundTile(legend);
  if (columns <= 0 || ground < 0) return [];
  const groundRows = Math.min(2, rows);
  const pins: PinRect[] = [{ row: rows - groundRows, col: 0, rows: groundRows, cols: columns, tile: ground }];
  if (rows > groundRows) pins.unshift({ row: 0, col: 0, rows: rows - groundRows, cols: columns, tile: emptyTile(legend) });
  return pins;
}


/** Pins that rebuild `grid` exactly, as runs of one tile down each column (a few per column, not rows x cols cells). */
export function columnRuns(grid: { rows: number; cols: number; cells: ArrayLike<number> }): PinRect[] {
  const out: PinRect[] = [];
  for (let c = 0; c < grid.cols; c++) {
    let start = 0;
    for (let r = 1; r <= grid.rows; r++) {
      const tile = grid.cells[start * grid.cols + c]!;
      if (r < grid.rows && grid.cells[r * grid.cols + c] === tile) continue;
      out.push({ row: start, col: c, rows: r - start, cols: 1, tile });
      start = r;
    }
  }
  return out;
}
