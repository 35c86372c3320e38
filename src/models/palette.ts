/**
 * Palette quantisation to N colours for crisp pixel art: k-means (Lloyd) over the opaque pixels
 * with a deterministic farthest-point start, so the same image always gives the same palette.
 * And snapping to a model's own palette (manifest `palette`). Sprites are 32x32, so the plain
 * O(pixels x colours) loops are instant; no dependency needed.
 */

type Rgb = [number, number, number];

const dist2 = (a: Rgb, b: Rgb): number => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

function nearest(p: Rgb, centres: Rgb[]): number {
  let best = 0;
  let bestD = Infinity;
  centres.forEach((c, i) => {
    const d = dist2(p, c);
    if (d < bestD) [best, bestD] = [i, d];
  });
  return best;
}

/**
 * Snap the RGB of every pixel with alpha > 0 to the nearest opaque colour of `palette` (RGBA8),
 * in place. A palette model's output is a posterior mean over its colours: where the model is
 * sure it is already a palette colour, where it hesitates a blend that the palette never had.
 */
export function snapToPalette(rgba: Uint8ClampedArray, palette: readonly (readonly number[])[]): void {
  const colours = palette.filter((c) => c[3] === 255).map((c): Rgb => [c[0]!, c[1]!, c[2]!]);
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 0) continue;
    const c = colours[nearest([rgba[i]!, rgba[i + 1]!, rgba[i + 2]!], colours)]!;
    [rgba[i], rgba[i + 1], rgba[i + 2]] = c;
  }
}

/** Quantise the RGB of every pixel with alpha > 0 to at most `colours` colours, in place. */
export function quantisePalette(rgba: Uint8ClampedArray, colours: number, iterations = 8): void {
  const points: Rgb[] = [];
  const index: number[] = [];
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 0) continue;
    points.push([rgba[i]!, rgba[i + 1]!, rgba[i + 2]!]);
    index.push(i);
  }
  if (new Set(points.map((p) => (p[0] << 16) | (p[1] << 8) | p[2])).size <= colours) return;

  // Farthest-point initialisation from the first pixel: deterministic and spreads the palette.
  const centres: Rgb[] = [points[0]!];
  const minD = points.map((p) => dist2(p, centres[0]!));
  while (centres.length < colours) {
    let far = 0;
    for (let i = 1; i < points.length; i++) if (minD[i]! > minD[far]!) far = i;
    centres.push([...points[far]!]);
    points.forEach((p, i) => (minD[i] = Math.min(minD[i]!, dist2(p, centres[centres.length - 1]!))));
  }

  const assign = new Int32Array(points.length);
  for (let it = 0; it < iterations; it++) {
    points.forEach((p, i) => (assign[i] = nearest(p, centres)));
    const sums = centres.map(() => [0, 0, 0, 0]);
    points.forEach((p, i) => {
      const s = sums[assign[i]!]!;
      s[0]! += p[0];
      s[1]! += p[1];
      s[2]! += p[2];
      s[3]! += 1;
    });
    sums.forEach((s, k) => {
      if (s[3]! > 0) centres[k] = [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!];
    });
  }
  points.forEach((p, i) => {
    const c = centres[nearest(p, centres)]!;
    const o = index[i]!;
    rgba[o] = Math.round(c[0]);
    rgba[o + 1] = Math.round(c[1]);
    rgba[o + 2] = Math.round(c[2]);
  });
}
