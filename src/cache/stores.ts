/** Key-value stores behind the result cache: IndexedDB through idb-keyval, or memory. */
import { clear, createStore, delMany, get, setMany } from 'idb-keyval';

export interface KeyValueStore {
  readonly kind: 'indexeddb' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  /** Atomic: all pairs are written or none. */
  setMany(entries: [string, unknown][]): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  clear(): Promise<void>;
}

export function indexedDbAvailable(): boolean {
  return typeof indexedDB !== 'undefined' && indexedDB !== null;
}

/** One object store per database: idb-keyval opens a database with exactly one store. */
export function idbStore(dbName: string): KeyValueStore {
  const store = createStore(dbName, 'results');
  return {
    kind: 'indexeddb',
    get: (key) => get(key, store),
    setMany: (entries) => setMany(entries, store),
    delMany: (keys) => delMany(keys, store),
    clear: () => clear(store),
  };
}

/**
 * Values are cloned on the way in and out, as IndexedDB does: callers transfer result buffers to
 * other threads, which would otherwise detach the cached copy.
 */
export function memoryStore(): KeyValueStore {
  const map = new Map<string, unknown>();
  return {
    kind: 'memory',
    get: async <T>(key: string) => (map.has(key) ? structuredClone(map.get(key)) : undefined) as T | undefined,
    async setMany(entries) {
      for (const [k, v] of entries) map.set(k, structuredClone(v));
    },
    async delMany(keys) {
      for (const k of keys) map.delete(k);
    },
    async clear() {
      map.clear();
    },
  };
}
