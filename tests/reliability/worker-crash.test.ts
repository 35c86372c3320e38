/**
 * Fault 1: the worker dies mid-request. A real thread (worker_threads, the browser Worker's
 * interface around it) throws an uncaught error while one request samples and two wait: all three
 * reject with a BackendError saying so, the client starts a new worker, and the next request
 * succeeds with the same bytes as before the crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors.ts';
import { setLogger } from '../../src/log.ts';
import { createWorkerClient, type WorkerClient } from '../../src/worker/client.ts';
import { FIXTURE_MANIFEST } from '../helpers/fixture.ts';
import { nodeWorker, type TestWorker } from './workers.ts';

const clients: WorkerClient[] = [];
afterEach(async () => {
  while (clients.length) await clients.pop()!.terminate();
  setLogger({ warn: (m) => console.warn(m), info: () => {} });
});

function client(maxRestarts?: number): { client: WorkerClient; workers: TestWorker[]; warnings: string[] } {
  const workers: TestWorker[] = [];
  const warnings: string[] = [];
  setLogger({ warn: (m) => warnings.push(m), info: () => {} });
  const c = createWorkerClient({
    manifest: FIXTURE_MANIFEST,
    cache: false,
    maxRestarts,
    createWorker: () => {
      const w = nodeWorker();
      workers.push(w);
      return w;
    },
  });
  clients.push(c);
  return { client: c, workers, warnings };
}

const bytesOf = (r: Awaited<ReturnType<WorkerClient['generate']>>): number[] => (r.kind === 'level' ? [] : r.images.flatMap((i) => Array.from(i.data)));

describe('the worker dies mid-request', () => {
  it('every pending request rejects with a BackendError, a new worker starts, the next request succeeds', async () => {
    const { client: c, workers, warnings } = client();
    const before = bytesOf(await c.generate({ kind: 'sprite', seed: 5, steps: 2 }));
    let sampling!: () => void;
    const started = new Promise<void>((resolve) => (sampling = resolve));
    const inFlight = [
      c.generate({ kind: 'sprite', seed: 1, steps: 500 }, { onProgress: (p) => p.phase === 'sample' && sampling() }),
      c.generate({ kind: 'sprite', seed: 2, steps: 2 }),
      c.generate({ kind: 'sprite', seed: 3, steps: 2, count: 2 }),
    ].map((p) => p.then(() => 'resolved', (e: unknown) => e));
    await started;
    workers[0]!.crash();
    const outcomes = await Promise.all(inFlight);
    for (const e of outcomes) {
      expect(e).toBeInstanceOf(BackendError);
      expect((e as Error).message).toMatch(/^the generation worker stopped \(simulated crash in the worker\); requests in flight were lost with it and a new worker is starting/);
    }
    const after = await c.generate({ kind: 'sprite', seed: 5, steps: 2 });
    expect(workers).toHaveLength(2);
    expect(bytesOf(after)).toEqual(before);
    expect(warnings).toEqual(['the generation worker stopped (simulated crash in the worker); starting a new one']);
  });

  it('a worker that keeps dying is not restarted forever: calls fail with a named error', async () => {
    const { client: c, workers } = client(1);
    await c.validate({ kind: 'sprite' });
    workers[0]!.crash();
    await expect(c.generate({ kind: 'sprite', seed: 1, steps: 400 })).rejects.toBeInstanceOf(BackendError);
    await c.validate({ kind: 'sprite' }); // the one allowed replacement
    workers[1]!.crash();
    await new Promise((r) => setTimeout(r, 300));
    await expect(c.generate({ kind: 'sprite', seed: 1 })).rejects.toThrow(/stopped 2 times within a minute .*not restarting/);
    expect(workers).toHaveLength(2);
  });
});
