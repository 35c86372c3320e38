/**
 * Main-thread side of the worker: wraps it with comlink, turns AbortSignals into cancel messages,
 * progress callbacks into proxies, and plain `{ name, message }` errors back into named classes.
 */
import * as Comlink from 'comlink';
import { AbortError, BackendError, reviveError, toAbortError } from '../errors.ts';
import type { GenerateRequest, NormalizedRequest } from '../request.ts';
import type { GenerateOptions, GenerateResult, ModelSummary } from '../runtime.ts';
import type { ProgressCallback, WorkerApi, WorkerConfig } from './protocol.ts';
import type { GeneratedLevel } from '../levels/api.ts';
import type { LevelGrid } from '../models/codecs.ts';
import type { LevelRequest, NormalizedLevelRequest, NormalizedRegenerate, RegenerateOptions } from '../levels/request.ts';

export interface WorkerClientOptions extends Omit<WorkerConfig, 'manifest'> {
  /** Manifest URL; relative URLs resolve against the page. Default: the package's models/manifest.json. */
  manifest?: string | URL;
  /** An existing Worker or MessagePort to talk to (tests, custom bundling). Default: a new module worker. */
  endpoint?: Comlink.Endpoint;
}

export interface WorkerClient {
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /** A level of any width, made in the worker (runtime.level). */
  level(request: LevelRequest, options?: GenerateOptions): Promise<GeneratedLevel<NormalizedLevelRequest>>;
  /** Redo columns [fromCol, toCol) of a level in the worker (runtime.regenerate). */
  regenerate(level: LevelGrid | GeneratedLevel, options: RegenerateOptions, opts?: GenerateOptions): Promise<GeneratedLevel<NormalizedRegenerate>>;
  validateLevel(request: LevelRequest): Promise<NormalizedLevelRequest>;
  validate(request: GenerateRequest): Promise<NormalizedRequest>;
  models(): Promise<ModelSummary[]>;
  clearCache(): Promise<void>;
  /** Rejects pending requests and stops the worker (if this client created it). */
  terminate(): Promise<void>;
}

function absolute(url: string | URL | undefined): string | undefined {
  if (url === undefined) return undefined;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(url, base).href : String(url);
}

async function revived<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw reviveError(e);
  }
}

export function createWorkerClient(options: WorkerClientOptions = {}): WorkerClient {
  const { endpoint, manifest, ...rest } = options;
  const ownWorker = endpoint ? undefined : new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'asset-diffusion' });
  const api = Comlink.wrap<WorkerApi>(endpoint ?? ownWorker!);
  const ready = revived(api.init({ ...rest, manifest: absolute(manifest) }));
  // Every call awaits `ready` and sees its error; this only stops an "unhandled rejection" report meanwhile.
  ready.catch(() => undefined);
  let nextId = 1;
  const pending = new Set<(e: Error) => void>();
  // A worker that dies (script error, out of memory) never answers: fail what is waiting instead of hanging.
  ownWorker?.addEventListener('error', (event) => {
    for (const reject of pending) reject(new BackendError(`the generation worker failed: ${event.message || 'unknown error'}`));
    pending.clear();
  });

  /** One cancellable worker call: an id for cancel(), the signal wired to it, progress proxied. */
  async function tracked<T>(opts: GenerateOptions, call: (id: number, progress: ProgressCallback | undefined) => Promise<T>): Promise<T> {
    const { signal, onProgress } = opts;
    if (signal?.aborted) throw toAbortError(signal.reason);
    await ready;
    const id = nextId++;
    const onAbort = (): void => void api.cancel(id, signal?.reason instanceof Error ? signal.reason.message : undefined).catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    let rejectEarly!: (e: Error) => void;
    const terminated = new Promise<never>((_, reject) => (rejectEarly = reject));
    pending.add(rejectEarly);
    try {
      return await Promise.race([revived(call(id, onProgress ? Comlink.proxy(onProgress) : undefined)), terminated]);
    } finally {
      pending.delete(rejectEarly);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    generate: (request, opts = {}) => tracked(opts, (id, progress) => api.generate(id, request, progress) as Promise<GenerateResult>),
    level: (request, opts = {}) => tracked(opts, (id, progress) => api.level(id, request, progress) as Promise<GeneratedLevel<NormalizedLevelRequest>>),
    regenerate: (level, options, opts = {}) => tracked(opts, (id, progress) => api.regenerate(id, level, options, progress) as Promise<GeneratedLevel<NormalizedRegenerate>>),
    validateLevel: async (request) => (await ready, revived(api.validateLevel(request))),
    validate: async (request) => (await ready, revived(api.validate(request))),
    models: async () => (await ready, revived(api.models())),
    clearCache: async () => (await ready, revived(api.clearCache())),
    async terminate() {
      for (const reject of pending) reject(new AbortError('The worker client was terminated'));
      pending.clear();
      if (ownWorker) {
        ownWorker.terminate();
      } else {
        await api.dispose().catch(() => undefined);
      }
      api[Comlink.releaseProxy]();
    },
  };
}
