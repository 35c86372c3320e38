/**
 * The palette draw (docs/MODEL-CONTRACT.md): a palette model's last step draws each pixel's
 * palette entry from softmax(logits / temperature) instead of returning the posterior mean.
 * The mean is the right x0 for the ODE's steps but the wrong picture: at the last step the net
 * still hesitates between neighbouring shades, and their average is a flat field where the art
 * has texture. Reference: models/diffusion.py `draw_palette`.
 */
import type { Rng } from './rng.ts';
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
  const inv = 1 / draw.temperature;
  if (logits.length !== b * k * plane) throw new Error(`drawPalette: logits hold ${logits.length} values, expected ${b}x${k}x${h}x${w} for a ${k}-colour palette`);
  const colours = Float64Array.from(draw.palette.flatMap((rgba) => rgba.slice(0, c).map((v) => v / 127.5 - 1)));
  const out = new Float32Array(b * c * plane);
  const e = new Float64Array(k); // unnormalised probabilities of one pixel
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < plane; j++) {
      const at = i * k * plane + j; // entry 0 of this pixel; entry q is at + q * plane
      let max = -Infinity;
      for (let q = 0; q < k; q++) max = Math.max(max, logits[at + q * plane]!);
      const mean = share < 1 && uniforms[b * plane + i * plane + j]! >= share;
      const scale = mean ? 1 : inv; // outside the drawn share: the posterior mean at temperature 1
      let sum = 0;
      for (let q = 0; q < k; q++) {
        const d = (logits[at + q * plane]! - max) * scale;
        sum += e[q] = d < -40 ? 0 : Math.exp(d); // e^-40 ~ 4e-18 of the top entry: below float64's resolution of the sum
      }
      if (mean) {
        for (let ch = 0; ch < c; ch++) {
          let v = 0;
          for (let q = 0; q < k; q++) v += e[q]! * colours[q * c + ch]!;
          out[(i * c + ch) * plane + j] = v / sum;
        }
        continue;
      }
      const target = uniforms[i * plane + j]! * sum;
      let cdf = 0;
      let pick = 0;
      while (pick < k - 1 && (cdf += e[pick]!) <= target) pick++;
      for (let ch = 0; ch < c; ch++) out[(i * c + ch) * plane + j] = colours[pick * c + ch]!;
    }
  }
  return out;
}

/**
 * The uniforms `drawPalette` reads, from each item's own stream (so batching changes nothing):
 * [B, H, W] for the draw, then with share < 1 another [B, H, W] for the draw-or-mean choice.
 */
export function drawUniforms(rngs: readonly Rng[], plane: number, share = 1): Float32Array {
  const b = rngs.length;
  const u = new Float32Array((share < 1 ? 2 : 1) * b * plane);
  rngs.forEach((rng, i) => {
    for (let j = 0; j < plane; j++) u[i * plane + j] = rng.uniform();
    if (share < 1) for (let j = 0; j < plane; j++) u[(b + i) * plane + j] = rng.uniform();
  });
  return u;
}

/**
 * The sampler's denoiser with the draw at its last step (time `lastT`, the grid's next-to-last
 * time): there sigma(0) = 0, so what it returns is the sample, for DDIM and DPM-Solver++ alike.
 */
export function withPaletteDraw(denoise: Denoise, logits: Denoise, lastT: number, shape: Shape4, draw: PaletteDraw): Denoise {
  return async (x, t) => (t === lastT ? drawPalette(await logits(x, t), shape, draw, draw.uniforms()) : denoise(x, t));
}
