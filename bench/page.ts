/**
 * The browser side of `npm run bench`: the real worker client (src/worker/client.ts, onnxruntime-web
 * in a module worker, threads when the page is cross-origin isolated) on the shipped models. The
 * worker is bench/worker.ts: the product's worker API plus session.run timings and cold start.
 *
 * `?threads=N` pins the wasm thread count (default: one per core, up to 4); `?device=webgpu`
 * runs the client on WebGPU (SwiftShader in headless Chromium: a correctness path, not a speed one).
 */
import * as Comlink from 'comlink';
import { createWorkerClient } from '../src/worker/client.ts';
import type { GenerateResult } from '../src/runtime/types.ts';
import { nextChunkRequest } from '../sample-game/src/world/chunk-requests.ts';
import { extendLevelRequest } from '../src/runtime/extend.ts';
import type { Timing } from './timing.ts';
import type { BenchWorker, RunLog } from './worker.ts';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads')) || undefined;
const device = params.get('device') === 'webgpu' ? 'webgpu' : 'wasm';
const manifest = new URL('/models/manifest.json', location.href).href;

let worker: Worker | undefined;
let extras: Comlink.Remote<BenchWorker> | undefined;
function startWorker(): Worker {
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ benchPort: port2 }, [port2]);
  extras = Comlink.wrap<BenchWorker>(port1);
  return worker;
}
// The cold start must be the worker's first work, so it is measured before the client's init
// runs anything: the client sends `init` on its first call only.
const client = createWorkerClient({ manifest, device, cache: false, numThreads: threads, createWorker: startWorker });

interface Measured extends Timing {
  /** wall ms on the page, including the worker round trip. */
  wall_ms: number;
  runs: RunLog;
}

async function timed<T extends { ms: number; device: string }>(call: () => Promise<T>, extra: (r: T) => Partial<Timing> = () => ({})): Promise<Measured & { result: T }> {
  await extras!.takeRuns();
  const t = performance.now();
  const r = await call();
  const wall_ms = performance.now() - t;
  return { ms: r.ms, device: r.device, wall_ms, runs: await extras!.takeRuns(), result: r, ...extra(r) };
}
const strip = <T extends { result: unknown }>(m: T): Omit<T, 'result'> => {
  const { result: _, ...rest } = m;
  return rest;
};


const bench = {
  /** What decides wasm threads: cross-origin isolation (SharedArrayBuffer) and the core count. */
  where: (): string =>
    `Chromium worker, ${crossOriginIsolated ? 'cross-origin isolated' : 'NOT isolated (one thread)'}, ${navigator.hardwareConcurrency} cores${threads ? `, ${threads} wasm thread(s)` : ''}`,
  /** onnxruntime-web's start in a fresh worker, per build ('default' = with JSEP WebGPU, 'wasm' = wasm only). */
  wasmInit(build: 'default' | 'wasm'): Promise<{ import_ms: number; init_ms: number; threads: number }> {
    const w = new Worker(new URL(`./init-worker.ts?build=${build}${threads ? `&threads=${threads}` : ''}`, import.meta.url), { type: 'module' });
    return new Promise((resolve, reject) => {
      w.onmessage = (e) => {
        w.terminate();
        resolve(e.data);
      };
      w.onerror = (e) => reject(new Error(e.message));
    });
  },
  async coldStart() {
    await client.models(); // starts the worker (init creates the runtime; no session yet)
    return extras!.coldStart(manifest, threads);
  },
  async level(width: number, seed: number, model?: string) {
    return strip(await timed(() => client.level({ width, seed, ensurePlayable: true, ...(model && { model }) }), (r) => ({ windows: r.metadata.windows })));
  },
  /** The sample game's next chunk: the last CONTEXT columns of a level pinned, 24 new columns. */
  async chunk(seed: number, model?: string) {
    const first = await client.level({ width: 48, seed, ensurePlayable: true, ...(model && { model }) });
    const request = { ...extendLevelRequest(first.grid, nextChunkRequest(seed, 1)), ...(model && { model }) };
    return strip(await timed(() => client.level(request), (r) => ({ windows: r.metadata.windows })));
  },
  async image(kind: 'sprite' | 'tile', seed: number, count = 1, steps?: number, model?: string) {
    return strip(await timed(() => client.generate({ kind, seed, count, steps, ...(model && { model }) })));
  },
  /** Decoded RGBA of a small request, for the wasm vs WebGPU comparison. */
  async pixels(kind: 'sprite' | 'tile', seed: number, count: number, steps: number) {
    const t = performance.now();
    const r = (await client.generate({ kind, seed, count, steps })) as GenerateResult & { images: Array<{ data: Uint8ClampedArray }> };
    return { device: r.device, ms: performance.now() - t, data: r.images.map((i) => Array.from(i.data)) };
  },
  async levelCells(seed: number, steps: number) {
    const t = performance.now();
    const r = await client.level({ width: 32, seed, steps });
    return { device: r.device, ms: performance.now() - t, cells: Array.from(r.grid.cells) };
  },
  cacheHits: () => extras!.cacheHits(manifest, threads),
  /** Through the real client with an IndexedDB cache: the round trip a game sees on a hit. */
  async clientCacheHit(runs = 5) {
    const cached = createWorkerClient({ manifest, device, cache: { name: 'asset-diffusion-bench-client' }, numThreads: threads });
    try {
      await cached.clearCache();
      const request = { kind: 'sprite' as const, count: 16, seed: 2 };
      await cached.generate(request);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const r = await cached.generate(request);
        if (!r.cached) throw new Error('bench: client cache missed');
        times.push(performance.now() - t);
      }
      await cached.clearCache();
      return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    } finally {
      await cached.terminate();
    }
  },
  matmulGflops: (n?: number) => extras!.matmulGflops(n),
  /** The WebGPU adapter this page gets (SwiftShader, or a real GPU), or null. */
  async adapter(): Promise<Record<string, string> | null> {
    const gpu = (navigator as { gpu?: { requestAdapter(o?: object): Promise<{ info?: Record<string, string> } | null> } }).gpu;
    const a = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) return null;
    const info = a.info ?? {};
    return { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
  },
};
(window as unknown as { bench: typeof bench }).bench = bench;
document.getElementById('status')!.textContent = 'ready';
