/** Minimal float32 tensor helpers: a flat row-major array plus its [B, C, H, W] shape. */

export type Shape4 = readonly [batch: number, channels: number, height: number, width: number];

export interface Tensor4 {
  data: Float32Array;
  shape: Shape4;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** out[i] = a * x[i] + b * y[i] (a new array unless `out` is given). */
export function axpby(a: number, x: Float32Array, b: number, y: Float32Array, out = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = a * x[i]! + b * y[i]!;
  return out;
}

/** Concatenate along the batch axis (flat arrays are already batch-major). */
export function concatBatch(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Items [start, end) of a batch whose items each hold `itemSize` values. */
export function sliceBatch(data: Float32Array, itemSize: number, start: number, end: number): Float32Array {
  return data.subarray(start * itemSize, end * itemSize);
}

/** Broadcast a [B, 1, H, W] mask to [B, C, H, W]. */
export function broadcastChannels(mask: Float32Array, shape: Shape4): Float32Array {
  const [b, c, h, w] = shape;
  const plane = h * w;
  const out = new Float32Array(b * c * plane);
  for (let n = 0; n < b; n++) {
    const src = mask.subarray(n * plane, (n + 1) * plane);
    for (let ch = 0; ch < c; ch++) out.set(src, (n * c + ch) * plane);
  }
  return out;
}

/** Largest |a - b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
