/**
 * No silent hangs at start-up (issue 17): a worker that never answers, a worker whose script fails
 * to load, an onnxruntime session that is never created and a missing .wasm all reject within
 * seconds with a BackendError that says what to fix. onnxruntime-web is mocked here; the real
 * start-up paths run in the browser suites and the consumer test.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ort = vi.hoisted(() => ({ create: vi.fn() }));
vi.mock('onnxruntime-web', () => ({
  env: { wasm: {}, logLevel: 'warning' },
  InferenceSession: { create: ort.create },
  Tensor: class {},
}));

import { createBackend } from '../../src/backend/onnx.ts';
import { BackendError } from '../../src/errors.ts';
import { setLogger } from '../../src/log.ts';
import { createWorkerClient, type WorkerLike } from '../../src/worker/client.ts';

/** A Worker stand-in: a MessagePort nobody answers on, and an 'error' event the test can fire. */
function silentWorker(): WorkerLike & { fail(message: string): void; terminated: boolean } {
  const { port1 } = new MessageChannel();
  const onError: Array<(e: unknown) => void> = [];
  const w = {
    terminated: false,
    postMessage: (m: unknown, t?: Transferable[]) => port1.postMessage(m, t ?? []),
    addEventListener(type: string, fn: EventListenerOrEventListenerObject) {
      if (type === 'error') onError.push(fn as (e: unknown) => void);
      else port1.addEventListener(type, fn);
      port1.start();
    },
    removeEventListener: (type: string, fn: EventListenerOrEventListenerObject) => port1.removeEventListener(type, fn),
    terminate() {
      w.terminated = true;
      port1.close();
    },
    fail: (message: string) => onError.forEach((fn) => fn({ message, preventDefault() {} })),
  };
  return w as unknown as WorkerLike & { fail(message: string): void; terminated: boolean };
}

afterEach(() => {
  vi.useRealTimers();
  setLogger({ warn: (m) => console.warn(m), info: () => {} });
});

/** Under fake timers: `pending` is still open 100 ms before `ms`, and has rejected with a BackendError 100 ms after. */
async function rejectsOnlyAfter(pending: Promise<unknown>, ms: number): Promise<Error> {
  const outcome = pending.catch((e: unknown) => e);
  await vi.advanceTimersByTimeAsync(ms - 100);
  let settled = false;
  void outcome.then(() => (settled = true));
  await Promise.resolve();
  expect(settled).toBe(false);
  await vi.advanceTimersByTimeAsync(200);
  const error = await outcome;
  expect(error).toBeInstanceOf(BackendError);
  return error as Error;
}

describe('worker start-up', () => {
  it('a worker that never answers rejects after 20 s by default with a BackendError naming the fix', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const client = createWorkerClient({ createWorker: silentWorker });
    const error = await rejectsOnlyAfter(client.models(), 20_000);
    expect((error as Error).message).toMatch(/^the generation worker did not start within 20 s: the worker script must be served and run as a module worker .*README/);
    await client.terminate();
  });

  it('startTimeoutMs shortens the wait; later calls get the same error', async () => {
    const client = createWorkerClient({ createWorker: silentWorker, startTimeoutMs: 50 });
    const started = performance.now();
    await expect(client.generate({ kind: 'sprite' })).rejects.toThrow(/did not start within 0 s/);
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(client.validate({ kind: 'sprite' })).rejects.toBeInstanceOf(BackendError);
    await client.terminate();
  });

  it("a worker whose script fails to load (its 'error' event before it answered) rejects at once and is not restarted", async () => {
    const warnings: string[] = [];
    setLogger({ warn: (m) => warnings.push(m), info: () => {} });
    const workers: ReturnType<typeof silentWorker>[] = [];
    const client = createWorkerClient({
      createWorker: () => {
        const w = silentWorker();
        workers.push(w);
        return w;
      },
    });
    const pending = client.generate({ kind: 'sprite' }).catch((e: unknown) => e);
    workers[0]!.fail('Failed to fetch a worker script');
    const error = await pending;
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/^the generation worker failed to start \(Failed to fetch a worker script\): the worker script must be served/);
    await expect(client.models()).rejects.toThrow(/failed to start/);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(true);
    expect(warnings).toEqual(['the generation worker failed to start (Failed to fetch a worker script)']);
    await client.terminate();
  });

  it('a comlink endpoint that answers is not affected by the timer (init resolves, calls go through)', async () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose({ init: async () => undefined, models: async () => ['ok'] }, port1 as unknown as Comlink.Endpoint);
    const client = createWorkerClient({ endpoint: port2 as unknown as Comlink.Endpoint, startTimeoutMs: 100 });
    await new Promise((r) => setTimeout(r, 200));
    await expect(client.models()).resolves.toEqual(['ok']);
    await client.terminate();
    port1.close();
  });
});

describe('onnxruntime start-up', () => {
  const model = async () => new Uint8Array([8, 1]);

  it('a session that is never created rejects after 30 s by default, naming threads and the .wasm', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ort.create.mockImplementation(() => new Promise(() => undefined));
    const error = await rejectsOnlyAfter(createBackend({ device: 'wasm', numThreads: 2 }).session('k1', model, 'sprite.onnx'), 30_000);
    expect((error as Error).name).toBe('BackendError');
    expect((error as Error).message).toMatch(/^sprite\.onnx: session creation on wasm did not finish within 30 s; onnxruntime-web is stuck starting its 2 wasm threads .*worker: \{ format: 'es' \}.*numThreads: 1.*or fetching its \.wasm/);
  });

  it('a .wasm served as an HTML page is a BackendError about the .wasm files and wasmPaths, not a bad model', async () => {
    ort.create.mockRejectedValue(new Error('failed to asynchronously prepare wasm: CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 3c 21 44 4f @+0'));
    const error = await createBackend({ device: 'wasm', wasmPaths: '/ort/' }).session('k2', model, 'sprite.onnx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/^sprite\.onnx: onnxruntime-web could not load its \.wasm file \(.*magic word.*\); the ort-wasm-simd-threaded\*\.wasm files must be served from the same onnxruntime-web version as its JavaScript \(wasmPaths is \/ort\/\)/);
  });

  it('wasmPaths reaches onnxruntime-web', async () => {
    ort.create.mockRejectedValue(new Error('no'));
    await createBackend({ device: 'wasm', wasmPaths: 'https://cdn.example/ort/' }).session('k3', model).catch(() => undefined);
    const { env } = await import('onnxruntime-web');
    expect(env.wasm.wasmPaths).toBe('https://cdn.example/ort/');
  });
});
