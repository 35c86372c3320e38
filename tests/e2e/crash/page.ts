/**
 * A real browser Worker dies mid-request (an uncaught error in it): every pending request rejects
 * with a named error, the client starts a new worker, the next request gives the same bytes as
 * before, and the page itself never sees the worker's error.
 */
import { createWorkerClient, type WorkerLike } from '../../../src/worker/client.ts';
import { setLogger } from '../../../src/log.ts';
import type { GenerateResult } from '../../../src/runtime/types.ts';

const bytes = (r: GenerateResult): number[] => (r.kind === 'level' ? [] : r.images.flatMap((i) => Array.from(i.data)));

async function crashMidRequest() {
  const workers: WorkerLike[] = [];
  const warnings: string[] = [];
  setLogger({ warn: (m) => warnings.push(m), info: () => {} });
  let windowErrors = 0;
  window.addEventListener('error', () => windowErrors++);
  const client = createWorkerClient({
    manifest: '/tests/fixtures/tiny/manifest.json',
    device: 'wasm',
    cache: false,
    createWorker: () => {
      const w = new Worker(new URL('./crash-worker.ts', import.meta.url), { type: 'module' });
      workers.push(w);
      return w;
    },
  });
  try {
    const before = bytes(await client.generate({ kind: 'sprite', seed: 5, steps: 2 }));
    let sampling!: () => void;
    const started = new Promise<void>((resolve) => (sampling = resolve));
    const inFlight = [
      client.generate({ kind: 'sprite', seed: 1, steps: 1000 }, { onProgress: (p) => p.phase === 'sample' && sampling() }),
      client.generate({ kind: 'sprite', seed: 2, steps: 2 }),
      client.generate({ kind: 'sprite', seed: 3, steps: 2 }),
    ].map((p) => p.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`));
    await started;
    workers[0]!.postMessage({ crash: 0 });
    const outcomes = await Promise.all(inFlight);
    const after = bytes(await client.generate({ kind: 'sprite', seed: 5, steps: 2 }));
    return { outcomes, same: JSON.stringify(after) === JSON.stringify(before), workers: workers.length, warnings, windowErrors };
  } finally {
    await client.terminate();
  }
}

Object.assign(window, { crashMidRequest });
document.getElementById('status')!.textContent = 'ready';
