/** Variations of existing art (SDEdit): the noising maths, the request's `from`/`strength`, and the runtime and worker paths on the tiny fixture. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { timeGrid } from '../../src/core/schedule.ts';
import { noiseTo, variationGrid, variationSteps } from '../../src/core/variation.ts';
import { InvalidRequestError } from '../../src/errors.ts';
import { parseManifest, type ModelEntry } from '../../src/models/manifest.ts';
import { cacheKey } from '../../src/runtime/cache-key.ts';
import { normalizeRequest } from '../../src/runtime/request.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { ImageResult } from '../../src/runtime/types.ts';
import { changedPixels, normalizeSource, rgbaL1 } from '../../src/runtime/variation.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { createWorkerClient } from '../../src/worker/client.ts';
import { FAMILY_MANIFEST, FIXTURE_MANIFEST, fixtureManifestJson } from '../helpers/fixture.ts';

const manifest = parseManifest(fixtureManifestJson());
const tiny = manifest.models[0]!; // a 16x16 sprite model with an 8-colour palette

/** A 16x16 RGBA image: a gradient, half of it transparent, alpha values on both sides of 128. */
function image(w = 16, h = 16) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([(p * 7) & 255, (p * 13) & 255, (p * 29) & 255, p % 2 ? 200 : 100], p * 4);
  return { width: w, height: h, data };
}

describe('noising maths', () => {
  it('runs only the part of the schedule below strength', () => {
    expect(variationSteps(0, 12)).toBe(0);
    expect(variationSteps(0.3, 12)).toBe(4);
    expect(variationSteps(0.5, 12)).toBe(6);
    expect(variationSteps(0.01, 12)).toBe(1); // any strength > 0 takes a step
    expect(variationSteps(1, 12)).toBe(12);
    expect(Array.from(variationGrid(0, 12))).toEqual([0]);
    const grid = Array.from(variationGrid(0.3, 12));
    expect(grid).toHaveLength(5);
    grid.forEach((t, i) => expect(t).toBeCloseTo(0.3 * (1 - i / 4), 12));
    expect(Array.from(variationGrid(1, 12))).toEqual(Array.from(timeGrid(12)));
  });

  it('noiseTo is the rectified-flow forward process, x0 repeated over the batch', () => {
    const x0 = Float32Array.from([0.5, -1]);
    const noise = Float32Array.from([1, 2, -1, 0]);
    expect(Array.from(noiseTo(x0, noise, 0))).toEqual([0.5, -1, 0.5, -1]);
    expect(Array.from(noiseTo(x0, noise, 1))).toEqual(Array.from(noise));
    const mid = noiseTo(x0, noise, 0.25);
    [0.75 * 0.5 + 0.25, 0.75 * -1 + 0.5, 0.75 * 0.5 - 0.25, -0.75].forEach((v, i) => expect(mid[i]).toBeCloseTo(v, 6));
    expect(() => noiseTo(x0, new Float32Array(3), 0.5)).toThrow(/not a multiple/);
  });
});

describe('from and strength in a request', () => {
  const fail = (raw: object) => () => normalizeRequest(manifest, { kind: 'sprite', ...raw });

  it('a wrong size is a named error listing the expected size', () => {
    expect(fail({ from: image(32, 32) })).toThrow(InvalidRequestError);
    expect(fail({ from: image(32, 32) })).toThrow(/^from: is 32x32; expected a 16x16 RGBA image \(\{ width: 16, height: 16, data: 1024 bytes \}/);
  });

  it('a wrong byte length, or something that is no image, is a named error', () => {
    expect(fail({ from: { width: 16, height: 16, data: new Uint8Array(16 * 16 * 3) } })).toThrow(/^from: data holds 768 bytes; expected 16x16x4 = 1024/);
    expect(fail({ from: { width: 16, height: 16, data: [1, 2, 3] } })).toThrow(/^from: data must be a Uint8ClampedArray or Uint8Array/);
    expect(fail({ from: 'hero.png' })).toThrow(/^from: must be a 16x16 RGBA image/);
  });

  it.each([[-0.1], [1.5], [Number.NaN], ['0.5'], [null]])('strength %j is a named error', (strength) => {
    expect(fail({ from: image(), strength })).toThrow(/^strength: must be a number from 0 to 1/);
  });

  it('strength without from, and from on a level model, are named errors', () => {
    expect(fail({ strength: 0.5 })).toThrow(/^strength: only applies with `from`/);
    const family = parseManifest(JSON.parse(readFileSync(FAMILY_MANIFEST, 'utf8')));
    const level = family.models.find((m) => m.kind === 'level')!;
    expect(() => normalizeSource(level, image())).toThrow(/^from: only applies to sprites and tiles/);
  });

  it('snaps the source: binary alpha for sprites, opaque tiles, palette colours', () => {
    const { image: snapped } = normalizeSource(tiny, image());
    const palette = new Set(tiny.palette!.map((c) => c.join()));
    for (let p = 0; p < 256; p++) {
      const px = Array.from(snapped.data.subarray(p * 4, p * 4 + 4));
      if (p % 2) expect(palette.has(px.join())).toBe(true); // alpha 200 -> opaque, a palette colour
      else expect(px).toEqual([0, 0, 0, 0]); // alpha 100 -> transparent
    }
    const tile: ModelEntry = { ...tiny, kind: 'tile', layout: { ...tiny.layout, channels: 3 } };
    const tiled = normalizeSource(tile, image()).image;
    for (let p = 0; p < 256; p++) expect(tiled.data[p * 4 + 3]).toBe(255);
  });

  it('the cache key holds the source (sha256 of the snapped bytes) and strength; other requests keep their keys', async () => {
    const src = image();
    const a = normalizeRequest(manifest, { kind: 'sprite', seed: 1, from: src, strength: 0.3 }).request;
    expect(a.from).toBe(createHash('sha256').update(normalizeSource(tiny, src).image.data).digest('hex'));
    expect(normalizeRequest(manifest, { kind: 'sprite', from: src }).request.strength).toBe(0.5);
    const other = image();
    other.data.set([255, 255, 255, 255], 4); // pixel 1 (opaque, nearly black) made white: another palette colour after snapping
    const keys = await Promise.all(
      [a, normalizeRequest(manifest, { kind: 'sprite', seed: 1, from: src, strength: 0.6 }).request, normalizeRequest(manifest, { kind: 'sprite', seed: 1, from: other, strength: 0.3 }).request, normalizeRequest(manifest, { kind: 'sprite', seed: 1 }).request].map((r) => cacheKey(tiny.sha256, r)),
    );
    expect(new Set(keys).size).toBe(4);
    expect(normalizeRequest(manifest, { kind: 'sprite', seed: 1 }).request).not.toHaveProperty('from');
  });

  it('distances: RGBA L1 in [0, 1] and the share of changed pixels', () => {
    const a = image();
    const b = { ...a, data: a.data.slice() };
    expect([rgbaL1(a, b), changedPixels(a, b)]).toEqual([0, 0]);
    b.data.fill(0, 0, 4);
    expect(changedPixels(a, b)).toBe(1 / 256);
    expect(rgbaL1(a, b)).toBeCloseTo((a.data[0]! + a.data[1]! + a.data[2]! + a.data[3]!) / (1024 * 255), 12);
  });
});

describe('variations through the runtime and the worker (tiny fixture)', () => {
  const images = (r: unknown) => (r as ImageResult).images.map((i) => Array.from(i.data));

  it('strength 0 returns the snapped source for every item; strength 1 is ordinary generation', async () => {
    const rt = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const src = image();
    const zero = await rt.generate({ kind: 'sprite', seed: 4, count: 3, from: src, strength: 0 });
    const snapped = Array.from(normalizeSource(tiny, src).image.data);
    expect(images(zero)).toEqual([snapped, snapped, snapped]);
    const plain = await rt.generate({ kind: 'sprite', seed: 4, count: 2, class: 'hero' });
    const one = await rt.generate({ kind: 'sprite', seed: 4, count: 2, class: 'hero', from: src, strength: 1 });
    expect(images(one)).toEqual(images(plain));
    await rt.dispose();
  });

  it('runs ceil(strength x steps) sampler steps and reports them as progress', async () => {
    const rt = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const steps: number[] = [];
    await rt.generate({ kind: 'sprite', seed: 1, steps: 10, from: image(), strength: 0.25 }, { onProgress: (p) => p.phase === 'sample' && steps.push(p.steps) });
    expect(steps).toEqual([3, 3, 3]);
    await rt.dispose();
  });

  it('crosses the worker boundary as a copy: same pixels as in-process, the caller keeps its buffer', async () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(createWorkerApi(), port1 as unknown as Comlink.Endpoint);
    const client = createWorkerClient({ endpoint: port2 as unknown as Comlink.Endpoint, manifest: FIXTURE_MANIFEST, cache: false });
    const rt = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const src = image();
    const request = { kind: 'sprite' as const, seed: 9, count: 2, from: src, strength: 0.5 };
    const viaWorker = await client.generate(request);
    expect(src.data.byteLength).toBe(1024); // not detached
    expect(images(viaWorker)).toEqual(images(await rt.generate(request)));
    expect(viaWorker.request).toMatchObject({ strength: 0.5, from: normalizeRequest(manifest, request).request.from });
    const error = await client.generate({ ...request, from: image(8, 8) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('from');
    await client.terminate();
    await rt.dispose();
  });
});
