/**
 * The result cache: get/put/clear with a byte cap and least-recently-used eviction. The LRU index
 * lives in the same store under one key and is written atomically with each value.
 *
 * Never fails a generation: when IndexedDB is missing, throws, or the quota is still exceeded
 * after evicting, it warns once and carries on with an in-memory store.
 */
import { logger } from '../log.ts';
import { idbStore, indexedDbAvailable, memoryStore, type KeyValueStore } from './stores.ts';

export interface CacheOptions {
  /** IndexedDB database name; default 'asset-diffusion'. */
  name?: string;
  /** Byte cap over all stored values; default 64 MiB. */
  maxBytes?: number;
  /** Custom store (tests, or a host's own storage); default IndexedDB, else memory. */
  store?: KeyValueStore;
}

export interface CacheStats {
  store: 'indexeddb' | 'memory';
  entries: number;
  bytes: number;
  maxBytes: number;
}

export interface ResultCache {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
  stats(): Promise<CacheStats>;
}

interface LruIndex {
  clock: number;
  entries: Record<string, { bytes: number; used: number }>;
}

const INDEX_KEY = '__lru_index__';
const emptyIndex = (): LruIndex => ({ clock: 0, entries: {} });

/** Approximate stored size: typed-array bytes plus a little for each other field. */
export function approximateBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? value.length * 2 : 8;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let n = 0;
  for (const v of Object.values(value)) n += 16 + approximateBytes(v, seen);
  return n;
}

const isQuotaError = (e: unknown): boolean => (e as { name?: string } | null)?.name === 'QuotaExceededError';

export function createCache(options: CacheOptions = {}): ResultCache {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  let warned = false;
  let store: KeyValueStore;
  const fallBack = (why: string): void => {
    if (!warned) logger().warn(`result cache: ${why}; using an in-memory cache for this session`);
    warned = true;
    store = memoryStore();
  };
  if (options.store) store = options.store;
  else if (indexedDbAvailable()) store = idbStore(options.name ?? 'asset-diffusion');
  else {
    store = memoryStore();
    fallBack('IndexedDB is not available');
  }

  // Operations run one at a time so concurrent puts do not lose each other's index updates.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const result = tail.then(job);
    tail = result.catch(() => undefined);
    return result;
  };

  /** Run `op` on the store; on failure switch to memory and run it once more there. */
  async function guarded<T>(op: () => Promise<T>, what: string): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (store.kind === 'memory') throw e;
      fallBack(`${what} failed (${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)})`);
      return op();
    }
  }

  const readIndex = async (): Promise<LruIndex> => (await store.get<LruIndex>(INDEX_KEY)) ?? emptyIndex();

  function oldestFirst(index: LruIndex): string[] {
    return Object.keys(index.entries).sort((a, b) => index.entries[a]!.used - index.entries[b]!.used);
  }

  async function putInto(key: string, value: unknown, bytes: number, evictAll = false): Promise<void> {
    const index = await readIndex();
    delete index.entries[key];
    let total = Object.values(index.entries).reduce((n, e) => n + e.bytes, 0);
    const evicted: string[] = [];
    for (const k of oldestFirst(index)) {
      if (!evictAll && total + bytes <= maxBytes) break;
      total -= index.entries[k]!.bytes;
      delete index.entries[k];
      evicted.push(k);
    }
    index.entries[key] = { bytes, used: ++index.clock };
    if (evicted.length) await store.delMany(evicted);
    await store.setMany([
      [key, value],
      [INDEX_KEY, index],
    ]);
  }

  return {
    get: <T>(key: string) =>
      serial(async () => {
        try {
          return await guarded(async () => {
            const value = await store.get<T>(key);
            if (value === undefined) return undefined;
            const index = await readIndex();
            const entry = index.entries[key];
            if (entry) {
              entry.used = ++index.clock;
              await store.setMany([[INDEX_KEY, index]]);
            }
            return value;
          }, 'reading');
        } catch {
          return undefined; // a cache that cannot read is a miss, never a failure
        }
      }),

    put: (key, value) =>
      serial(async () => {
        const bytes = approximateBytes(value);
        if (bytes > maxBytes) return; // larger than the whole cache: not worth evicting everything for
        try {
          await putInto(key, value, bytes);
        } catch (e) {
          if (isQuotaError(e) && store.kind !== 'memory') {
            // The browser's quota is below our cap: drop everything older and try once more.
            try {
              await putInto(key, value, bytes, true);
              return;
            } catch (again) {
              e = again;
            }
          }
          if (store.kind === 'memory') return;
          fallBack(`writing failed (${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)})`);
          await putInto(key, value, bytes).catch(() => undefined);
        }
      }),

    delete: (key) =>
      serial(() =>
        guarded(async () => {
          const index = await readIndex();
          delete index.entries[key];
          await store.delMany([key]);
          await store.setMany([[INDEX_KEY, index]]);
        }, 'deleting').catch(() => undefined),
      ),

    clear: () => serial(() => guarded(() => store.clear(), 'clearing').catch(() => undefined)),

    stats: () =>
      serial(async () => {
        const index = await guarded(readIndex, 'reading').catch(emptyIndex);
        const entries = Object.values(index.entries);
        return { store: store.kind, entries: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0), maxBytes };
      }),
  };
}
