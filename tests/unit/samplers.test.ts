/** Sampler and RNG properties that hold for any model (no ONNX needed). */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import { sampleDdim, sampleDpmpp2m, type Denoise } from '../../src/core/samplers.ts';
import { timeGrid } from '../../src/core/schedule.ts';

const constant = (value: Float32Array): Denoise => async () => Float32Array.from(value);

describe('rng', () => {
  it('gives the same stream for the same seed and stream, different otherwise', () => {
    const a = createRng(7).normals(64);
    expect(createRng(7).normals(64)).toEqual(a);
    expect(createRng(8).normals(64)).not.toEqual(a);
    expect(createRng(7, 1).normals(64)).not.toEqual(a);
  });

  it('draws standard normals (mean ~0, variance ~1)', () => {
    const x = createRng(123).normals(200_000);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('draws integers in range', () => {
    const rng = createRng(1);
    const seen = new Set(Array.from({ length: 1000 }, () => rng.int(5)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('schedule', () => {
  it('is uniform from 1 to 0', () => {
    expect(Array.from(timeGrid(4))).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });
});

describe.each([
  ['ddim', sampleDdim],
  ['dpmpp2m', sampleDpmpp2m],
] as const)('%s', (_name, sample) => {
  it('lands exactly on the prediction when the denoiser always predicts the same x0', async () => {
    const target = Float32Array.from([0.5, -0.25, 1, 0]);
    for (const steps of [1, 2, 7]) {
      const out = await sample(constant(target), createRng(1).normals(4), timeGrid(steps));
      for (let i = 0; i < 4; i++) expect(out[i]).toBeCloseTo(target[i]!, 5);
    }
  });

  it('keeps the known region exactly (inpainting) and calls back once per step', async () => {
    const noise = createRng(2).normals(4);
    const known = Float32Array.from([0.9, 0, -0.9, 0]);
    const mask = Float32Array.from([1, 0, 1, 0]);
    const steps: number[] = [];
    const out = await sample(constant(new Float32Array(4)), noise, timeGrid(5), {
      inpaint: { mask, known, noise0: noise },
      callback: ({ i }) => void steps.push(i),
    });
    expect(out[0]).toBeCloseTo(0.9, 6);
    expect(out[2]).toBeCloseTo(-0.9, 6);
    expect(out[1]).toBeCloseTo(0, 6);
    expect(steps).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops when the callback throws', async () => {
    let calls = 0;
    const denoise: Denoise = async (x) => (calls++, new Float32Array(x.length));
    await expect(
      sample(denoise, new Float32Array(2), timeGrid(10), {
        callback: ({ i }) => {
          if (i === 2) throw new Error('stop');
        },
      }),
    ).rejects.toThrow('stop');
    expect(calls).toBe(3);
  });
});

describe('ddim with eta', () => {
  it('needs a noise source and uses it', async () => {
    const d = constant(new Float32Array(2));
    await expect(sampleDdim(d, new Float32Array(2), timeGrid(3), { eta: 1 })).rejects.toThrow(/noise/);
    const a = await sampleDdim(async (x) => Float32Array.from(x, (v) => v * 0.5), Float32Array.from([1, 1]), timeGrid(3), { eta: 1, noise: () => Float32Array.from([1, -1]) });
    const b = await sampleDdim(async (x) => Float32Array.from(x, (v) => v * 0.5), Float32Array.from([1, 1]), timeGrid(3), { eta: 0 });
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});
