/**
 * Level exporters: VGLC text (the training corpus's format), Tiled TMJ JSON, Phaser-ready 2-D
 * arrays, a coloured RGBA/PNG preview with the playability checker's path drawn on it.
 */
import { InvalidRequestError } from '../errors.ts';
import type { LevelGrid, RgbaImage } from '../models/codecs.ts';
import type { TileInfo } from '../models/manifest.ts';
import { encodePng } from '../png.ts';
import { isHazard } from './legend.ts';
import type { Cell } from './playability.ts';

/** Rows of tile indices, as Phaser's `make.tilemap({ data })` takes them. */
export function toRows(level: LevelGrid): number[][] {
  return Array.from({ length: level.rows }, (_, r) => Array.from(level.cells.subarray(r * level.cols, (r + 1) * level.cols)));
}

/** VGLC text: one line per row, one legend char per cell. */
export function toVglc(level: LevelGrid): string {
  return toRows(level)
    .map((row, r) =>
      row
        .map((t, c) => {
          // No fallback character: every printable one ('?' included) is a real tile.
          const tile = level.legend[t];
          if (!tile) throw new InvalidRequestError('level', `tile id ${t} at row ${r}, column ${c} is not in the legend (0..${level.legend.length - 1})`);
          return tile.char;
        })
        .join(''),
    )
    .join('\n')
    .concat('\n');
}

const BASE_COLOURS: Array<[string, [number, number, number]]> = [
  ['enemy', [220, 40, 40]],
  ['pipe', [40, 170, 60]],
  ['cannon', [60, 60, 60]],
  ['coin', [250, 210, 40]],
  ['question', [250, 160, 40]],
  ['breakable', [180, 100, 60]],
  ['ground', [140, 80, 40]],
  ['solid', [120, 70, 50]],
];

/** A colour per legend tile: by tag where one is known, sky for empty tiles, else a hash of the char. */
export function tileColour(tile: TileInfo): [number, number, number] {
  for (const [tag, colour] of BASE_COLOURS) if (tile.tags.includes(tag) || tile.name.includes(tag)) return colour;
  if (!tile.solid && (tile.tags.includes('empty') || tile.name === 'empty' || tile.char === '-')) return [120, 170, 255];
  const h = tile.char.charCodeAt(0) * 2654435761;
  return [(h >>> 16) & 255, (h >>> 8) & 255, h & 255];
}

/**
 * One `cell` x `cell` coloured square per tile; solid tiles get a darker rim (from 4 px up) so
 * neighbours stay apart. `path` (the playability checker's cells) is drawn as a white line with a
 * black outline through the cell centres; cells above the map are clipped.
 */
export function levelPreview(level: LevelGrid, cell = 8, path?: readonly Cell[]): RgbaImage {
  const width = level.cols * cell;
  const height = level.rows * cell;
  const data = new Uint8ClampedArray(width * height * 4);
  const colours = level.legend.map(tileColour);
  const rims = colours.map(([r, g, b]) => [r * 0.6, g * 0.6, b * 0.6] as const);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = level.cells[Math.floor(y / cell) * level.cols + Math.floor(x / cell)]!;
      const edge = cell >= 4 && (x % cell === 0 || y % cell === 0 || x % cell === cell - 1 || y % cell === cell - 1);
      const [r, g, b] = edge && level.legend[t]?.solid ? rims[t]! : (colours[t] ?? [255, 0, 255]);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  if (path && path.length > 0) drawPath(data, width, height, cell, path);
  return { width, height, data };
}

/** PNG bytes of `levelPreview` (fast-png; the same bytes in Node and browsers). */
export function levelPreviewPng(level: LevelGrid, cell = 8, path?: readonly Cell[]): Uint8Array {
  return encodePng(levelPreview(level, cell, path));
}

function drawPath(data: Uint8ClampedArray, width: number, height: number, cell: number, path: readonly Cell[]): void {
  const centre = (p: Cell) => [p.col * cell + Math.floor(cell / 2), p.row * cell + Math.floor(cell / 2)] as const;
  // Outline first (3x3 pen), then the line itself (1x1 pen, 2x2 from 8 px tiles up).
  const pens: Array<[readonly [number, number, number], number, number]> = [[[0, 0, 0], -1, cell >= 8 ? 2 : 1], [[255, 255, 255], 0, cell >= 8 ? 1 : 0]];
  for (const [[r, g, b], from, to] of pens) {
    for (let i = 0; i < path.length; i++) {
      const [x1, y1] = centre(path[i]!);
      const [x0, y0] = i > 0 ? centre(path[i - 1]!) : [x1, y1];
      const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
      for (let s = 0; s <= steps; s++) {
        const x = Math.round(x0 + ((x1 - x0) * s) / steps);
        const y = Math.round(y0 + ((y1 - y0) * s) / steps);
        for (let dy = from; dy <= to; dy++) {
          for (let dx = from; dx <= to; dx++) {
            const px = x + dx;
            const py = y + dy;
            if (px >= 0 && py >= 0 && px < width && py < height) data.set([r, g, b, 255], (py * width + px) * 4);
          }
        }
      }
    }
  }
}

/** The legend as a one-row tileset image (for TMJ): tile i is the square at x = i * size. */
export function legendTileset(legend: TileInfo[], size = 16): RgbaImage {
  const level: LevelGrid = { rows: 1, cols: legend.length, cells: Uint8Array.from(legend.keys()), legend };
  return levelPreview(level, size);
}

/**
 * Tiled map JSON (TMJ, format 1.10; https://doc.mapeditor.org/en/stable/reference/json-map-format/):
 * orthogonal, one tile layer, one embedded tileset with tilecount = legend size whose tiles carry
 * `char`, `name`, `solid` and `hazard` properties. `tilesetImage` is the path Tiled will load the
 * tileset image from (write `legendTileset` there); `properties` become map properties.
 */
export function toTmj(level: LevelGrid, tilesetImage: string, tileSize = 16, properties: Record<string, string | number | boolean> = {}): object {
  return {
    type: 'map',
    version: '1.10',
    tiledversion: '1.10.2',
    orientation: 'orthogonal',
    renderorder: 'right-down',
    infinite: false,
    width: level.cols,
    height: level.rows,
    tilewidth: tileSize,
    tileheight: tileSize,
    nextlayerid: 2,
    nextobjectid: 1,
    properties: Object.entries(properties).map(([name, value]) => ({
      name,
      type: typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : 'string',
      value,
    })),
    layers: [
      {
        id: 1,
        name: 'level',
        type: 'tilelayer',
        x: 0,
        y: 0,
        width: level.cols,
        height: level.rows,
        opacity: 1,
        visible: true,
        // Tiled global ids start at the tileset's firstgid (1); 0 means "no tile".
        data: Array.from(level.cells, (t) => t + 1),
      },
    ],
    tilesets: [
      {
        firstgid: 1,
        name: 'legend',
        image: tilesetImage,
        imagewidth: level.legend.length * tileSize,
        imageheight: tileSize,
        tilewidth: tileSize,
        tileheight: tileSize,
        tilecount: level.legend.length,
        columns: level.legend.length,
        margin: 0,
        spacing: 0,
        tiles: level.legend.map((t, id) => ({
          id,
          properties: [
            { name: 'char', type: 'string', value: t.char },
            { name: 'name', type: 'string', value: t.name },
            { name: 'solid', type: 'bool', value: t.solid },
            { name: 'hazard', type: 'bool', value: isHazard(t) },
          ],
        })),
      },
    ],
  };
}
