/**
 * The ONE module that imports onnxruntime (transformers.js keeps all of its ORT imports in one
 * file for the same reason: one place for device choice, sessions and the run queue).
 *
 * Devices: 'webgpu' (browser, onnxruntime-web's WebGPU EP), 'wasm' (onnxruntime-web, browser or
 * Node) and, in Node only, 'cpu' (onnxruntime-node's native CPU EP, used by 'auto' when installed).
 */
import type * as Ort from 'onnxruntime-web';
import { BackendError, ModelLoadError } from '../errors.ts';
import type { DenoiserFeeds, DenoiserRun } from '../core/guidance.ts';
import { logger } from '../log.ts';

export type Device = 'auto' | 'webgpu' | 'wasm';
export const DEVICES: readonly Device[] = ['auto', 'webgpu', 'wasm'];
/** The device a session actually runs on. */
export type ExecutedDevice = 'webgpu' | 'wasm' | 'cpu';

export const DENOISER_INPUTS = ['x', 't', 'label', 'mask', 'known'] as const;

export interface BackendOptions {
  device?: Device;
  /** wasm threads; default: 1 unless the page is cross-origin isolated (SharedArrayBuffer). */
  numThreads?: number;
  /** Node only: use onnxruntime-node for 'auto' when it is installed (default true). */
  preferNative?: boolean;
}

export interface DenoiserSession {
  device: ExecutedDevice;
  run: DenoiserRun;
  release(): Promise<void>;
}

type OrtModule = typeof Ort;

/** Told the wall time of every `session.run` (bench/run.ts: overhead outside ORT, achieved GFLOP/s). */
export type RunObserver = (ms: number, device: ExecutedDevice, batch: number) => void;
let runObserver: RunObserver | undefined;
/** One observer for the whole module (none by default); `undefined` removes it. */
export function observeRuns(observer: RunObserver | undefined): void {
  runObserver = observer;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';

let webModule: Promise<OrtModule> | undefined;
let nodeModule: Promise<OrtModule | undefined> | undefined;

function ortWeb(numThreads: number | undefined): Promise<OrtModule> {
  webModule ??= import('onnxruntime-web').then((ort) => {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
    // Without cross-origin isolation there is no SharedArrayBuffer, so threads cannot start; in Node
    // extra wasm threads only compete with the test runner for the same cores.
    ort.env.wasm.numThreads = numThreads ?? (isolated && !isNode ? Math.max(1, Math.min(4, cores)) : 1);
    ort.env.logLevel = 'error';
    return ort;
  });
  return webModule;
}

function ortNode(): Promise<OrtModule | undefined> {
  // A variable specifier keeps bundlers from trying to pull the native addon into browser builds.
  const specifier = 'onnxruntime-node';
  nodeModule ??= import(/* @vite-ignore */ specifier).then(
    (m: OrtModule & { default?: OrtModule }) => (m.InferenceSession ? m : m.default),
    () => undefined,
  );
  return nodeModule;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** Runs are serialised: ORT sessions are not re-entrant, and WebGPU shares one device queue. */
function serialiser(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (job) => {
    const result = tail.then(job);
    tail = result.catch(() => undefined);
    return result;
  };
}

export interface Backend {
  /**
   * A cached session for `key` (e.g. the model's sha256), created from `bytes()` on first use.
   * `label` names the model in errors (e.g. its file name).
   */
  session(key: string, bytes: () => Promise<Uint8Array>, label?: string): Promise<DenoiserSession>;
  release(key?: string): Promise<void>;
}

export function createBackend(options: BackendOptions = {}): Backend {
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) throw new BackendError(`device: unknown device "${String(device)}"; valid values: ${DEVICES.join(', ')}`);
  const enqueue = serialiser();
  const sessions = new Map<string, Promise<DenoiserSession>>();
  /** Set when a WebGPU run failed (device lost, out of GPU memory): later sessions go straight to wasm. */
  let gpuLost = false;

  async function candidates(): Promise<Array<{ device: ExecutedDevice; ort: OrtModule }>> {
    const list: Array<{ device: ExecutedDevice; ort: OrtModule }> = [];
    if (device === 'webgpu' || (device === 'auto' && !isNode && !gpuLost)) {
      if (await hasWebGpuAdapter()) list.push({ device: 'webgpu', ort: await ortWeb(options.numThreads) });
      else if (device === 'webgpu') throw new BackendError('device: webgpu was requested but no WebGPU adapter exists here; valid values: auto, webgpu, wasm');
    }
    if (device === 'auto' && isNode && options.preferNative !== false) {
      const native = await ortNode();
      if (native) list.push({ device: 'cpu', ort: native });
    }
    if (device !== 'webgpu') list.push({ device: 'wasm', ort: await ortWeb(options.numThreads) });
    return list;
  }

  async function create(bytes: Uint8Array, label: string): Promise<DenoiserSession> {
    const failures: string[] = [];
    for (const { device: dev, ort } of await candidates()) {
      try {
        const session = await ort.InferenceSession.create(bytes, {
          executionProviders: [dev === 'cpu' ? 'cpu' : dev],
          graphOptimizationLevel: 'all',
          // ORT's C++ logger warns about shape ops kept on the CPU on every WebGPU session; only errors matter here.
          logSeverityLevel: 3,
        });
        const missing = DENOISER_INPUTS.filter((n) => !session.inputNames.includes(n));
        if (missing.length) {
          await session.release();
          throw new ModelLoadError(`${label}: the graph lacks inputs ${missing.join(', ')} (it has ${session.inputNames.join(', ')}; the contract needs ${DENOISER_INPUTS.join(', ')})`);
        }
        if (failures.length) logger().warn(`fell back to ${dev}: ${failures.join('; ')}`);
        return wrap(ort, session, dev, bytes, label);
      } catch (e) {
        if (e instanceof ModelLoadError) throw e;
        failures.push(`${dev}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    // Every allowed device refused the bytes (which passed the manifest checks): the model itself
    // is unusable here, e.g. an operator this onnxruntime build lacks.
    throw new ModelLoadError(`${label}: onnxruntime could not create a session (${failures.join('; ') || 'no device available'})`);
  }

  async function runOnce(ort: OrtModule, session: Ort.InferenceSession, dev: ExecutedDevice, f: DenoiserFeeds): Promise<Float32Array> {
    const output = session.outputNames.includes('x0') ? 'x0' : session.outputNames[0]!;
    const [b, c, h, w] = f.shape;
    const feeds = {
      x: new ort.Tensor('float32', f.x, [b, c, h, w]),
      t: new ort.Tensor('float32', f.t, [b]),
      label: new ort.Tensor('int64', BigInt64Array.from(f.label, (v) => BigInt(v)), [b]),
      mask: new ort.Tensor('float32', f.mask, [b, 1, h, w]),
      known: new ort.Tensor('float32', f.known, [b, c, h, w]),
    };
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      const started = runObserver && performance.now();
      result = await session.run(feeds);
      if (runObserver) runObserver(performance.now() - started!, dev, b);
    } catch (e) {
      throw new BackendError(`${dev} run failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const tensor = result[output]!;
    // Copy out: the tensor's buffer may belong to the wasm heap and be reused by the next run.
    const data = Float32Array.from(tensor.data as Float32Array);
    for (const value of Object.values(result)) (value as { dispose?: () => void }).dispose?.();
    return data;
  }

  /**
   * A session that, under device 'auto', survives its WebGPU device: when a WebGPU run fails (the
   * device was lost, GPU memory ran out) the same bytes get a wasm session, the failed run is
   * repeated there and every later run stays there. The sha256 was checked before the first session.
   */
  function wrap(ort: OrtModule, session: Ort.InferenceSession, dev: ExecutedDevice, bytes: Uint8Array, label: string): DenoiserSession {
    let current = { ort, session, dev };
    let keep: Uint8Array | undefined = dev === 'webgpu' && device === 'auto' ? bytes : undefined;
    const run = (f: DenoiserFeeds): Promise<Float32Array> =>
      enqueue(async () => {
        try {
          return await runOnce(current.ort, current.session, current.dev, f);
        } catch (e) {
          if (current.dev !== 'webgpu' || !keep) throw e;
          gpuLost = true;
          logger().warn(`fell back to wasm: ${label}: ${(e as Error).message}`);
          const wasm = await ortWeb(options.numThreads);
          let replacement: Ort.InferenceSession;
          try {
            replacement = await wasm.InferenceSession.create(keep, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
          } catch (again) {
            throw new BackendError(`${label}: webgpu failed (${(e as Error).message}) and wasm could not take over (${again instanceof Error ? again.message : String(again)})`);
          }
          void current.session.release().catch(() => undefined);
          current = { ort: wasm, session: replacement, dev: 'wasm' };
          keep = undefined;
          return runOnce(current.ort, current.session, current.dev, f);
        }
      });
    return {
      get device() {
        return current.dev;
      },
      run,
      release: () => enqueue(() => current.session.release()),
    };
  }

  return {
    session(key, bytes, label = key) {
      let entry = sessions.get(key);
      if (!entry) {
        entry = bytes().then((b) => create(b, label));
        sessions.set(key, entry);
        // A failed load must not stick: the next request tries again.
        entry.catch(() => sessions.delete(key));
      }
      return entry;
    },
    async release(key) {
      const keys = key === undefined ? [...sessions.keys()] : [key];
      for (const k of keys) {
        const entry = sessions.get(k);
        sessions.delete(k);
        await entry?.then((s) => s.release(), () => undefined);
      }
    },
  };
}
