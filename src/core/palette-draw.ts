/**
 * The palette draw (docs/MODEL-CONTRACT.md): a palette model's last step draws each pixel's
 * palette entry from softmax(logits / temperature) instead of returning the posterior mean.
 * The mean is the right x0 for the ODE's steps but the wrong picture: at the last step the net
 * still hesitates between neighbouring shades, and their average is a flat field where the art
 * has texture. Reference: models/diffusion.py `draw_palette`.
 */
import type { Denoise } from './samplers.ts';
import type { Shape4 } from './tensor.ts';

export interface PaletteDraw {
  /** The manifest's RGBA8 palette; entry k's colour is (v / 127.5 - 1) for its first C channels. */
  palette: readonly (readonly number[])[];
  temperature: number;
  /**
   * Share of pixels drawn (default 1); the others take the posterior mean of softmax(logits).
   * Variations pass their strength: a light one keeps its source's shades, since the draw
   * re-rolls every pixel the net is unsure of (on docs/examples/brick_wall.png at strength 0.1,
   * RGBA L1 to the source 0.086 drawn against 0.042 with the mean).
   */
  share?: number;
  /** Uniforms in [0, 1) for the batch's pixels, [B, H, W] (twice that with share < 1: the draw's, then the choice's); called once, at the last step. */
  uniforms: () => Float32Array;
}

/** [B, K, H, W] logits -> [B, C, H, W] colours: entry k for the first k whose CDF passes u (inverse CDF, float64 like the reference). */
export function drawPalette(logits: Float32Array, shape: Shape4, draw: Omit<PaletteDraw, 'uniforms'>, uniforms: Float32Array): Float32Array {
  const [b, c, h, w] = shape;
  const k = draw.palette.length;
  const plane = h * w;
  const share = draw.share ?? 1;
  if (logits.length !== b * k * plane) throw new Error(`drawPalette: logits hold ${logits.length} values, expected ${b}x${k}x${h}x${w} for a ${k}-colour palette`);
  const colours = draw.palette.map((rgba) => rgba.slice(0, c).map((v) => v / 127.5 - 1));
  const out = new Float32Array(b * c * plane);
  const p = new Float64Array(k);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < plane; j++) {
      let max = -Infinity;
      for (let e = 0; e < k; e++) max = Math.max(max, logits[(i * k + e) * plane + j]! / draw.temperature);
      let sum = 0;
      for (let e = 0; e < k; e++) sum += p[e] = Math.exp(logits[(i * k + e) * plane + j]! / draw.temperature - max);
      if (share < 1 && uniforms[b * plane + i * plane + j]! >= share) {
        // The mean at temperature 1, from the same logits.
        let total = 0;
        for (let e = 0; e < k; e++) total += p[e] = Math.exp(logits[(i * k + e) * plane + j]! - max * draw.temperature);
        for (let ch = 0; ch < c; ch++) {
          let v = 0;
          for (let e = 0; e < k; e++) v += (p[e]! / total) * colours[e]![ch]!;
          out[(i * c + ch) * plane + j] = v;
        }
        continue;
      }
      const u = uniforms[i * plane + j]!;
      let cdf = 0;
      let pick = 0;
      while (pick < k - 1 && (cdf += p[pick]! / sum) <= u) pick++;
      for (let ch = 0; ch < c; ch++) out[(i * c + ch) * plane + j] = colours[pick]![ch]!;
    }
  }
  return out;
}

/**
 * The sampler's denoiser with the draw at its last step (time `lastT`, the grid's next-to-last
 * time): there sigma(0) = 0, so what it returns is the sample, for DDIM and DPM-Solver++ alike.
 */
export function withPaletteDraw(denoise: Denoise, logits: Denoise, lastT: number, shape: Shape4, draw: PaletteDraw): Denoise {
  return async (x, t) => (t === lastT ? drawPalette(await logits(x, t), shape, draw, draw.uniforms()) : denoise(x, t));
}
