/**
 * Level exporters: VGLC text (the training corpus's format), Tiled TMJ JSON, Phaser-ready 2-D
 * arrays and a coloured RGBA preview. Issue 4 extends these (paths drawn on previews etc.).
 */
import type { LevelGrid, RgbaImage } from '../models/codecs.ts';
import type { TileInfo } from '../models/manifest.ts';

/** Rows of tile indices, as Phaser's `make.tilemap({ data })` takes them. */
export function toRows(level: LevelGrid): number[][] {
  return Array.from({ length: level.rows }, (_, r) => Array.from(level.cells.subarray(r * level.cols, (r + 1) * level.cols)));
}

/** VGLC text: one line per row, one legend char per cell. */
export function toVglc(level: LevelGrid): string {
  return toRows(level)
    .map((row) => row.map((t) => level.legend[t]!.char).join(''))
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

/** One `cell` x `cell` coloured square per tile. */
export function levelPreview(level: LevelGrid, cell = 8): RgbaImage {
  const width = level.cols * cell;
  const height = level.rows * cell;
  const data = new Uint8ClampedArray(width * height * 4);
  const colours = level.legend.map(tileColour);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colours[level.cells[Math.floor(y / cell) * level.cols + Math.floor(x / cell)]!]!;
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** The legend as a one-row tileset image (for TMJ): tile i is the square at x = i * size. */
export function legendTileset(legend: TileInfo[], size = 16): RgbaImage {
  const level: LevelGrid = { rows: 1, cols: legend.length, cells: Uint8Array.from(legend.keys()), legend };
  return levelPreview(level, size);
}

/** Tiled map JSON (TMJ, format 1.10). `tilesetImage` is the path Tiled will load the tileset image from. */
export function toTmj(level: LevelGrid, tilesetImage: string, tileSize = 16): object {
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
          ],
        })),
      },
    ],
  };
}
