/**
 * The fragment guard (issue 13): small item classes sometimes come out as a few loose pixels,
 * which the real art never is. A sprite with fewer opaque pixels than its class's floor (manifest
 * `minOpaque`: the real art's 5th percentile, models/data.py `min_opaque`) is sampled again from a
 * fresh seed stream, at most FRAGMENT_RETRIES times; the fullest attempt is kept, so nothing is lost.
 * Retries of item i use stream i + a * RETRY_STREAM_STRIDE, which no other item of a request uses.
 */
import type { Shape4 } from '../core/tensor.ts';
import { isOpaque } from '../models/codecs.ts';

export const FRAGMENT_RETRIES = 3;
export const RETRY_STREAM_STRIDE = 1 << 16;

/** Opaque pixels per item of a [B, 4, H, W] sprite tensor, as the decoder thresholds alpha. */
export function opaqueCounts(x: Float32Array, shape: Shape4, alphaThreshold: number): number[] {
  const [b, c, h, w] = shape;
  const plane = h * w;
  return Array.from({ length: b }, (_, i) => {
    let n = 0;
    const alpha = (i * c + 3) * plane;
    for (let j = 0; j < plane; j++) if (isOpaque(x[alpha + j]!, alphaThreshold)) n++;
    return n;
  });
}

export interface FragmentGuard {
  /** Per label, the fewest opaque pixels; labels past the end (the null class) are not guarded. */
  minOpaque: readonly number[];
  alphaThreshold: number;
  /** Samples the given items again from retry `attempt` (1-based): [items.length, C, H, W]. */
  resample: (items: number[], attempt: number) => Promise<Float32Array>;
}

/** Replaces fragments in `x` (in place) and returns how many items were sampled again. */
export async function guardFragments(x: Float32Array, shape: Shape4, labels: ArrayLike<number>, g: FragmentGuard): Promise<number> {
  const [, c, h, w] = shape;
  const size = c * h * w;
  const floor = (i: number): number => g.minOpaque[labels[i]!] ?? 0;
  const best = opaqueCounts(x, shape, g.alphaThreshold);
  let short = best.flatMap((n, i) => (n < floor(i) ? [i] : []));
  const resampled = short.length;
  for (let attempt = 1; attempt <= FRAGMENT_RETRIES && short.length > 0; attempt++) {
    const again = await g.resample(short, attempt);
    const counts = opaqueCounts(again, [short.length, c, h, w], g.alphaThreshold);
    short.forEach((item, k) => {
      if (counts[k]! <= best[item]!) return;
      best[item] = counts[k]!;
      x.set(again.subarray(k * size, (k + 1) * size), item * size);
    });
    short = short.filter((i) => best[i]! < floor(i));
  }
  return resampled;
}
