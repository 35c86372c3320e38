/** Rolling canvas for seamless models (src/core/roll.ts). */
import { describe, expect, it } from 'vitest';
import { roll, rollingDenoiser } from '../../src/core/roll.ts';
import type { Shape4 } from '../../src/core/tensor.ts';

const shape: Shape4 = [2, 3, 4, 5];
const x = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);

describe('roll', () => {
  it('moves value (y, x) to (y + dy, x + dx) with wrap-around, plane by plane', () => {
    const r = roll(x, shape, 1, 2);
    // plane 0: value at (0, 0) is 0 and lands at (1, 2); value at (3, 4) = 19 lands at (0, 1)
    expect(r[1 * 5 + 2]).toBe(0);
    expect(r[0 * 5 + 1]).toBe(19);
    // plane 5 (batch 1, channel 2) keeps its own values
    expect(r[5 * 20 + 1 * 5 + 2]).toBe(100);
  });

  it('rolling back restores the canvas exactly', () => {
    expect(Array.from(roll(roll(x, shape, 3, 4), shape, 1, 1))).toEqual(Array.from(x));
  });
});

describe('rollingDenoiser', () => {
  it('a shift-equivariant denoiser is unchanged by the rolling', async () => {
    const pointwise = async (v: Float32Array): Promise<Float32Array> => v.map((a) => a * 0.5);
    const rolled = rollingDenoiser(pointwise, shape);
    for (let k = 0; k < 3; k++) expect(Array.from(await rolled(x, 0.5))).toEqual(Array.from(await pointwise(x)));
  });

  it('a position-dependent denoiser sees a different canvas phase at each call', async () => {
    const seen: number[] = [];
    const firstCell = async (v: Float32Array): Promise<Float32Array> => {
      seen.push(v[0]!);
      return v;
    };
    const rolled = rollingDenoiser(firstCell, shape);
    for (let k = 0; k < 4; k++) await rolled(x, 1);
    expect(new Set(seen).size).toBe(4);
  });
});
