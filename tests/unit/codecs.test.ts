import { describe, expect, it } from 'vitest';
import { decodeImages } from '../../src/models/codecs.ts';

describe('decoding with a model palette', () => {
  const palette = [[200, 40, 40, 255], [20, 20, 160, 255], [240, 240, 240, 255]];
  const colours = new Set(palette.map(([r, g, b]) => `${r},${g},${b}`));
  const noise = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.999);

  it('snaps every pixel of an opaque RGB tile to a palette colour', () => {
    const [tile] = decodeImages(noise(3 * 8 * 8), [1, 3, 8, 8], { modelPalette: palette });
    for (let p = 0; p < 64; p++) {
      const [r, g, b, a] = tile!.data.subarray(p * 4, p * 4 + 4);
      expect(a).toBe(255);
      expect(colours.has(`${r},${g},${b}`)).toBe(true);
    }
  });

  it('leaves an RGB tile unsnapped without a palette (colours beyond the palette survive)', () => {
    const [tile] = decodeImages(noise(3 * 8 * 8), [1, 3, 8, 8]);
    const seen = new Set<string>();
    for (let p = 0; p < 64; p++) seen.add(Array.from(tile!.data.subarray(p * 4, p * 4 + 3)).join(','));
    expect([...seen].filter((c) => !colours.has(c)).length).toBeGreaterThan(10);
  });
});
