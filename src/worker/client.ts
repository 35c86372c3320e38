/**
 * Main-thread side of the worker: wraps it with comlink, turns AbortSignals into cancel messages,
 * and progress callbacks into proxies; named errors come back as their classes (wire.ts).
 */
import * as Comlink from 'comlink';
import { AbortError, BackendError, toAbortError } from '../errors.ts';
import './wire.ts'; // named errors arrive as their classes, fields included
import { logger } from '../log.ts';
import type { GenerateRequest, NormalizedRequest } from '../runtime/request.ts';
import type { GenerateOptions, GenerateResult, ModelSummary } from '../runtime/types.ts';
import type { ProgressCallback, WorkerApi, WorkerConfig } from './protocol.ts';
import type { GeneratedLevel } from '../runtime/types.ts';
import type { LevelGrid } from '../models/codecs.ts';
import type { LevelRequest, NormalizedLevelRequest, NormalizedRegenerate, RegenerateOptions } from '../runtime/level-request.ts';
import type { DungeonRequest, RoomOptions } from '../runtime/dungeon-request.ts';
import type { GeneratedDungeon } from '../runtime/types.ts';

/** What the client needs of a worker: comlink's endpoint, an 'error' event when it dies, and terminate. */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

export interface WorkerClientOptions extends Omit<WorkerConfig, 'manifest'> {
  /** Manifest URL; relative URLs resolve against the page. Default: the package's models/manifest.json. */
  manifest?: string | URL;
  /** An existing Worker or MessagePort to talk to (tests, custom bundling). Default: a new module worker. Never restarted. */
  endpoint?: Comlink.Endpoint;
  /** Makes the worker (default: a module worker running worker.ts); called again to replace one that died. */
  createWorker?: () => WorkerLike;
  /** Replacement workers started per minute before the client gives up and fails calls instead; default 3. */
  maxRestarts?: number;
  /** A worker that has not answered its first message after this many ms is a BackendError; default 20 s. */
  startTimeoutMs?: number;
}

export interface WorkerClient {
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /** A level of any width, made in the worker (runtime.level). */
  level(request: LevelRequest, options?: GenerateOptions): Promise<GeneratedLevel<NormalizedLevelRequest>>;
  /** Redo columns [fromCol, toCol) of a level in the worker (runtime.regenerate). */
  regenerate(level: LevelGrid | GeneratedLevel, options: RegenerateOptions, opts?: GenerateOptions): Promise<GeneratedLevel<NormalizedRegenerate>>;
  validateLevel(request: LevelRequest): Promise<NormalizedLevelRequest>;
  /** A dungeon of rooms, made in the worker (runtime.dungeon). */
  dungeon(request: DungeonRequest, options?: GenerateOptions): Promise<GeneratedDungeon>;
  /** Redo one room of a dungeon in the worker (runtime.regenerateRoom). */
  regenerateRoom(dungeon: GeneratedDungeon, options: RoomOptions, opts?: GenerateOptions): Promise<GeneratedDungeon>;
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

/**
 * A variation's source pixels go to the worker as a transferred copy of just their bytes: the
 * caller's image stays usable (a transfer would detach it), and a view into a larger buffer (a
 * frame of a sheet) does not clone the whole buffer as structured cloning of a view would.
 */
function withSourceTransfer(request: GenerateRequest): GenerateRequest {
  const from = request?.from as { width?: unknown; height?: unknown; data?: unknown } | undefined;
  if (!(from?.data instanceof Uint8Array || from?.data instanceof Uint8ClampedArray)) return request; // the worker names what is wrong
  const data = from.data.slice();
  // Fields copied by name: an ImageData's width and height are getters, which a spread would drop.
  const source = { width: from.width, height: from.height, data } as GenerateRequest['from'];
  return Comlink.transfer({ ...request, from: source }, [data.buffer]);
}

/** One worker and its comlink proxy; `dead` rejects when that worker dies. */
interface Generation {
  worker: WorkerLike | undefined;
  api: Comlink.Remote<WorkerApi>;
  ready: Promise<void>;
  dead: Promise<never>;
  kill(error: Error): void;
  /** Whether the worker answered init (a worker that dies before that failed to start: no restart). */
  started(): boolean;
}

const RESTART_WINDOW_MS = 60_000;
const START_TIMEOUT_MS = 20_000;

/** What to check when the worker never started: the usual causes, by bundler. */
const START_HINT =
  'the worker script must be served and run as a module worker (new Worker(url, { type: "module" })); ' +
  'a bundler must emit it as its own file: Vite and webpack 5 do by default, other setups see the README ("Use it in your game")';

export function createWorkerClient(options: WorkerClientOptions = {}): WorkerClient {
  const { endpoint, manifest, createWorker, maxRestarts = 3, startTimeoutMs = START_TIMEOUT_MS, ...rest } = options;
  const config: WorkerConfig = { ...rest, manifest: absolute(manifest), wasmPaths: absolute(rest.wasmPaths) };
  const spawn = createWorker ?? ((): WorkerLike => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'asset-diffusion' }));
  const restarts: number[] = [];
  let closed = false;
  let nextId = 1;
  const pending = new Set<(e: Error) => void>();

  function start(): Generation {
    const worker = endpoint ? undefined : spawn();
    const api = Comlink.wrap<WorkerApi>(endpoint ?? worker!);
    let kill!: (error: Error) => void;
    const dead = new Promise<never>((_, reject) => (kill = reject));
    dead.catch(() => undefined);
    // A worker that dies during init would never answer it: race the death too, and a timeout for
    // one that never runs at all (a classic script that cannot import, a blocked script URL).
    let started = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BackendError(`the generation worker did not start within ${Math.round(startTimeoutMs / 1000)} s: ${START_HINT}`)), startTimeoutMs);
    });
    const ready = Promise.race([api.init(config), dead, late]).then(
      () => {
        started = true;
        clearTimeout(timer);
      },
      (e: unknown) => {
        clearTimeout(timer);
        throw e;
      },
    );
    // Every call awaits `ready` and sees its error; this only stops an "unhandled rejection" report meanwhile.
    ready.catch(() => undefined);
    const generation: Generation = { worker, api, ready, dead, kill, started: () => started };
    // A worker that dies (script error, out of memory) never answers: fail what is waiting, start another.
    worker?.addEventListener('error', (event) => {
      // Handled here: the page's own error handlers (and the game) never see it.
      (event as Event).preventDefault?.();
      died(generation, (event as ErrorEvent).message || 'unknown error');
    });
    return generation;
  }

  function died(generation: Generation, reason: string): void {
    if (generation !== current || closed) return;
    if (!generation.started()) {
      // Its script did not load or threw at the top: a new worker from the same script would too.
      generation.kill(new BackendError(`the generation worker failed to start (${reason}): ${START_HINT}`));
      try {
        generation.worker?.terminate();
      } catch {
        // already gone
      }
      logger().warn(`the generation worker failed to start (${reason})`);
      return;
    }
    generation.kill(new BackendError(`the generation worker stopped (${reason}); requests in flight were lost with it and a new worker is starting: send them again`));
    try {
      generation.worker?.terminate();
    } catch {
      // already gone
    }
    const now = Date.now();
    while (restarts.length && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= maxRestarts) {
      logger().warn(`the generation worker stopped ${restarts.length + 1} times within a minute (last: ${reason}); not starting another`);
      const gaveUp = Promise.reject(new BackendError(`the generation worker stopped ${restarts.length + 1} times within a minute (last: ${reason}); not restarting`));
      gaveUp.catch(() => undefined);
      current = { ...generation, ready: gaveUp };
      return;
    }
    restarts.push(now);
    logger().warn(`the generation worker stopped (${reason}); starting a new one`);
    current = start();
  }

  let current = start();

  /** One call on the current worker; rejects when that worker dies or the client is terminated. */
  async function call<T>(make: (api: Comlink.Remote<WorkerApi>) => Promise<T>, onStart?: (g: Generation) => void): Promise<T> {
    const generation = current;
    await generation.ready;
    onStart?.(generation);
    let rejectEarly!: (e: Error) => void;
    const terminated = new Promise<never>((_, reject) => (rejectEarly = reject));
    pending.add(rejectEarly);
    try {
      return await Promise.race([make(generation.api), generation.dead, terminated]);
    } finally {
      pending.delete(rejectEarly);
    }
  }

  /** One cancellable worker call: an id for cancel(), the signal wired to it, progress proxied. */
  async function tracked<T>(opts: GenerateOptions, run: (api: Comlink.Remote<WorkerApi>, id: number, progress: ProgressCallback | undefined) => Promise<T>): Promise<T> {
    const { signal, onProgress } = opts;
    if (signal?.aborted) throw toAbortError(signal.reason);
    const id = nextId++;
    let api: Comlink.Remote<WorkerApi> | undefined;
    const onAbort = (): void => void api?.cancel(id, signal?.reason instanceof Error ? signal.reason.message : undefined).catch(() => undefined);
    try {
      return await call(
        (a) => run(a, id, onProgress ? Comlink.proxy(onProgress) : undefined),
        (g) => {
          api = g.api;
          signal?.addEventListener('abort', onAbort, { once: true });
        },
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    generate: (request, opts = {}) => tracked(opts, (api, id, progress) => api.generate(id, withSourceTransfer(request), progress) as Promise<GenerateResult>),
    level: (request, opts = {}) => tracked(opts, (api, id, progress) => api.level(id, request, progress) as Promise<GeneratedLevel<NormalizedLevelRequest>>),
    regenerate: (level, options, opts = {}) => tracked(opts, (api, id, progress) => api.regenerate(id, level, options, progress) as Promise<GeneratedLevel<NormalizedRegenerate>>),
    validateLevel: (request) => call((api) => api.validateLevel(request)),
    dungeon: (request, opts = {}) => tracked(opts, (api, id, progress) => api.dungeon(id, request, progress) as Promise<GeneratedDungeon>),
    regenerateRoom: (dungeon, options, opts = {}) => tracked(opts, (api, id, progress) => api.regenerateRoom(id, dungeon, options, progress) as Promise<GeneratedDungeon>),
    validate: (request) => call((api) => api.validate(withSourceTransfer(request))),
    models: () => call((api) => api.models()),
    clearCache: () => call((api) => api.clearCache()),
    async terminate() {
      closed = true;
      for (const reject of pending) reject(new AbortError('The worker client was terminated'));
      pending.clear();
      if (current.worker) {
        current.worker.terminate();
      } else {
        await current.api.dispose().catch(() => undefined);
      }
      current.api[Comlink.releaseProxy]();
    },
  };
}
