/**
 * What `generate` writes for each --format: [path, bytes] pairs, all committed together
 * (files.ts). Sprites and tiles: a PNG sheet or JSON. Levels: VGLC text, JSON, a PNG preview, or
 * a Tiled map with its tileset image (`<name>.tiles.png`, beside the map).
 */
import { basename } from 'node:path';
import { InvalidRequestError } from '../errors.ts';
import { legendTileset, levelPreview, toRows, toTmj, toVglc } from '../levels/export.ts';
import { composeSheet } from '../models/sheet.ts';
import type { Kind } from '../models/manifest.ts';
import { encodePng } from '../png.ts';
import type { GeneratedLevel, ImageResult } from '../runtime/types.ts';
import type { GeneratedDungeon } from '../runtime/types.ts';
import type { OutputFile } from './files.ts';

export const FORMATS = ['png', 'json', 'vglc', 'tmj'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMATS_BY_KIND: Record<Kind, readonly Format[]> = {
  sprite: ['png', 'json'],
  tile: ['png', 'json'],
  level: ['png', 'json', 'vglc', 'tmj'],
};

const BY_EXTENSION: Record<string, Format> = { png: 'png', json: 'json', txt: 'vglc', tmj: 'tmj' };

/** --format, else from the --out extension, else png; checked against the kind. */
export function chooseFormat(kind: Kind, format: string | undefined, out: string): Format {
  const chosen = format ?? BY_EXTENSION[out.split('.').pop()?.toLowerCase() ?? ''] ?? 'png';
  const valid = FORMATS_BY_KIND[kind];
  if (!(FORMATS as readonly string[]).includes(chosen)) throw new InvalidRequestError('format', `unknown value "${chosen}"; valid values: ${FORMATS.join(', ')}`);
  if (!valid.includes(chosen as Format)) throw new InvalidRequestError('format', `${chosen} does not apply to ${kind}s; valid values for ${kind}: ${valid.join(', ')}`);
  return chosen as Format;
}

/** The paths an output in `format` writes: `out`, and for a TMJ map its tileset image beside it. */
export function outputPaths(format: Format, out: string): string[] {
  return format === 'tmj' ? [out, out.replace(/\.tmj$/i, '') + '.tiles.png'] : [out];
}

const toBase64 = (bytes: Uint8Array | Uint8ClampedArray): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Sprites and tiles: one near-square PNG sheet, or JSON with frames and each image's RGBA. */
export function renderImages(result: ImageResult, format: Format, out: string): OutputFile[] {
  const sheet = composeSheet(result.images);
  if (format === 'png') return [[out, encodePng(sheet)]];
  const meta = { model: result.model, version: result.version, sha256: result.sha256, request: result.request, labels: result.labels, device: result.device };
  const frames = result.images.map((img, i) => ({ x: (i % sheet.columns) * img.width, y: Math.floor(i / sheet.columns) * img.height, width: img.width, height: img.height, label: result.labels[i] }));
  return [[out, JSON.stringify({ ...meta, kind: result.kind, frames, rgbaBase64: result.images.map((img) => toBase64(img.data)) }, null, 1) + '\n']];
}

/**
 * Levels (seeds seed, seed + 1, ...): VGLC blocks separated by a blank line, previews stacked,
 * JSON with one entry per level. TMJ: one map holding one tile layer per level (`level-0`,
 * `level-1`, ..., all the same size, only the first visible), each with its own seed and
 * playable properties; the map's own properties describe the first.
 */
export function renderLevels(levels: Array<GeneratedLevel | GeneratedDungeon>, format: Format, out: string): OutputFile[] {
  const grids = levels.map((l) => l.grid);
  if (format === 'vglc') return [[out, grids.map(toVglc).join('\n')]];
  if (format === 'png') return [[out, encodePng(composeSheet(levels.map((l) => levelPreview(l.grid, 8, l.metadata.path)), 1))]];
  const first = levels[0]!;
  if (format === 'json') {
    const body = levels.map((l) => ({ rows: l.grid.rows, cols: l.grid.cols, text: toVglc(l.grid).trimEnd().split('\n'), data: toRows(l.grid), request: l.request, metadata: l.metadata }));
    return [[out, JSON.stringify({ model: first.model, version: first.version, sha256: first.sha256, device: first.device, legend: first.grid.legend, levels: body }) + '\n']];
  }
  const [, tileset] = outputPaths('tmj', out) as [string, string];
  const properties = (l: GeneratedLevel | GeneratedDungeon) => ({
    model: l.model, seed: l.metadata.seed, playable: l.metadata.playable,
    ...(l.kind === 'dungeon' ? { genre: 'dungeon', startRow: l.metadata.start.row, startCol: l.metadata.start.col, goalRow: l.metadata.goal.row, goalCol: l.metadata.goal.col } : {}),
  });
  const map = toTmj(first.grid, basename(tileset), 16, properties(first)) as { layers: Array<Record<string, unknown>>; nextlayerid: number; properties: unknown };
  if (levels.length > 1) {
    const layer = map.layers[0]!;
    map.layers = levels.map((l, i) => ({
      ...layer,
      id: i + 1,
      name: `level-${i}`,
      visible: i === 0,
      data: Array.from(l.grid.cells, (t) => t + 1),
      properties: (toTmj(l.grid, '', 16, properties(l)) as { properties: unknown }).properties,
    }));
    map.nextlayerid = levels.length + 1;
  }
  return [
    [out, JSON.stringify(map, null, 1) + '\n'],
    [tileset, encodePng(legendTileset(first.grid.legend))],
  ];
}
