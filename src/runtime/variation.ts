/**
 * Variations of existing art (SDEdit, core/variation.ts): the request's `from` image checked and
 * snapped to what the model can draw, its tensor, and the distance the eval reports.
 */
import { InvalidRequestError } from '../errors.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { encodeImages, type RgbaImage } from '../models/codecs.ts';
import type { ModelEntry } from '../models/manifest.ts';
import { snapToPalette } from '../models/palette.ts';
import { describe, real } from '../validate.ts';

/** Strength when `from` is given without one: halfway, a clear variation that keeps the layout. */
export const DEFAULT_STRENGTH = 0.5;

/** What `from` may be: straight-alpha RGBA8 of the model's size (an ImageData works as it is). */
export interface SourceImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** A checked, snapped source: the pixels the variation starts from and their sha256 (for the cache key). */
export interface NormalizedSource {
  image: RgbaImage;
  sha256: string;
}

/**
 * `from` for `model`: the model's exact size (no resize: scaling pixel art blurs or drops the
 * pixels the variation is meant to keep), RGBA8 bytes, then made drawable: sprites get binary
 * alpha at 128 (as the encoder reads it; transparent pixels become 0,0,0,0), tiles are opaque
 * (alpha ignored), and colours snap to the model's palette where it has one, as its outputs do.
 */
export function normalizeSource(model: ModelEntry, from: unknown): NormalizedSource {
  const { width: w, height: h } = model.layout;
  const expected = `a ${w}x${h} RGBA image ({ width: ${w}, height: ${h}, data: ${w * h * 4} bytes }, the size model ${model.id} makes)`;
  if (model.kind === 'level') throw new InvalidRequestError('from', `only applies to sprites and tiles (model ${model.id} makes levels)`);
  if (typeof from !== 'object' || from === null) throw new InvalidRequestError('from', `must be ${expected} (got ${describe(from)})`);
  const f = from as Partial<SourceImage>;
  if (!(f.data instanceof Uint8ClampedArray || f.data instanceof Uint8Array)) throw new InvalidRequestError('from', `data must be a Uint8ClampedArray or Uint8Array of RGBA bytes (got ${describe(f.data)}); expected ${expected}`);
  if (f.width !== w || f.height !== h) throw new InvalidRequestError('from', `is ${describe(f.width)}x${describe(f.height)}; expected ${expected}; resize or crop it first`);
  if (f.data.length !== w * h * 4) throw new InvalidRequestError('from', `data holds ${f.data.length} bytes; expected ${w}x${h}x4 = ${w * h * 4} (straight-alpha RGBA8, row-major)`);
  const data = new Uint8ClampedArray(f.data);
  for (let i = 0; i < data.length; i += 4) {
    if (model.kind === 'tile') data[i + 3] = 255;
    else if (data[i + 3]! < 128) data.fill(0, i, i + 4);
    else data[i + 3] = 255;
  }
  if (model.palette) snapToPalette(data, model.palette);
  return { image: { width: w, height: h, data }, sha256: bytesToHex(sha256(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))) };
}

/** `strength` in [0, 1], only with `from`; DEFAULT_STRENGTH when `from` comes without one. */
export function normalizeStrength(strength: unknown, hasSource: boolean): number | undefined {
  if (strength === undefined) return hasSource ? DEFAULT_STRENGTH : undefined;
  if (!hasSource) throw new InvalidRequestError('strength', 'only applies with `from` (a source image to vary)');
  return real('strength', strength, 0, 1);
}

/** The source as the model's clean input x0 ([1, C, H, W] in [-1, 1]). */
export function sourceTensor(model: ModelEntry, source: RgbaImage): Float32Array {
  return encodeImages([source], model.layout.channels as 3 | 4);
}

/** Mean per-pixel RGBA L1 distance in [0, 1]: |dR| + |dG| + |dB| + |dA| over 4 x 255, averaged over pixels. */
export function rgbaL1(a: RgbaImage, b: RgbaImage): number {
  if (a.data.length !== b.data.length) throw new Error(`rgbaL1: images of ${a.width}x${a.height} and ${b.width}x${b.height}`);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / (a.data.length * 255);
}

/** Share of pixels whose RGBA differs at all (for palette art: the palette-index disagreement). */
export function changedPixels(a: RgbaImage, b: RgbaImage): number {
  let changed = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2] || a.data[i + 3] !== b.data[i + 3]) changed++;
  }
  return changed / (a.data.length / 4);
}
