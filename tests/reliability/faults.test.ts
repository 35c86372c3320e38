/**
 * Faults 3-6 on the real generate path (fixture models): no IndexedDB, quota exceeded on every
 * write, a corrupt / truncated / missing model next to good ones, and aborts mid-sampling. Faults
 * 1 (worker dies) and 2 (WebGPU lost) have their own files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache/cache.ts';
import { memoryStore, type KeyValueStore } from '../../src/cache/stores.ts';
import { AbortError, ModelIntegrityError, ModelLoadError } from '../../src/errors.ts';
import { setLogger } from '../../src/log.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { GenerateResult } from '../../src/runtime/types.ts';
import { FIXTURE_MANIFEST, tempModelDir } from '../helpers/fixture.ts';
import { fileURLToPath } from 'node:url';

const PLUGIN_DIR = fileURLToPath(new URL('../fixtures/plugin/', import.meta.url));
import { serve } from '../helpers/server.ts';

const warnings: string[] = [];
beforeEach(() => {
  warnings.length = 0;
  setLogger({ warn: (m) => warnings.push(m), info: () => {} });
});
afterAll(() => setLogger({ warn: (m) => console.warn(m), info: () => {} }));

const bytes = (r: GenerateResult): number[] => (r.kind === 'level' ? [] : r.images.flatMap((i) => Array.from(i.data)));

describe('fault 3: IndexedDB missing (private mode, Node)', () => {
  it('the default cache is in memory: generation works, the repeat is a hit, one warning', async () => {
    expect(typeof indexedDB).toBe('undefined');
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST });
    const a = await runtime.generate({ kind: 'sprite', seed: 3, steps: 2 });
    const b = await runtime.generate({ kind: 'sprite', seed: 3, steps: 2 });
    expect([a.cached, b.cached]).toEqual([false, true]);
    expect(bytes(b)).toEqual(bytes(a));
    expect(warnings).toEqual(['result cache: IndexedDB is not available; using an in-memory cache for this session']);
    await runtime.dispose();
  });
});

describe('fault 4: quota exceeded on every write', () => {
  it('generation works; the cache falls back to memory with one warning and still serves hits', async () => {
    let refused = 0;
    const full: KeyValueStore = {
      ...memoryStore(),
      kind: 'indexeddb',
      async setMany() {
        refused++;
        throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
      },
    };
    const cache = createCache({ store: full });
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache });
    const results = [];
    for (const seed of [1, 2, 1]) results.push(await runtime.generate({ kind: 'sprite', seed, steps: 2 }));
    expect(results.map((r) => r.cached)).toEqual([false, false, true]);
    expect(bytes(results[2]!)).toEqual(bytes(results[0]!));
    expect(refused).toBe(2); // the write, then the retry after evicting everything; memory after that
    expect((await cache.stats()).store).toBe('memory');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^result cache: writing failed \(QuotaExceededError: The quota has been exceeded\.\); using an in-memory cache/);
    await runtime.dispose();
  });
});

describe('fault 5: a corrupt, truncated or missing model next to good ones', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('each bad model is a named error every time it is asked for; the good model keeps working, also concurrently', async () => {
    // The bad entries are the plugin fixture's tile model (its own sha256, so no session is shared
    // with the good sprite model); truncated and missing get sha256s of their own for the same reason.
    const tile = (JSON.parse(readFileSync(join(PLUGIN_DIR, 'manifest.json'), 'utf8')) as { models: Array<Record<string, unknown>> }).models.find((m) => m.kind === 'tile')!;
    const { dir } = tempModelDir((m) => {
      m.models.push(
        { ...tile, id: 'flipped', file: 'flipped.onnx' },
        { ...tile, id: 'truncated', file: 'truncated.onnx', sha256: 'b'.repeat(64) },
        { ...tile, id: 'missing', file: 'missing.onnx', sha256: 'c'.repeat(64) },
      );
    });
    const model = readFileSync(join(PLUGIN_DIR, String(tile.file)));
    const flipped = Buffer.from(model);
    flipped[flipped.length - 7]! ^= 0x40;
    writeFileSync(join(dir, 'flipped.onnx'), flipped);
    writeFileSync(join(dir, 'truncated.onnx'), model.subarray(0, model.length >> 1));
    const server = await serve((req, res) => {
      try {
        res.end(readFileSync(join(dir, req.url!.split('/').pop()!)));
      } catch {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404</html>');
      }
    });
    closers.push(server.close);
    const runtime = createRuntime({ manifest: `${server.url}/models/manifest.json`, cache: false, device: 'wasm' });
    const expected: Array<[string, new (...a: never[]) => Error, RegExp]> = [
      ['flipped', ModelIntegrityError, /^flipped\.onnx: sha256 mismatch/],
      ['truncated', ModelLoadError, /^truncated\.onnx: truncated: got \d+ bytes, the manifest says \d+$/],
      ['missing', ModelLoadError, /^missing\.onnx: HTTP 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/models\/missing\.onnx$/],
    ];
    const before = bytes(await runtime.generate({ model: 'tiny', seed: 9, steps: 2 }));
    for (let round = 0; round < 2; round++) {
      const settled = await Promise.allSettled([
        ...expected.map(([id]) => runtime.generate({ model: id, seed: 9, steps: 2 })),
        runtime.generate({ model: 'tiny', seed: 9, steps: 2 }),
      ]);
      expected.forEach(([id, type, pattern], i) => {
        const s = settled[i]!;
        expect(s.status, id).toBe('rejected');
        expect((s as PromiseRejectedResult).reason).toBeInstanceOf(type);
        expect(((s as PromiseRejectedResult).reason as Error).message).toMatch(pattern);
      });
      expect(settled[3]!.status).toBe('fulfilled');
      expect(bytes((settled[3] as PromiseFulfilledResult<GenerateResult>).value)).toEqual(before);
    }
    await runtime.dispose();
  });
});

describe('fault 6: abort mid-sampling', () => {
  it('the aborted request stops within a step, its queue slot is freed, the next ones run in order', async () => {
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const controller = new AbortController();
    const order: number[] = [];
    let abortedAtStep = 0;
    let stepsAfterAbort = 0;
    const first = runtime.generate(
      { kind: 'sprite', seed: 1, steps: 400 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase !== 'sample') return;
          if (controller.signal.aborted) stepsAfterAbort++;
          if (p.step === 2) {
            abortedAtStep = p.step;
            controller.abort();
          }
        },
      },
    );
    const rest = [2, 3, 4].map((seed) => runtime.generate({ kind: 'sprite', seed, steps: 2 }).then((r) => (order.push(seed), r)));
    await expect(first).rejects.toBeInstanceOf(AbortError);
    expect(abortedAtStep).toBe(2);
    expect(stepsAfterAbort).toBe(0);
    await Promise.all(rest);
    expect(order).toEqual([2, 3, 4]);
    // The aborted request left nothing behind: the same request now runs to the end.
    await expect(runtime.generate({ kind: 'sprite', seed: 1, steps: 3 })).resolves.toMatchObject({ kind: 'sprite' });
    await runtime.dispose();
  });

  it('aborting every request of a burst (running and queued) leaves a runtime that still works', async () => {
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const jobs = controllers.map((c, i) => runtime.generate({ kind: 'sprite', seed: i, steps: 300 }, { signal: c.signal }).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 50));
    controllers.forEach((c) => c.abort());
    const outcomes = await Promise.all(jobs);
    expect(outcomes.every((e) => e instanceof AbortError)).toBe(true);
    await expect(runtime.generate({ kind: 'sprite', seed: 1, steps: 2 })).resolves.toMatchObject({ kind: 'sprite' });
    await runtime.dispose();
  });
});
