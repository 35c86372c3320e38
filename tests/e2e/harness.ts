/**
 * Browser-side helpers the e2e test drives through page.evaluate: the real worker client (its own
 * module worker, onnxruntime-web inside) and, for a precise float comparison, the backend directly.
 */
import { createBackend, type Device } from '../../src/backend/onnx.ts';
import { sampleBatch } from '../../src/runtime/sample.ts';
import { loadBytes } from '../../src/models/source.ts';
import { parseManifestText } from '../../src/models/manifest.ts';
import { createWorkerClient } from '../../src/worker/client.ts';
import { setLogger } from '../../src/log.ts';
import type { GenerateRequest } from '../../src/runtime/request.ts';

const MANIFEST = '/tests/fixtures/tiny/manifest.json';

export interface WorkerRun {
  device: string;
  cached: boolean;
  bytes: number[];
  errorName?: string;
  errorMessage?: string;
}

async function viaWorker(device: Device, request: GenerateRequest, cacheName: string | false): Promise<WorkerRun> {
  const client = createWorkerClient({ manifest: MANIFEST, device, cache: cacheName === false ? false : { name: cacheName } });
  try {
    const result = await client.generate(request);
    if (result.kind === 'level') throw new Error('expected images');
    return { device: result.device, cached: result.cached, bytes: result.images.flatMap((i) => Array.from(i.data)) };
  } catch (e) {
    return { device, cached: false, bytes: [], errorName: (e as Error).name, errorMessage: (e as Error).message };
  } finally {
    await client.terminate();
  }
}

/** The sampler output (floats, before decoding) on one device, on the main thread. */
async function rawSample(device: Device, seed: number, steps: number): Promise<{ device: string; x: number[] }> {
  const manifest = parseManifestText(await (await fetch(MANIFEST)).text());
  const model = manifest.models[0]!;
  const backend = createBackend({ device });
  const session = await backend.session(model.sha256, () => loadBytes(new URL(model.file, new URL(MANIFEST, location.href))), model.file);
  const { channels, height, width } = model.layout;
  const x = await sampleBatch(session.run, {
    item: [channels, height, width],
    seed,
    streams: [0, 1],
    labels: Int32Array.from([0, 1]),
    nullClass: model.nullClass,
    steps,
    guidance: 2,
    sampler: 'dpmpp2m',
    eta: 0,
  });
  await backend.release();
  return { device: session.device, x: Array.from(x) };
}

/**
 * Device 'auto' with WebGPU sabotaged first: no adapter at all, or an adapter whose device cannot
 * be created (what a lost or blocklisted GPU looks like). Run on a fresh page: ORT's state is global.
 */
async function autoDevice(sabotage: 'none' | 'no-adapter' | 'device-fails'): Promise<{ device: string; warnings: string[] }> {
  type Gpu = { requestAdapter(): Promise<{ requestDevice(): Promise<unknown> } | null> };
  const gpu = (navigator as unknown as { gpu: Gpu }).gpu;
  const original = gpu.requestAdapter.bind(gpu);
  if (sabotage === 'no-adapter') gpu.requestAdapter = async () => null;
  if (sabotage === 'device-fails')
    gpu.requestAdapter = async () => {
      const adapter = await original();
      if (adapter) adapter.requestDevice = async () => Promise.reject(new Error('simulated device failure'));
      return adapter;
    };
  const warnings: string[] = [];
  setLogger({ warn: (m) => warnings.push(m), info: () => {} });
  const manifest = parseManifestText(await (await fetch(MANIFEST)).text());
  const model = manifest.models[0]!;
  const backend = createBackend({ device: 'auto' });
  const session = await backend.session(model.sha256, () => loadBytes(new URL(model.file, new URL(MANIFEST, location.href))), model.file);
  // One real run, so a session that was created but cannot execute would show here.
  const { channels: c, height: h, width: w } = model.layout;
  await session.run({ x: new Float32Array(c * h * w), t: Float32Array.of(1), label: Int32Array.of(0), mask: new Float32Array(h * w), known: new Float32Array(c * h * w), shape: [1, c, h, w] });
  await backend.release();
  return { device: session.device, warnings };
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return !!gpu && (await gpu.requestAdapter()) != null;
}

/**
 * Malformed messages posted straight to the real module worker (as any script in the page could),
 * then a request through the client: the worker must neither die nor stop answering.
 */
async function malformedToWorker(messages: unknown[]): Promise<{ died: string | null; errorName?: string; field?: string; models: number }> {
  let worker: Worker | undefined;
  let died: string | null = null;
  const client = createWorkerClient({
    manifest: MANIFEST,
    device: 'wasm',
    cache: false,
    createWorker: () => {
      worker = new Worker(new URL('../../src/worker/worker.ts', import.meta.url), { type: 'module', name: 'asset-diffusion' });
      worker.addEventListener('error', (e) => (died ??= e.message || 'error event'));
      return worker;
    },
  });
  try {
    await client.models();
    for (const m of messages) {
      try {
        worker!.postMessage(m);
      } catch {
        // not cloneable: nothing was sent
      }
    }
    const error = (await client.validate({ kind: 'sprite', count: 0 }).catch((e: unknown) => e)) as { name?: string; field?: string };
    return { died, errorName: error?.name, field: error?.field, models: (await client.models()).length };
  } finally {
    await client.terminate();
  }
}

Object.assign(window, { harness: { viaWorker, rawSample, autoDevice, hasWebGpu, malformedToWorker, isolated: () => crossOriginIsolated } });
document.getElementById('status')!.textContent = 'ready';
