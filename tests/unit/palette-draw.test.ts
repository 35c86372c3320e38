/** The palette draw (docs/MODEL-CONTRACT.md): the pure draw, and a palette model sampled with it. */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawPalette } from '../../src/core/palette-draw.ts';
import { ModelLoadError } from '../../src/errors.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { GenerateResult, ImageResult } from '../../src/runtime/types.ts';
import { tempModelDir } from '../helpers/fixture.ts';

const TILE_TINY = fileURLToPath(new URL('../fixtures/tile-tiny/', import.meta.url));
const palette = [[0, 0, 0, 255], [255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]];
/** One 1x1 RGB item whose four logits are `l`. */
const pick = (l: number[], u: number, temperature = 1): number[] =>
  Array.from(drawPalette(Float32Array.from(l), [1, 3, 1, 1], { palette, temperature }, Float32Array.of(u))).map((v) => Math.round((v + 1) * 127.5));

describe('drawPalette', () => {
  it("returns palette colours, walking the softmax's CDF with the uniform", () => {
    const equal = [0, 0, 0, 0];
    expect([0.1, 0.3, 0.6, 0.99].map((u) => pick(equal, u))).toEqual([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]]);
  });

  it('a confident logit wins whatever the uniform', () => {
    for (const u of [0.001, 0.5, 0.999]) expect(pick([0, 0, 20, 0], u)).toEqual([0, 255, 0]);
  });

  it('a lower temperature sharpens towards the likeliest colour, a higher one flattens', () => {
    // p(entry 0) = e / (e + 3) = 0.48 at temperature 1: u = 0.6 passes it.
    expect(pick([1, 0, 0, 0], 0.6)).toEqual([255, 0, 0]);
    expect(pick([1, 0, 0, 0], 0.6, 0.25)).toEqual([0, 0, 0]);
    expect(pick([1, 0, 0, 0], 0.3, 10)).toEqual([255, 0, 0]);
  });

  it('pixels outside the drawn share take the posterior mean (variations pass their strength)', () => {
    const logits = Float32Array.of(0, 0, 0, 0, 0, 0, 0, 0); // two 1x1 items... as one 1x2 item
    const uniforms = Float32Array.of(0.99, 0.99, 0.5, 0.05); // draw's, then the choice's: pixel 0 keeps the mean, pixel 1 draws
    const out = Array.from(drawPalette(logits, [1, 3, 1, 2], { palette, temperature: 1, share: 0.3 }, uniforms)).map((v) => Math.round((v + 1) * 127.5));
    // channel-major [3, 1, 2]: the mean of the four colours is 63.75 per channel; the draw at u = 0.99 is blue.
    expect(out).toEqual([64, 0, 64, 0, 64, 255]);
  });

  it('names a logits tensor that does not fit the palette', () => {
    expect(() => drawPalette(new Float32Array(3), [1, 3, 1, 1], { palette, temperature: 1 }, new Float32Array(1))).toThrow(/4-colour palette/);
  });
});

const images = (r: GenerateResult): ImageResult => {
  if (r.kind === 'level') throw new Error('expected images');
  return r;
};

describe('a palette model whose manifest asks for the draw', () => {
  const drawn = tempModelDir((m) => (m.models[0]!.draw = { temperature: 0.7 }));
  const plain = tempModelDir();

  it('is deterministic per seed, independent of batching, and differs from the posterior mean', async () => {
    const runtime = createRuntime({ manifest: drawn.manifest, cache: false });
    const a = images(await runtime.generate({ kind: 'sprite', count: 3, seed: 4 }));
    const b = images(await createRuntime({ manifest: drawn.manifest, cache: false, maxBatch: 1 }).generate({ kind: 'sprite', count: 3, seed: 4 }));
    const mean = images(await createRuntime({ manifest: plain.manifest, cache: false }).generate({ kind: 'sprite', count: 3, seed: 4 }));
    expect(b.images.map((i) => Array.from(i.data))).toEqual(a.images.map((i) => Array.from(i.data)));
    expect(a.images.map((i) => Array.from(i.data))).not.toEqual(mean.images.map((i) => Array.from(i.data)));
  });

  it('on a graph without a logits output is a ModelLoadError that says so', async () => {
    // The tile stand-in graph returns x0 only, as graphs exported before the draw did.
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-'));
    copyFileSync(join(TILE_TINY, 'tile.onnx'), join(dir, 'tile.onnx'));
    const manifest = JSON.parse(readFileSync(join(TILE_TINY, 'manifest.json'), 'utf8'));
    Object.assign(manifest.models[0], { palette, draw: { temperature: 0.7 } });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const runtime = createRuntime({ manifest: join(dir, 'manifest.json'), cache: false });
    const failure = runtime.generate({ kind: 'tile', seed: 1, steps: 2 });
    await expect(failure).rejects.toBeInstanceOf(ModelLoadError);
    await expect(failure).rejects.toThrow(/no "logits" output/);
  });
});
