/**
 * Fault 2: WebGPU fails under device 'auto'. onnxruntime-web is wrapped so its 'webgpu' sessions
 * are wasm sessions that can be made to fail: at creation (no device) or mid-sampling (device
 * lost). Either way the request finishes on wasm with the bytes a wasm-only run gives, and one
 * warning says why. The backend module is loaded as in a browser (no Node 'cpu' device).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Ort from 'onnxruntime-web';
import type { createRuntime as CreateRuntime } from '../../src/runtime/runtime.ts';
import type { GenerateResult } from '../../src/runtime/types.ts';
import { setLogger } from '../../src/log.ts';
import { FIXTURE_MANIFEST } from '../helpers/fixture.ts';

const gpu = { failCreate: false, failAfterRuns: Infinity, runs: 0, created: 0 };

vi.mock('onnxruntime-web', async (importOriginal) => {
  const real = await importOriginal<typeof Ort>();
  async function create(bytes: Uint8Array, opts: Ort.InferenceSession.SessionOptions): Promise<Ort.InferenceSession> {
    if (opts.executionProviders?.[0] !== 'webgpu') return real.InferenceSession.create(bytes, opts);
    if (gpu.failCreate) throw new Error('simulated: requestDevice() failed');
    gpu.created++;
    const inner = await real.InferenceSession.create(bytes, { ...opts, executionProviders: ['wasm'] });
    return new Proxy(inner, {
      get(target, key) {
        if (key === 'run')
          return async (feeds: Ort.InferenceSession.FeedsType) => {
            if (++gpu.runs > gpu.failAfterRuns) throw new Error("simulated: GPUDevice was lost ('destroyed')");
            return target.run(feeds);
          };
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
  return { ...real, InferenceSession: { create } };
});

let createRuntime: typeof CreateRuntime;
const warnings: string[] = [];

beforeAll(async () => {
  // As in a browser with a WebGPU adapter: `window` only while the backend module decides it is not in Node.
  vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) }, hardwareConcurrency: 1 });
  (globalThis as { window?: unknown }).window = globalThis;
  ({ createRuntime } = await import('../../src/runtime/runtime.ts'));
  delete (globalThis as { window?: unknown }).window;
  setLogger({ warn: (m) => warnings.push(m), info: () => {} });
});
afterAll(() => {
  vi.unstubAllGlobals();
  setLogger({ warn: (m) => console.warn(m), info: () => {} });
});

const bytes = (r: GenerateResult): number[] => (r.kind === 'level' ? [] : r.images.flatMap((i) => Array.from(i.data)));
const request = { kind: 'sprite', seed: 4, count: 2, steps: 6 } as const;

describe("device 'auto' when WebGPU fails", () => {
  let expected: number[];
  beforeAll(async () => {
    const wasm = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false, device: 'wasm' });
    expected = bytes(await wasm.generate(request));
    await wasm.dispose();
  });

  it('runs on WebGPU when nothing fails', async () => {
    Object.assign(gpu, { failCreate: false, failAfterRuns: Infinity, runs: 0 });
    warnings.length = 0;
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const r = await runtime.generate(request);
    expect(r.device).toBe('webgpu');
    expect(bytes(r)).toEqual(expected);
    expect(warnings).toEqual([]);
    await runtime.dispose();
  });

  it('session creation fails: the request runs on wasm, one warning', async () => {
    Object.assign(gpu, { failCreate: true, failAfterRuns: Infinity, runs: 0 });
    warnings.length = 0;
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const r = await runtime.generate(request);
    expect(r.device).toBe('wasm');
    expect(bytes(r)).toEqual(expected);
    expect(warnings).toEqual(['fell back to wasm: webgpu: simulated: requestDevice() failed']);
    await runtime.dispose();
  });

  it('the device is lost mid-sampling: the request finishes on wasm; later requests stay there', async () => {
    Object.assign(gpu, { failCreate: false, failAfterRuns: 3, runs: 0, created: 0 });
    warnings.length = 0;
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false });
    const r = await runtime.generate(request);
    expect(gpu.runs).toBe(4); // 3 good WebGPU runs, the 4th failed and was repeated on wasm
    expect(r.device).toBe('wasm');
    expect(bytes(r)).toEqual(expected);
    expect(warnings).toEqual(["fell back to wasm: tiny.onnx: webgpu run failed: simulated: GPUDevice was lost ('destroyed')"]);
    const again = await runtime.generate({ ...request, seed: 5 });
    expect(again.device).toBe('wasm');
    expect(gpu.runs).toBe(4);
    expect(warnings).toHaveLength(1);
    await runtime.dispose();
  });
});
