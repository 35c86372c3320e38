import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { legendTileset, levelPreview, levelPreviewPng, toRows, toTmj, toVglc } from '../../src/levels/export.ts';
import { SMB_LEGEND, parseVglc } from '../../src/levels/legend.ts';
import { checkPlayability } from '../../src/levels/playability.ts';
import { encodePng } from '../../src/png.ts';
import { level, trainingLevels } from './helpers.ts';

const sample = level('--o---', '-<>-E-', '-[]-XX', 'XXXXXX');

describe('exporters', () => {
  it('writes VGLC text in the training legend, which parses back to the same grid', () => {
    expect(toVglc(sample)).toBe('--o---\n-<>-E-\n-[]-XX\nXXXXXX\n');
    const grid = trainingLevels()[0]!.grid;
    expect(parseVglc(toVglc(grid)).cells).toEqual(grid.cells);
    expect(() => toVglc({ ...sample, cells: new Uint8Array(24).fill(13) })).toThrow(/tile id 13 at row 0, column 0/);
  });

  it('gives Phaser a rows x cols array of tile indices', () => {
    const rows = toRows(sample);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual([0, 6, 7, 0, 5, 0]);
  });

  it('writes a TMJ map with the fields Tiled reads (orthogonal, one tile layer, the legend as tileset)', () => {
    const map = toTmj(sample, 'level.tiles.png', 16, { seed: 5, model: 'level-smb' }) as Record<string, any>;
    expect(map).toMatchObject({
      type: 'map', orientation: 'orthogonal', renderorder: 'right-down', infinite: false,
      width: 6, height: 4, tilewidth: 16, tileheight: 16, nextlayerid: 2, nextobjectid: 1,
    });
    expect(map.version).toMatch(/^\d+\.\d+$/); // Tiled's format version, e.g. "1.10"
    expect(map.properties).toEqual([
      { name: 'seed', type: 'int', value: 5 },
      { name: 'model', type: 'string', value: 'level-smb' },
    ]);
    expect(map.layers).toHaveLength(1);
    const [layer] = map.layers;
    expect(layer).toMatchObject({ id: 1, type: 'tilelayer', width: 6, height: 4, x: 0, y: 0, opacity: 1, visible: true });
    expect(layer.data).toHaveLength(24);
    const [tileset] = map.tilesets;
    expect(tileset).toMatchObject({
      firstgid: 1, image: 'level.tiles.png', tilecount: SMB_LEGEND.length, columns: SMB_LEGEND.length,
      imagewidth: 16 * SMB_LEGEND.length, imageheight: 16, tilewidth: 16, tileheight: 16, margin: 0, spacing: 0,
    });
    // Every gid points into the tileset: firstgid + tile id.
    expect(layer.data.every((gid: number) => gid >= 1 && gid < 1 + tileset.tilecount)).toBe(true);
    expect(layer.data[1 * 6 + 1]).toBe(1 + 6);
    const enemy = tileset.tiles[5];
    expect(enemy.properties).toContainEqual({ name: 'hazard', type: 'bool', value: true });
    expect(tileset.tiles[1].properties).toContainEqual({ name: 'solid', type: 'bool', value: true });
    // Valid JSON all the way down (no typed arrays, no undefined).
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
  });

  it('draws a PNG preview with the checker path on it, and the tileset image the TMJ names', () => {
    const grid = trainingLevels().find((l) => l.name === 'mario-1-1.txt')!.grid;
    const result = checkPlayability(grid);
    const png = decode(levelPreviewPng(grid, 8, result.path));
    expect([png.width, png.height, png.channels]).toEqual([202 * 8, 14 * 8, 4]);
    // The start cell's centre is white (path), a sky cell far above any path keeps the sky colour.
    const pixel = (x: number, y: number) => Array.from(png.data.slice((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    expect(pixel(result.start!.col * 8 + 4, result.start!.row * 8 + 4)).toEqual([255, 255, 255]);
    const plain = levelPreview(grid, 8);
    expect(pixel(3, 3)).toEqual(Array.from(plain.data.slice((3 * plain.width + 3) * 4, (3 * plain.width + 3) * 4 + 3)));
    const tileset = decode(encodePng(legendTileset(SMB_LEGEND, 16)));
    expect([tileset.width, tileset.height]).toEqual([16 * SMB_LEGEND.length, 16]);
  });
});
