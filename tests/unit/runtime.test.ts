/** The one generate path on the fixture model: determinism, decoding, abort, queue, bad requests. */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AbortError, InvalidRequestError, ModelLoadError } from '../../src/errors.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { GenerateResult, ImageResult } from '../../src/runtime/types.ts';
import { FIXTURE_MANIFEST, levelManifest, tempModelDir } from '../helpers/fixture.ts';

const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false, device: 'auto' });
const images = (r: GenerateResult): ImageResult => {
  if (r.kind === 'level') throw new Error('expected images');
  return r;
};

describe('determinism', () => {
  it('the same request and seed give identical bytes; another seed does not', async () => {
    const a = images(await runtime.generate({ kind: 'sprite', count: 3, seed: 7 }));
    const b = images(await runtime.generate({ kind: 'sprite', count: 3, seed: 7 }));
    const c = images(await runtime.generate({ kind: 'sprite', count: 3, seed: 8 }));
    expect(a.images.map((i) => Array.from(i.data))).toEqual(b.images.map((i) => Array.from(i.data)));
    expect(Array.from(c.images[0]!.data)).not.toEqual(Array.from(a.images[0]!.data));
    expect(a.labels).toEqual(b.labels);
  });

  it('item i does not depend on the batch size or chunking', async () => {
    const one = images(await runtime.generate({ kind: 'sprite', class: 'hero', count: 1, seed: 11 }));
    const four = images(await runtime.generate({ kind: 'sprite', class: 'hero', count: 4, seed: 11 }));
    const chunked = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false, maxBatch: 3 });
    const fourChunked = images(await chunked.generate({ kind: 'sprite', class: 'hero', count: 4, seed: 11 }));
    expect(Array.from(four.images[0]!.data)).toEqual(Array.from(one.images[0]!.data));
    expect(fourChunked.images.map((i) => Array.from(i.data))).toEqual(four.images.map((i) => Array.from(i.data)));
  });

  it('a random seed is reported and reproduces the result', async () => {
    const first = images(await runtime.generate({ kind: 'sprite' }));
    const again = images(await runtime.generate({ kind: 'sprite', seed: first.request.seed }));
    expect(Array.from(again.images[0]!.data)).toEqual(Array.from(first.images[0]!.data));
  });

  it('wasm and onnxruntime-node agree on the decoded bytes for the fixture', async () => {
    const wasm = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false, device: 'wasm' });
    const a = images(await wasm.generate({ kind: 'sprite', count: 2, seed: 5, steps: 6, sampler: 'dpmpp2m' }));
    const b = images(await runtime.generate({ kind: 'sprite', count: 2, seed: 5, steps: 6, sampler: 'dpmpp2m' }));
    expect(a.device).toBe('wasm');
    expect(b.device).toBe('cpu');
    let maxDiff = 0;
    a.images.forEach((img, n) => img.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b.images[n]!.data[i]!)))));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });
});

describe('decoding', () => {
  it('sprites are straight-alpha RGBA with alpha exactly 0 or 255', async () => {
    const r = images(await runtime.generate({ kind: 'sprite', count: 2, seed: 1 }));
    expect(r.images).toHaveLength(2);
    for (const img of r.images) {
      expect([img.width, img.height, img.data.length]).toEqual([16, 16, 16 * 16 * 4]);
      for (let p = 0; p < img.data.length; p += 4) {
        expect([0, 255]).toContain(img.data[p + 3]);
        if (img.data[p + 3] === 0) expect([img.data[p], img.data[p + 1], img.data[p + 2]]).toEqual([0, 0, 0]);
      }
    }
  });

  it('the alpha threshold changes coverage monotonically', async () => {
    const opaque = async (alphaThreshold: number) =>
      images(await runtime.generate({ kind: 'sprite', seed: 2, alphaThreshold })).images[0]!.data.filter((_, i) => i % 4 === 3 && _ === 255).length;
    const [low, mid, high] = [await opaque(0), await opaque(0.5), await opaque(1)];
    expect(low).toBe(256);
    expect(low).toBeGreaterThanOrEqual(mid);
    expect(mid).toBeGreaterThanOrEqual(high);
  });

  it('palette quantisation leaves at most N colours', async () => {
    const r = images(await runtime.generate({ kind: 'sprite', seed: 3, palette: 4, alphaThreshold: 0 }));
    const d = r.images[0]!.data;
    const colours = new Set<number>();
    for (let p = 0; p < d.length; p += 4) if (d[p + 3]) colours.add((d[p]! << 16) | (d[p + 1]! << 8) | d[p + 2]!);
    expect(colours.size).toBeLessThanOrEqual(4);
    expect(colours.size).toBeGreaterThan(1);
  });

  it("a palette model's sprites use only its opaque palette colours", async () => {
    const palette = (await runtime.manifest()).models[0]!.palette!;
    const opaqueColours = new Set(palette.filter((c) => c[3] === 255).map(([r, g, b]) => (r! << 16) | (g! << 8) | b!));
    expect(opaqueColours.size).toBeGreaterThan(1);
    const r = images(await runtime.generate({ kind: 'sprite', count: 4, seed: 5 }));
    let opaque = 0;
    for (const img of r.images) {
      for (let p = 0; p < img.data.length; p += 4) {
        if (img.data[p + 3] === 0) continue;
        opaque++;
        expect(opaqueColours.has((img.data[p]! << 16) | (img.data[p + 1]! << 8) | img.data[p + 2]!)).toBe(true);
      }
    }
    expect(opaque).toBeGreaterThan(0);
  });

  it('a level model decodes to a grid of legend indices', async () => {
    const { manifest } = tempModelDir(levelManifest);
    const level = createRuntime({ manifest, cache: false });
    const r = await level.generate({ kind: 'level', seed: 4, count: 2 });
    if (r.kind !== 'level') throw new Error('expected a level');
    expect(r.levels).toHaveLength(2);
    const grid = r.levels[0]!;
    expect([grid.rows, grid.cols, grid.cells.length]).toEqual([16, 16, 256]);
    expect(grid.legend.map((t) => t.char)).toEqual(['-', 'X', 'E', '?']);
    expect(Math.max(...grid.cells)).toBeLessThan(4);
  });
});

describe('abort and queue', () => {
  it('an AbortSignal stops between steps with AbortError, and the next request still runs', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const aborted = runtime.generate(
      { kind: 'sprite', seed: 9, steps: 50 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase !== 'sample') return;
          steps.push(p.step);
          if (p.step === 3) controller.abort();
        },
      },
    );
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    expect(steps).toEqual([1, 2, 3]);
    await expect(runtime.generate({ kind: 'sprite', seed: 9, steps: 2 })).resolves.toMatchObject({ kind: 'sprite' });
  });

  it('an already aborted signal rejects at once', async () => {
    await expect(runtime.generate({ kind: 'sprite', seed: 1 }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });

  it('many callers wait in order; one aborted while queued leaves without running', async () => {
    const order: number[] = [];
    const queued: Array<Array<number>> = [[], [], [], []];
    const controller = new AbortController();
    const jobs = [0, 1, 2, 3].map((i) =>
      runtime.generate(
        { kind: 'sprite', seed: 100 + i, steps: 3 },
        {
          signal: i === 2 ? controller.signal : undefined,
          onProgress: (p) => {
            if (p.phase === 'queued') queued[i]!.push(p.ahead);
            if (p.phase === 'sample' && p.step === 1) order.push(i);
          },
        },
      ),
    );
    controller.abort();
    const settled = await Promise.allSettled(jobs);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(AbortError);
    expect(order).toEqual([0, 1, 3]);
    expect(queued[3]![0]).toBeGreaterThan(0); // it was told it had to wait
    expect(queued[3]!.at(-1)).toBe(0);
  });
});

describe('bad requests are InvalidRequestErrors naming the field and the valid values', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 42, /^request: must be an object/],
    ['no kind or model', {}, /^kind: required when no model is given; valid values: tile, sprite, level$/],
    ['unknown kind', { kind: 'music' }, /^kind: unknown value "music"; valid values: tile, sprite, level$/],
    ['kind without a model', { kind: 'tile' }, /^kind: no model of kind tile in the manifest; kinds available: sprite$/],
    ['unknown model', { kind: 'sprite', model: 'nope' }, /^model: unknown value "nope" for kind sprite; valid values: tiny$/],
    ['unknown class', { kind: 'sprite', class: 'wizard' }, /^class: unknown value "wizard" for model tiny; valid values: hero, animal, /],
    ['negative count', { kind: 'sprite', count: -1 }, /^count: must be an integer from 1 to 64 \(got -1\)$/],
    ['huge count', { kind: 'sprite', count: 1e9 }, /^count: must be an integer from 1 to 64/],
    ['fractional count', { kind: 'sprite', count: 1.5 }, /^count: must be an integer/],
    ['string count', { kind: 'sprite', count: '4' }, /^count: must be an integer from 1 to 64 \(got "4"\)$/],
    ['NaN seed', { kind: 'sprite', seed: Number.NaN }, /^seed: must be an integer from 0 to 4294967295 \(got NaN\)$/],
    ['negative seed', { kind: 'sprite', seed: -3 }, /^seed: must be an integer from 0 to 4294967295/],
    ['zero steps', { kind: 'sprite', steps: 0 }, /^steps: must be an integer from 1 to 1000 \(got 0\)$/],
    ['too many steps', { kind: 'sprite', steps: 1001 }, /^steps: must be an integer from 1 to 1000/],
    ['infinite guidance', { kind: 'sprite', guidance: Infinity }, /^guidance: must be a number from 0 to 20 \(got Infinity\)$/],
    ['negative guidance', { kind: 'sprite', guidance: -1 }, /^guidance: must be a number from 0 to 20/],
    ['unknown sampler', { kind: 'sprite', sampler: 'euler' }, /^sampler: unknown value "euler"; valid values: ddim, dpmpp2m$/],
    ['eta above 1', { kind: 'sprite', eta: 2 }, /^eta: must be a number from 0 to 1/],
    ['width for a sprite', { kind: 'sprite', width: 20 }, /^width: only applies to levels/],
    ['palette too small', { kind: 'sprite', palette: 1 }, /^palette: must be an integer from 2 to 256/],
    ['alpha threshold out of range', { kind: 'sprite', alphaThreshold: 1.5 }, /^alphaThreshold: must be a number from 0 to 1/],
    ['unknown field', { kind: 'sprite', colour: 'red' }, /^colour: unknown field; valid fields: kind, model, class, /],
  ];

  it.each(cases)('%s', async (_name, request, pattern) => {
    let error: unknown;
    try {
      await runtime.generate(request as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).name).toBe('InvalidRequestError');
    expect((error as Error).message).toMatch(pattern);
  });

  it('a level width other than the model window is refused (outpainting is not there yet)', async () => {
    const { manifest } = tempModelDir(levelManifest);
    const level = createRuntime({ manifest, cache: false });
    await expect(level.generate({ kind: 'level', width: 300 })).rejects.toThrow(/^width: must be an integer from 16 to 16 \(got 300\)$/);
    await expect(level.generate({ kind: 'level', palette: 4 })).rejects.toThrow(/^palette: only applies to sprites/);
  });
});

describe('the public entry', () => {
  it('exports one generate path and the named errors', async () => {
    const api = await import('../../src/index.ts');
    for (const name of ['generate', 'createRuntime', 'createCache', 'sampleDdim', 'sampleDpmpp2m', 'parseManifest', 'InvalidRequestError', 'ModelLoadError', 'ModelIntegrityError', 'BackendError', 'AbortError'])
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    // The default runtime reads the package manifest; without trained models that is a ModelLoadError
    // naming the file, with them the bad count is an InvalidRequestError.
    const hasModels = existsSync(fileURLToPath(api.defaultManifestUrl()));
    const error = await api.generate({ kind: 'level', count: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(hasModels ? InvalidRequestError : ModelLoadError);
    expect((error as Error).message).toMatch(hasModels ? /^count: / : /^manifest\.json: cannot read .*models\/manifest\.json/);
  });
});
