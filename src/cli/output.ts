/** Turning a result into the bytes of each --format, and writing files atomically. */
import { rename, writeFile, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { InvalidRequestError } from '../errors.ts';
import { legendTileset, levelPreview, toRows, toTmj, toVglc } from '../levels/export.ts';
import { composeSheet } from '../models/sheet.ts';
import type { Kind } from '../models/manifest.ts';
import { encodePng } from '../png.ts';
import type { GenerateResult } from '../runtime/types.ts';

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

const toBase64 = (bytes: Uint8Array | Uint8ClampedArray): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The files to write for `result` in `format`: [path, bytes] pairs (a TMJ map brings its tileset image). */
export function render(result: GenerateResult, format: Format, out: string): Array<[string, Uint8Array | string]> {
  const meta = { model: result.model, version: result.version, sha256: result.sha256, request: result.request, labels: result.labels, device: result.device };
  if (result.kind === 'level') {
    const levels = result.levels;
    // Several levels go one after another, separated by a blank line (VGLC) or side by side (PNG).
    if (format === 'vglc') return [[out, levels.map(toVglc).join('\n')]];
    if (format === 'png') return [[out, encodePng(composeSheet(levels.map((l) => levelPreview(l)), 1))]];
    if (format === 'json') {
      const body = levels.map((l) => ({ rows: l.rows, cols: l.cols, text: toVglc(l).trimEnd().split('\n'), data: toRows(l) }));
      return [[out, JSON.stringify({ ...meta, legend: levels[0]!.legend, levels: body }, null, 1) + '\n']];
    }
    const tileset = out.replace(/\.tmj$/i, '') + '.tiles.png';
    return [
      [out, JSON.stringify(toTmj(levels[0]!, basename(tileset)), null, 1) + '\n'],
      [tileset, encodePng(legendTileset(levels[0]!.legend))],
    ];
  }
  if (format === 'png') return [[out, encodePng(composeSheet(result.images))]];
  const sheet = composeSheet(result.images);
  const frames = result.images.map((img, i) => ({ x: (i % sheet.columns) * img.width, y: Math.floor(i / sheet.columns) * img.height, width: img.width, height: img.height, label: result.labels[i] }));
  return [[out, JSON.stringify({ ...meta, kind: result.kind, frames, rgbaBase64: result.images.map((img) => toBase64(img.data)) }, null, 1) + '\n']];
}

/** Write every file to a temporary name first, then rename: a failure leaves nothing half-written. */
export async function writeAtomically(files: Array<[string, Uint8Array | string]>): Promise<void> {
  const temps = files.map(([path]) => `${path}.tmp-${process.pid}`);
  try {
    for (const [i, [, bytes]] of files.entries()) await writeFile(temps[i]!, bytes);
    for (const [i, [path]] of files.entries()) await rename(temps[i]!, path);
  } catch (e) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw e;
  }
}
