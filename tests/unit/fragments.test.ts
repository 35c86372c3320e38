/** The sprite fragment guard (runtime/fragments.ts): fragments are sampled again, the fullest attempt kept. */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.ts';
import { FRAGMENT_RETRIES, guardFragments, opaqueCounts } from '../../src/runtime/fragments.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { GenerateResult, ImageResult } from '../../src/runtime/types.ts';
import { levelManifest, tempModelDir } from '../helpers/fixture.ts';

/** B items of 4x2x2 RGBA whose first `n[i]` pixels are opaque (alpha 1), the rest transparent (-1). */
function sprites(n: number[]): Float32Array {
  const x = new Float32Array(n.length * 16).fill(0);
  n.forEach((k, i) => {
    for (let j = 0; j < 4; j++) x[i * 16 + 12 + j] = j < k ? 1 : -1;
  });
  return x;
}

describe('guardFragments', () => {
  it('samples only the fragments again and keeps the fullest attempt', async () => {
    const x = sprites([1, 4, 0]);
    const asked: number[][] = [];
    const attempts = [[2, 1], [3, 0], [0]]; // attempt 1: item 0 -> 2 opaque, item 2 -> 1; 2: item 0 -> 3 (done), item 2 -> 0; 3: item 2 -> 0
    const resampled = await guardFragments(x, [3, 4, 2, 2], [0, 0, 1], {
      minOpaque: [3, 2],
      alphaThreshold: 0.5,
      resample: async (items, attempt) => {
        asked.push(items);
        return sprites(attempts[attempt - 1]!.slice(0, items.length));
      },
    });
    expect(resampled).toBe(2);
    expect(asked).toEqual([[0, 2], [0, 2], [2]]);
    expect(opaqueCounts(x, [3, 4, 2, 2], 0.5)).toEqual([3, 4, 1]); // item 2 kept its best (1), not attempt 2's 0
  });

  it(`gives up after ${FRAGMENT_RETRIES} retries and never loses the item`, async () => {
    const x = sprites([1]);
    let calls = 0;
    await guardFragments(x, [1, 4, 2, 2], [0], { minOpaque: [4], alphaThreshold: 0.5, resample: async () => (calls++, sprites([0])) });
    expect(calls).toBe(FRAGMENT_RETRIES);
    expect(opaqueCounts(x, [1, 4, 2, 2], 0.5)).toEqual([1]);
  });

  it('leaves unguarded labels (the null class) alone', async () => {
    const x = sprites([0]);
    const n = await guardFragments(x, [1, 4, 2, 2], [5], { minOpaque: [4], alphaThreshold: 0.5, resample: async () => sprites([4]) });
    expect(n).toBe(0);
  });
});

const images = (r: GenerateResult): ImageResult => {
  if (r.kind === 'level') throw new Error('expected images');
  return r;
};
const opaque = (img: ImageResult['images'][number]): number => img.data.filter((_, i) => i % 4 === 3 && img.data[i] === 255).length;

describe('a sprite model with minOpaque', () => {
  const classes = 19;
  const plain = tempModelDir();
  // The untrained fixture's alpha hovers just under 1, so a high threshold leaves a few opaque pixels (1..13 here).
  const strict = tempModelDir((m) => (m.models[0]!.minOpaque = Array<number>(classes).fill(16 * 16)));
  const lenient = tempModelDir((m) => (m.models[0]!.minOpaque = Array<number>(classes).fill(0)));
  const request = { kind: 'sprite' as const, class: 'wand', count: 3, seed: 9, alphaThreshold: 0.97 };

  it('passes samples at or above the floor untouched, and says none was resampled', async () => {
    const a = images(await createRuntime({ manifest: lenient.manifest, cache: false }).generate(request));
    const b = images(await createRuntime({ manifest: plain.manifest, cache: false }).generate(request));
    expect(a.resampled).toBe(0);
    expect(b.resampled).toBeUndefined();
    expect(a.images.map((i) => Array.from(i.data))).toEqual(b.images.map((i) => Array.from(i.data)));
  });

  it('samples fragments again: never fewer opaque pixels than the raw sample, reproducible per seed', async () => {
    const runtime = createRuntime({ manifest: strict.manifest, cache: false });
    const guarded = images(await runtime.generate(request));
    const again = images(await runtime.generate(request));
    const raw = images(await runtime.generate({ ...request, allowFragments: true }));
    expect(guarded.resampled).toBe(3); // nothing fills all 256 pixels
    expect(raw.resampled).toBeUndefined();
    guarded.images.forEach((img, i) => expect(opaque(img)).toBeGreaterThanOrEqual(opaque(raw.images[i]!)));
    const total = (r: ImageResult): number => r.images.reduce((n, img) => n + opaque(img), 0);
    expect(total(guarded)).toBeGreaterThan(total(raw));
    expect(guarded.images.map((i) => Array.from(i.data))).toEqual(again.images.map((i) => Array.from(i.data)));
  });

  it('allowFragments is a sprite-only boolean', async () => {
    const runtime = createRuntime({ manifest: strict.manifest, cache: false });
    await expect(runtime.validate({ kind: 'sprite', allowFragments: 'yes' } as never)).rejects.toThrow(/allowFragments.*true or false/);
    await expect(runtime.validate({ kind: 'sprite', allowFragments: 'yes' } as never)).rejects.toBeInstanceOf(InvalidRequestError);
    const level = createRuntime({ manifest: tempModelDir(levelManifest).manifest, cache: false });
    await expect(level.validate({ kind: 'level', allowFragments: true })).rejects.toThrow(/allowFragments.*only applies to sprites/);
  });
});
