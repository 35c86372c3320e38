/** The result cache on fake-indexeddb (vitest's node environment; under jsdom Blobs come back broken). */
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache/cache.ts';
import { cacheKey } from '../../src/runtime/cache-key.ts';
import { memoryStore, type KeyValueStore } from '../../src/cache/stores.ts';
import { setLogger } from '../../src/log.ts';
import { normalizeRequest } from '../../src/runtime/request.ts';
import { parseManifest } from '../../src/models/manifest.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { ImageResult } from '../../src/runtime/types.ts';
import { FIXTURE_MANIFEST, fixtureManifestJson } from '../helpers/fixture.ts';

const g = globalThis as { indexedDB?: IDBFactory };
const warnings: string[] = [];

beforeEach(() => {
  g.indexedDB = new IDBFactory(); // a fresh, empty IndexedDB per test
  warnings.length = 0;
  setLogger({ warn: (m) => warnings.push(m), info: () => {} });
});
afterEach(() => {
  delete g.indexedDB;
});

const value = (bytes: number, tag = 0) => ({ tag, data: new Uint8Array(bytes).fill(tag) });

describe('cache keys', () => {
  const manifest = parseManifest(fixtureManifestJson());
  it('are equal for requests that mean the same thing and differ otherwise', async () => {
    const a = normalizeRequest(manifest, { kind: 'sprite', seed: 1 }).request;
    const b = normalizeRequest(manifest, { model: 'tiny', seed: 1, count: 1, steps: 4, guidance: 2 }).request;
    const c = normalizeRequest(manifest, { kind: 'sprite', seed: 2 }).request;
    expect(await cacheKey('f'.repeat(64), a)).toBe(await cacheKey('f'.repeat(64), b));
    expect(await cacheKey('f'.repeat(64), a)).not.toBe(await cacheKey('f'.repeat(64), c));
    expect(await cacheKey('e'.repeat(64), a)).not.toBe(await cacheKey('f'.repeat(64), a)); // a new model file
  });
});

describe('IndexedDB cache', () => {
  it('misses, then hits with the same bytes, and clears', async () => {
    const cache = createCache({ name: 'test' });
    expect(await cache.get('k')).toBeUndefined();
    await cache.put('k', value(100, 7));
    const got = await cache.get<ReturnType<typeof value>>('k');
    expect(got?.tag).toBe(7);
    expect(Array.from(got!.data)).toEqual(Array(100).fill(7));
    expect((await cache.stats()).store).toBe('indexeddb');
    await cache.clear();
    expect(await cache.get('k')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('persists across cache instances (a page reload)', async () => {
    await createCache({ name: 'persist' }).put('k', value(10, 3));
    expect((await createCache({ name: 'persist' }).get<ReturnType<typeof value>>('k'))?.tag).toBe(3);
  });

  it('evicts the least recently used entries past the byte cap', async () => {
    const cache = createCache({ name: 'lru', maxBytes: 3000 });
    await cache.put('a', value(900, 1));
    await cache.put('b', value(900, 2));
    await cache.put('c', value(900, 3));
    await cache.get('a'); // a is now more recent than b
    await cache.put('d', value(900, 4));
    expect(await cache.get('b')).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(await cache.get(k)).toBeDefined();
    const stats = await cache.stats();
    expect(stats.entries).toBe(3);
    expect(stats.bytes).toBeLessThanOrEqual(3000);
  });

  it('does not store a value larger than the cap', async () => {
    const cache = createCache({ name: 'big', maxBytes: 500 });
    await cache.put('big', value(1000));
    expect(await cache.get('big')).toBeUndefined();
  });
});

describe('fallback to memory', () => {
  it('warns once when IndexedDB is missing and still caches', async () => {
    delete g.indexedDB;
    const cache = createCache();
    await cache.put('k', value(10, 5));
    expect((await cache.get<ReturnType<typeof value>>('k'))?.tag).toBe(5);
    expect((await cache.stats()).store).toBe('memory');
    createCache(); // another instance warns on its own, this one has already warned
    expect(warnings.filter((w) => w.includes('IndexedDB is not available'))).toHaveLength(2);
    await cache.put('k2', value(10));
    expect(warnings).toHaveLength(2);
  });

  it('on QuotaExceededError evicts older entries and retries', async () => {
    let limit = 2; // the store accepts at most 2 values
    const inner = memoryStore();
    const count = new Set<string>();
    const store: KeyValueStore = {
      ...inner,
      kind: 'indexeddb',
      async setMany(entries) {
        const keys = entries.map(([k]) => k).filter((k) => !k.startsWith('__'));
        if (keys.some((k) => !count.has(k)) && count.size + keys.length > limit) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
        keys.forEach((k) => count.add(k));
        return inner.setMany(entries);
      },
      async delMany(keys) {
        keys.forEach((k) => count.delete(k));
        return inner.delMany(keys);
      },
    };
    const cache = createCache({ store });
    await cache.put('a', value(10, 1));
    await cache.put('b', value(10, 2));
    await cache.put('c', value(10, 3));
    expect((await cache.get<ReturnType<typeof value>>('c'))?.tag).toBe(3);
    expect(await cache.get('a')).toBeUndefined();
    expect((await cache.stats()).store).toBe('indexeddb');
    expect(warnings).toEqual([]);
    limit = 0; // now nothing fits: fall back to memory with one warning
    await cache.put('d', value(10, 4));
    await cache.put('e', value(10, 5));
    expect((await cache.get<ReturnType<typeof value>>('d'))?.tag).toBe(4);
    expect((await cache.stats()).store).toBe('memory');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/QuotaExceededError/);
  });

  it('a store that throws on read is a miss plus one warning, never a failure', async () => {
    const broken: KeyValueStore = {
      kind: 'indexeddb',
      get: async () => {
        throw new Error('InvalidStateError');
      },
      setMany: async () => {
        throw new Error('InvalidStateError');
      },
      delMany: async () => {},
      clear: async () => {},
    };
    const cache = createCache({ store: broken });
    expect(await cache.get('k')).toBeUndefined();
    await cache.put('k', value(4, 9));
    expect((await cache.get<ReturnType<typeof value>>('k'))?.tag).toBe(9);
    expect(warnings).toHaveLength(1);
  });
});

describe('runtime with the cache', () => {
  it('the second identical request is a hit with identical bytes; another seed is a miss', async () => {
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: { name: 'runtime' } });
    let steps = 0;
    const onProgress = (p: { phase: string }) => void (p.phase === 'sample' && steps++);
    const first = (await runtime.generate({ kind: 'sprite', seed: 21, count: 2 }, { onProgress })) as ImageResult;
    const stepsFirst = steps;
    const second = (await runtime.generate({ kind: 'sprite', seed: 21, count: 2 }, { onProgress })) as ImageResult;
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(steps).toBe(stepsFirst); // no sampler step ran for the hit
    expect(second.images.map((i) => Array.from(i.data))).toEqual(first.images.map((i) => Array.from(i.data)));
    const third = await runtime.generate({ kind: 'sprite', seed: 22, count: 2 }, { onProgress });
    expect(third.cached).toBe(false);
    expect(steps).toBeGreaterThan(stepsFirst);
  });

  it('a hit survives a new runtime (reload) and a bad request caches nothing', async () => {
    await createRuntime({ manifest: FIXTURE_MANIFEST, cache: { name: 'reload' } }).generate({ kind: 'sprite', seed: 5 });
    const fresh = createRuntime({ manifest: FIXTURE_MANIFEST, cache: { name: 'reload' } });
    expect((await fresh.generate({ kind: 'sprite', seed: 5 })).cached).toBe(true);
    await expect(fresh.generate({ kind: 'sprite', seed: -1 })).rejects.toThrow(/seed/);
    expect((await createCache({ name: 'reload' }).stats()).entries).toBe(1);
  });

  it('results handed out are copies: mutating one does not change the cached entry', async () => {
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: { name: 'copies' } });
    const a = (await runtime.generate({ kind: 'sprite', seed: 8 })) as ImageResult;
    const original = Array.from(a.images[0]!.data);
    a.images[0]!.data.fill(1);
    const b = (await runtime.generate({ kind: 'sprite', seed: 8 })) as ImageResult;
    expect(b.cached).toBe(true);
    expect(Array.from(b.images[0]!.data)).toEqual(original);
  });
});
