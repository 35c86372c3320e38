/**
 * Classifier-free guidance (Ho & Salimans 2022): D = D_null + g (D_cond - D_null), where "null"
 * drops the class and, for models that take them, every attribute.
 * Builds the sampler's `Denoise` from one raw model call; both passes share one batched call
 * because each onnxruntime run has a fixed cost that dominates for small models.
 */
import type { Denoise } from './samplers.ts';
import { concatBatch, type Shape4 } from './tensor.ts';

/** What the denoiser graph takes (docs/MODEL-CONTRACT.md), flat row-major arrays. */
export interface DenoiserFeeds {
  x: Float32Array; // [B, C, H, W]
  t: Float32Array; // [B]
  label: Int32Array; // [B] (int64 in the graph; the backend widens it)
  mask: Float32Array; // [B, 1, H, W]
  known: Float32Array; // [B, C, H, W]
  /** [B, A], a value in [0, 1] or -1 (unknown) per attribute; only for models that take attributes. */
  attributes?: Float32Array;
  shape: Shape4;
  /** Which graph output to return; default x0. */
  output?: GraphOutput;
}

/**
 * One model evaluation: feeds in, the graph's `x0` [B, C, H, W] out, or with `output: 'logits'` a
 * palette model's logits [B, K, H, W] (core/palette-draw.ts).
 */
export type DenoiserRun = (feeds: DenoiserFeeds) => Promise<Float32Array>;
export type GraphOutput = 'x0' | 'logits';

export interface GuidanceOptions {
  shape: Shape4;
  labels: Int32Array;
  nullClass: number;
  guidance: number;
  /** [B, 1, H, W]; zeros when nothing is known. */
  mask?: Float32Array;
  /** [B, C, H, W], already multiplied by the mask. */
  known?: Float32Array;
  /** [B, A] attributes (-1 = unknown); the unconditional pass gets all -1. */
  attributes?: Float32Array;
}

/** Guidance is linear, so it applies to logits as it does to x0 (on logits it tilts the class's distribution, p_null^(1-g) p_cond^g). */
export function guidedDenoiser(run: DenoiserRun, opts: GuidanceOptions, output: GraphOutput = 'x0'): Denoise {
  const { shape, labels, nullClass, guidance: g } = opts;
  const [b, c, h, w] = shape;
  const mask = opts.mask ?? new Float32Array(b * h * w);
  const known = opts.known ?? new Float32Array(b * c * h * w);
  const nullLabels = new Int32Array(b).fill(nullClass);
  const attributes = opts.attributes;
  const nullAttributes = attributes && new Float32Array(attributes.length).fill(-1);
  const unconditional = labels.every((l) => l === nullClass) && (!attributes || attributes.every((a) => a < 0));
  const times = (n: number, t: number): Float32Array => new Float32Array(n).fill(t);

  // g == 1 needs only the conditional pass, g == 0 only the unconditional one (the contract's rule).
  if (g === 1 || g === 0 || unconditional) {
    const label = g === 0 ? nullLabels : labels;
    const attrs = g === 0 ? nullAttributes : attributes;
    return (x, t) => run({ x, t: times(b, t), label, mask, known, ...(attrs && { attributes: attrs }), shape, output });
  }
  const label2 = new Int32Array(2 * b);
  label2.set(labels, 0);
  label2.set(nullLabels, b);
  const mask2 = concatBatch([mask, mask]);
  const known2 = concatBatch([known, known]);
  const attributes2 = attributes && concatBatch([attributes, nullAttributes!]);
  const shape2: Shape4 = [2 * b, c, h, w];
  return async (x, t) => {
    const out = await run({ x: concatBatch([x, x]), t: times(2 * b, t), label: label2, mask: mask2, known: known2, ...(attributes2 && { attributes: attributes2 }), shape: shape2, output });
    const n = out.length / 2; // the conditional half, then the null half (x0 or logits alike)
    const guided = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const dNull = out[n + j]!;
      guided[j] = dNull + g * (out[j]! - dNull);
    }
    return guided;
  };
}
