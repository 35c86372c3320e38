/**
 * The browser side of `npm run bench`: the real worker client (onnxruntime-web on wasm in a module
 * worker, threads when the page is cross-origin isolated) on the shipped models.
 */
import { createWorkerClient } from '../src/worker/client.ts';
import type { Timing } from './timing.ts';

// `?threads=N` pins the wasm thread count; by default the backend picks (one per core, up to 4).
const threads = Number(new URLSearchParams(location.search).get('threads')) || undefined;
const client = createWorkerClient({ manifest: '/models/manifest.json', device: 'wasm', cache: false, numThreads: threads });

const bench = {
  /** What decides wasm threads: cross-origin isolation (SharedArrayBuffer) and the core count. */
  where: (): string =>
    `Chromium worker, ${crossOriginIsolated ? 'cross-origin isolated' : 'NOT isolated (one thread)'}, ${navigator.hardwareConcurrency} cores${threads ? `, ${threads} wasm thread(s)` : ''}`,
  async level(width: number, seed: number): Promise<Timing> {
    const r = await client.level({ width, seed, ensurePlayable: true });
    return { ms: r.ms, device: r.device, windows: r.metadata.windows };
  },
  async image(kind: 'sprite' | 'tile', seed: number): Promise<Timing> {
    const r = await client.generate({ kind, seed, count: 1 });
    return { ms: r.ms, device: r.device };
  },
};
(window as unknown as { bench: typeof bench }).bench = bench;
document.getElementById('status')!.textContent = 'ready';
