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
  /**
   * Where onnxruntime-web's .wasm files are (a URL prefix ending in '/', e.g. a CDN folder of the
   * same onnxruntime-web version), as `ort.env.wasm.wasmPaths`. Default: where the bundler put them.
   */
  wasmPaths?: string;
  /** Session creation that takes longer than this (ms) rejects with a BackendError; default 30 s. */
  sessionTimeoutMs?: number;
}

export interface DenoiserSession {
  device: ExecutedDevice;
  run: DenoiserRun;
  release(): Promise<void>;
}

type OrtModule = typeof Ort;
/**
 * The onnxruntime-web builds used in browsers: 'wasm' (plain wasm, ~14 MB of .wasm) when there is
 * no WebGPU, 'jsep' (wasm + the JSEP WebGPU EP, ~28 MB) only when a WebGPU adapter exists, so a
 * page downloads only the build its device needs. In Node both are onnxruntime-web's Node build.
 */
type OrtBuild = 'wasm' | 'jsep';

/** Told the wall time of every `session.run` (bench/run.ts: overhead outside ORT, achieved GFLOP/s). */
export type RunObserver = (ms: number, device: ExecutedDevice, batch: number) => void;
let runObserver: RunObserver | undefined;
/** One observer for the whole module (none by default); `undefined` removes it. */
export function observeRuns(observer: RunObserver | undefined): void {
  runObserver = observer;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';

const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
const webModules = new Map<OrtBuild, Promise<OrtModule>>();
let nodeModule: Promise<OrtModule | undefined> | undefined;

function importBuild(build: OrtBuild): Promise<OrtModule> {
  // Literal specifiers, so bundlers emit each build (and its .wasm) as its own lazily loaded chunk.
  if (isNode) return import('onnxruntime-web');
  return build === 'jsep' ? import('onnxruntime-web') : import('onnxruntime-web/wasm');
}

/**
 * onnxruntime's wasm threads are Workers started from the script that holds onnxruntime's code.
 * A bundler that builds this worker as one classic script (Vite's default `worker.format: 'iife'`)
 * puts onnxruntime inside this worker's own file, lazily initialised, so a thread would start this
 * worker's entry and never answer (the hang of issue 17). Each thread is therefore named after its
 * build ('em-pthread:wasm'; onnxruntime only checks the 'em-pthread' prefix), and the worker entry
 * hands such a start to `startOrtThread`. Where onnxruntime has a file of its own (ES workers,
 * webpack) the threads load that file and never come here.
 */
let spawningBuild: OrtBuild = 'wasm';
function nameThreads(): void {
  const scope = globalThis as unknown as { Worker?: typeof Worker; __assetDiffusionThreads?: boolean };
  if (isNode || !scope.Worker || scope.__assetDiffusionThreads) return;
  const Base = scope.Worker;
  scope.Worker = class extends Base {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options?.name === 'em-pthread' ? { ...options, name: `em-pthread:${spawningBuild}` } : options);
    }
  } as typeof Worker;
  scope.__assetDiffusionThreads = true;
}

/** If this worker was started as an onnxruntime thread (see nameThreads), run it as one and return true. */
export function startOrtThread(name: string | undefined): boolean {
  if (!name?.startsWith('em-pthread')) return false;
  // onnxruntime's module code sees the thread's name and starts the thread itself.
  void importBuild(name === 'em-pthread:jsep' ? 'jsep' : 'wasm');
  return true;
}

function ortWeb(build: OrtBuild, options: BackendOptions): Promise<OrtModule> {
  if (isNode) build = 'jsep'; // one module in Node
  let module = webModules.get(build);
  if (!module) {
    module = importBuild(build).then(
      (ort) => {
        ort.env.logLevel = 'error';
        nameThreads();
        return ort;
      },
      (e: unknown) => {
        webModules.delete(build);
        throw new BackendError(`onnxruntime-web (${build} build) failed to load: ${e instanceof Error ? e.message : String(e)}; check that the bundler emitted its chunks and that they are served`);
      },
    );
    webModules.set(build, module);
  }
  // onnxruntime reads env when its wasm starts (the first session): set by whoever gets there first.
  return module.then((ort) => {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
    // Without cross-origin isolation there is no SharedArrayBuffer, so threads cannot start; in Node
    // extra wasm threads only compete with the test runner for the same cores.
    ort.env.wasm.numThreads = options.numThreads ?? (isolated && !isNode ? Math.max(1, Math.min(4, cores)) : 1);
    if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
    return ort;
  });
}

function ortNode(): Promise<OrtModule | undefined> {
  // A variable specifier keeps bundlers from trying to pull the native addon into browser builds.
  const specifier = 'onnxruntime-node';
  nodeModule ??= import(/* @vite-ignore */ /* webpackIgnore: true */ specifier).then(
    (m: OrtModule & { default?: OrtModule }) => (m.InferenceSession ? m : m.default),
    () => undefined,
  );
  return nodeModule;
}

/** Whether onnxruntime-node (an optional dependency) loads here: `bake --device native` asks before it starts. */
export async function nativeAvailable(): Promise<boolean> {
  return isNode && (await ortNode()) !== undefined;
}

/** A startup failure of onnxruntime itself (not of the model), with what to fix. */
function startupProblem(message: string, options: BackendOptions): string | undefined {
  const where = options.wasmPaths ? `wasmPaths is ${options.wasmPaths}` : 'wasmPaths is not set, so they load from where the bundler emitted them';
  if (/magic word|failed to fetch|no available backend|Failed to load|WebAssembly\.instantiate|404/i.test(message)) {
    return `onnxruntime-web could not load its .wasm file (${message}); the ort-wasm-simd-threaded*.wasm files must be served from the same onnxruntime-web version as its JavaScript (${where})`;
  }
  return undefined;
}

/** Session creation ran out of time (a BackendError; its own class only so create() stops at it). */
class SessionTimeout extends BackendError {}

function timeout<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new SessionTimeout(message())), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
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

  async function candidates(): Promise<Array<{ device: ExecutedDevice; ort: OrtModule; build?: OrtBuild }>> {
    const list: Array<{ device: ExecutedDevice; ort: OrtModule; build?: OrtBuild }> = [];
    let webgpu = false;
    if (device === 'webgpu' || (device === 'auto' && !isNode && !gpuLost)) {
      webgpu = await hasWebGpuAdapter();
      if (webgpu) list.push({ device: 'webgpu', ort: await ortWeb('jsep', options), build: 'jsep' });
      else if (device === 'webgpu') throw new BackendError('device: webgpu was requested but no WebGPU adapter exists here; valid values: auto, webgpu, wasm');
    }
    if (device === 'auto' && isNode && options.preferNative !== false) {
      const native = await ortNode();
      if (native) list.push({ device: 'cpu', ort: native });
    }
    // With WebGPU in use, its build also runs wasm: no second onnxruntime download for the fallback.
    if (device !== 'webgpu') {
      const build: OrtBuild = webgpu ? 'jsep' : 'wasm';
      list.push({ device: 'wasm', ort: await ortWeb(build, options), build });
    }
    return list;
  }

  async function create(bytes: Uint8Array, label: string): Promise<DenoiserSession> {
    const failures: string[] = [];
    for (const { device: dev, ort, build } of await candidates()) {
      try {
        if (build) spawningBuild = build;
        const session = await createSession(ort, bytes, dev, label);
        const missing = DENOISER_INPUTS.filter((n) => !session.inputNames.includes(n));
        if (missing.length) {
          await session.release();
          throw new ModelLoadError(`${label}: the graph lacks inputs ${missing.join(', ')} (it has ${session.inputNames.join(', ')}; the contract needs ${DENOISER_INPUTS.join(', ')})`);
        }
        if (failures.length) logger().warn(`fell back to ${dev}: ${failures.join('; ')}`);
        return wrap(ort, session, dev, bytes, label);
      } catch (e) {
        // A timeout is thrown as it is: another device of the same onnxruntime would only wait as long again.
        if (e instanceof ModelLoadError || e instanceof SessionTimeout) throw e;
        failures.push(`${dev}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    // onnxruntime itself did not start (its .wasm missing, a timeout): say what to fix, not "bad model".
    const startup = failures.map((f) => startupProblem(f, options)).find((m) => m !== undefined);
    if (startup) throw new BackendError(`${label}: ${startup}`);
    // Every allowed device refused the bytes (which passed the manifest checks): the model itself
    // is unusable here, e.g. an operator this onnxruntime build lacks.
    throw new ModelLoadError(`${label}: onnxruntime could not create a session (${failures.join('; ') || 'no device available'})`);
  }

  /** A session, or a BackendError after sessionTimeoutMs: a wasm fetch or thread start that never ends must not hang the game. */
  function createSession(ort: OrtModule, bytes: Uint8Array, dev: ExecutedDevice, label: string): Promise<Ort.InferenceSession> {
    const ms = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    const created = ort.InferenceSession.create(bytes, {
      executionProviders: [dev === 'cpu' ? 'cpu' : dev],
      graphOptimizationLevel: 'all',
      // ORT's C++ logger warns about shape ops kept on the CPU on every WebGPU session; only errors matter here.
      logSeverityLevel: 3,
      // onnxruntime-node's intra-op threads spin-wait by default and take the core a game, a build or
      // a second bake needs: calls took 0.5-0.65x the time without it under load (docs/BENCHMARKS.md, attempt 1).
      ...(dev === 'cpu' && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    });
    return timeout(created, ms, () => {
      // A late session is released when it arrives, so it does not hold memory nobody can use.
      void created.then((late) => late.release(), () => undefined);
      const threads = ort.env.wasm.numThreads ?? 1;
      return `${label}: session creation on ${dev} did not finish within ${Math.round(ms / 1000)} s; onnxruntime-web is stuck starting` +
        (threads > 1 ? ` its ${threads} wasm threads (Workers loaded from the script holding onnxruntime's code: with Vite, set worker: { format: 'es' }; or pass numThreads: 1)` : '') +
        ` or fetching its .wasm (${options.wasmPaths ? `wasmPaths ${options.wasmPaths}` : 'from where the bundler emitted it'})`;
    });
  }

  async function runOnce(ort: OrtModule, session: Ort.InferenceSession, dev: ExecutedDevice, f: DenoiserFeeds): Promise<Float32Array> {
    const output = f.output === 'logits' ? 'logits' : session.outputNames.includes('x0') ? 'x0' : session.outputNames[0]!;
    if (!session.outputNames.includes(output)) {
      throw new ModelLoadError(`the manifest entry asks for a palette draw but the graph has no "logits" output (outputs: ${session.outputNames.join(', ')}); re-export it with models/export.py`);
    }
    const [b, c, h, w] = f.shape;
    const feeds = {
      x: new ort.Tensor('float32', f.x, [b, c, h, w]),
      t: new ort.Tensor('float32', f.t, [b]),
      label: new ort.Tensor('int64', BigInt64Array.from(f.label, (v) => BigInt(v)), [b]),
      mask: new ort.Tensor('float32', f.mask, [b, 1, h, w]),
      known: new ort.Tensor('float32', f.known, [b, c, h, w]),
      ...(f.attributes && { attributes: new ort.Tensor('float32', f.attributes, [b, f.attributes.length / b]) }),
    };
    // The manifest says whether a model takes attributes; a graph that disagrees is named, not left to ORT's message.
    const takes = session.inputNames.includes('attributes');
    if (takes !== !!f.attributes) {
      throw new ModelLoadError(takes ? 'the graph has an "attributes" input but its manifest entry lists no attributes' : 'the manifest entry lists attributes but the graph has no "attributes" input');
    }
    let result: Ort.InferenceSession.OnnxValueMapType;
    try {
      const started = runObserver && performance.now();
      result = await session.run(feeds, [output]); // only what is read: a palette graph has two outputs
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
          // The WebGPU build's own wasm EP: nothing more to download.
          const wasm = current.ort;
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
