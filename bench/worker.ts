/**
 * The bench's module worker: the product's worker API (src/worker/api.ts, what worker.ts exposes)
 * plus what only a bench asks for, on a second comlink proxy of the same worker: session.run
 * durations (backend observeRuns hook), cold start, cache hits inside the worker, wasm matmul peak.
 */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
import { createBackend, observeRuns, type ExecutedDevice } from '../src/backend/onnx.ts';
import { createCache } from '../src/cache/cache.ts';
import { memoryStore } from '../src/cache/stores.ts';
import { parseManifestText } from '../src/models/manifest.ts';
import { loadBytes, sha256Hex } from '../src/models/source.ts';
import { createRuntime } from '../src/runtime/runtime.ts';
import { createWorkerApi } from '../src/worker/api.ts';
import { matmulModel } from './onnx-graph.ts';

export interface RunLog {
  calls: number;
  run_ms: number;
  /** Sum of the batch sizes of the runs: FLOPs = flops_per_item x items. */
  items: number;
  device: ExecutedDevice | null;
}

let log: RunLog = { calls: 0, run_ms: 0, items: 0, device: null };
observeRuns((ms, device, batch) => {
  log.calls++;
  log.run_ms += ms;
  log.items += batch;
  log.device = device;
});

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wasmThreads = (threads?: number): number =>
  threads ?? (crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1);

const bench = {
  /** The runs since the last call, then reset. */
  takeRuns(): RunLog {
    const out = log;
    log = { calls: 0, run_ms: 0, items: 0, device: null };
    return out;
  },

  /**
   * Model bytes -> ready session, per model, on a fresh wasm backend; `wasm_init_ms` is
   * onnxruntime-web's own start (fetch + compile the .wasm, start threads), paid once per worker.
   * Call first, on a fresh worker. Download and sha256 are timed apart (they depend on the network).
   */
  async coldStart(manifestUrl: string, threads?: number) {
    ort.env.wasm.numThreads = wasmThreads(threads);
    ort.env.logLevel = 'error';
    const t0 = performance.now();
    const tiny = await ort.InferenceSession.create(matmulModel(8));
    await tiny.release();
    const wasm_init_ms = performance.now() - t0;
    const manifest = parseManifestText(await (await fetch(manifestUrl)).text(), 'manifest.json');
    const models: Record<string, { download_ms: number; sha256_ms: number; session_ms: number; bytes: number }> = {};
    for (const m of manifest.models) {
      const backend = createBackend({ device: 'wasm', numThreads: threads });
      const a = performance.now();
      const bytes = await loadBytes(new URL(m.file, manifestUrl));
      const b = performance.now();
      await sha256Hex(bytes);
      const c = performance.now();
      await backend.session(m.sha256, async () => bytes, m.file);
      const d = performance.now();
      models[m.id] = { download_ms: b - a, sha256_ms: c - b, session_ms: d - c, bytes: bytes.length };
      await backend.release();
    }
    return { wasm_init_ms, threads: ort.env.wasm.numThreads, models };
  },

  /** Median ms of a cache hit inside the worker (no message round trip), memory store and IndexedDB. */
  async cacheHits(manifestUrl: string, threads: number | undefined, runs = 5) {
    const out: Record<string, number> = {};
    for (const [name, cache] of [
      ['memory', createCache({ store: memoryStore() })],
      ['indexeddb', createCache({ name: 'asset-diffusion-bench' })],
    ] as const) {
      await cache.clear();
      const runtime = createRuntime({ manifest: manifestUrl, device: 'wasm', cache, numThreads: threads });
      const request = { kind: 'sprite' as const, count: 16, seed: 1 };
      await runtime.generate(request); // the miss, which fills the cache
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const r = await runtime.generate(request);
        if (!r.cached) throw new Error(`bench: ${name} cache missed`);
        times.push(performance.now() - t);
      }
      out[name] = median(times);
      out[`${name}_store`] = (await cache.stats()).store === name ? 1 : 0;
      await cache.clear();
      await runtime.dispose();
    }
    return out;
  },

  /** fp32 n x n MatMul on onnxruntime-web wasm here: the engine's own peak. */
  async matmulGflops(n = 512, runs = 5): Promise<number> {
    const session = await ort.InferenceSession.create(matmulModel(n), { graphOptimizationLevel: 'all' });
    const a = new ort.Tensor('float32', Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7), [n, n]);
    const feeds = { a, b: a };
    await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t);
    }
    await session.release();
    return (2 * n ** 3) / (Math.min(...times) / 1000) / 1e9;
  },
};

export type BenchWorker = typeof bench;

// Two comlink endpoints on one worker: the product API for createWorkerClient, the bench extras
// on a port the page sends first (a second `expose` on `self` would answer every message twice).
const api = createWorkerApi();
Comlink.expose(api);
self.addEventListener('message', (e: MessageEvent) => {
  if ((e.data as { benchPort?: MessagePort } | null)?.benchPort) Comlink.expose(bench, (e.data as { benchPort: MessagePort }).benchPort);
});
