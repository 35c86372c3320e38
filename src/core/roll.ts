/**
 * Rolling the canvas for seamless (toroidal) models. Tile models are trained with circular padding,
 * so a shifted canvas is as valid an input as the original. Their space-to-depth input and stride-2
 * convs are not shift-equivariant, though: sampled at a fixed phase, their checker artifacts pile up
 * on the same pixels every step, and the wrap-around edge (always between two 2x2 patches) shows as
 * a seam. Shifting by a different odd offset at every call spreads that out.
 */
import type { Denoise } from './samplers.ts';
import type { Shape4 } from './tensor.ts';

/** Every [H, W] plane rolled by (dy, dx) with wrap-around: out[y][x] = x[y - dy][x - dx]. */
export function roll(x: Float32Array, shape: Shape4, dy: number, dx: number): Float32Array {
  const [b, c, h, w] = shape;
  const out = new Float32Array(x.length);
  for (let p = 0; p < b * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) {
      const src = base + y * w;
      const dst = base + ((y + dy) % h) * w;
      for (let xx = 0; xx < w; xx++) out[dst + ((xx + dx) % w)] = x[src + xx]!;
    }
  }
  return out;
}

/** Wraps a denoiser: call k sees the canvas rolled by a fixed per-call offset, and its x0 is rolled back. */
export function rollingDenoiser(denoise: Denoise, shape: Shape4): Denoise {
  const [, , h, w] = shape;
  let call = 0;
  return async (x, t) => {
    // Deterministic, odd offsets (so the patch phase changes) that differ between steps.
    const dy = (7 * call + 3) % h;
    const dx = (11 * call + 5) % w;
    call++;
    const x0 = await denoise(roll(x, shape, dy, dx), t);
    return roll(x0, shape, (h - dy) % h, (w - dx) % w);
  };
}
