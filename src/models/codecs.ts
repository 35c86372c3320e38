/**
 * Per-kind encodings (docs/MODEL-CONTRACT.md "Encodings"): tensors in [-1, 1] <-> pixels / grids.
 */
import type { Shape4 } from '../core/tensor.ts';
import type { TileInfo } from './manifest.ts';
import { quantisePalette, snapToPalette } from './palette.ts';

/** Straight-alpha RGBA8, row-major; the same layout as the DOM's ImageData. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A level: `cells[r * cols + c]` is an index into `legend`. */
export interface LevelGrid {
  rows: number;
  cols: number;
  cells: Uint8Array;
  legend: TileInfo[];
}

export interface ImageDecodeOptions {
  /** Sprites: alpha (0..1) at or above which a pixel is opaque; default 0.5. */
  alphaThreshold?: number;
  /** Sprites: quantise each image to this many colours (2..256); off when undefined. */
  palette?: number;
  /** Sprites: the model's own RGBA8 palette (manifest `palette`); opaque pixels snap to it first. */
  modelPalette?: readonly (readonly number[])[];
}

const toByte = (v: number): number => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);

/** Whether an alpha value in [-1, 1] decodes as opaque (the fragment guard counts with the same rule). */
export function isOpaque(alpha: number, threshold: number): boolean {
  return (Math.min(1, Math.max(-1, alpha)) + 1) / 2 >= threshold;
}

/** sprite ([B,4,H,W]) or tile ([B,3,H,W]) tensor -> RGBA8 images. Tiles come out opaque. */
export function decodeImages(x: Float32Array, shape: Shape4, opts: ImageDecodeOptions = {}): RgbaImage[] {
  const [b, c, h, w] = shape;
  const plane = h * w;
  const threshold = opts.alphaThreshold ?? 0.5;
  const images: RgbaImage[] = [];
  for (let n = 0; n < b; n++) {
    const data = new Uint8ClampedArray(plane * 4);
    const base = n * c * plane;
    for (let p = 0; p < plane; p++) {
      const opaque = c < 4 || isOpaque(x[base + 3 * plane + p]!, threshold);
      if (!opaque) continue; // transparent pixels stay (0, 0, 0, 0)
      for (let ch = 0; ch < 3; ch++) data[p * 4 + ch] = toByte(x[base + ch * plane + p]!);
      data[p * 4 + 3] = 255;
    }
    if (opts.modelPalette) snapToPalette(data, opts.modelPalette);
    if (c === 4 && opts.palette !== undefined) quantisePalette(data, opts.palette);
    images.push({ width: w, height: h, data });
  }
  return images;
}

/** RGBA8 images -> tensor [B, channels, H, W] in [-1, 1] (for inpainting's known values). */
export function encodeImages(images: RgbaImage[], channels: 3 | 4): Float32Array {
  const { width: w, height: h } = images[0]!;
  const plane = w * h;
  const out = new Float32Array(images.length * channels * plane);
  images.forEach((img, n) => {
    for (let p = 0; p < plane; p++) {
      const transparent = channels === 4 && img.data[p * 4 + 3]! < 128;
      for (let ch = 0; ch < channels; ch++) {
        // Transparent pixels are mid-grey (0) with alpha -1, as in training; opaque alpha is 1.
        let v: number;
        if (ch === 3) v = transparent ? -1 : 1;
        else v = transparent ? 0 : img.data[p * 4 + ch]! / 127.5 - 1;
        out[(n * channels + ch) * plane + p] = v;
      }
    }
  });
  return out;
}

/** level tensor [B, T, H, W] (one-hot in [-1, 1]) -> grids, by argmax over the T tile channels. */
export function decodeLevels(x: Float32Array, shape: Shape4, legend: TileInfo[]): LevelGrid[] {
  const [b, c, h, w] = shape;
  const plane = h * w;
  const grids: LevelGrid[] = [];
  for (let n = 0; n < b; n++) {
    const cells = new Uint8Array(plane);
    for (let p = 0; p < plane; p++) {
      let best = 0;
      for (let ch = 1; ch < c; ch++) if (x[(n * c + ch) * plane + p]! > x[(n * c + best) * plane + p]!) best = ch;
      cells[p] = best;
    }
    grids.push({ rows: h, cols: w, cells, legend });
  }
  return grids;
}

/** Grids -> one-hot tensor [B, T, H, W] (1 for the tile, -1 elsewhere). */
export function encodeLevels(grids: LevelGrid[], tiles: number): Float32Array {
  const { rows, cols } = grids[0]!;
  const plane = rows * cols;
  const out = new Float32Array(grids.length * tiles * plane).fill(-1);
  grids.forEach((g, n) => g.cells.forEach((tile, p) => (out[(n * tiles + tile) * plane + p] = 1)));
  return out;
}
