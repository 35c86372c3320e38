/** The object the worker exposes (separate from worker.ts so Node tests can expose it on a MessagePort). */
import * as Comlink from 'comlink';
import { AbortError } from '../errors.ts';
import { createRuntime } from '../runtime/runtime.ts';
import type { GenerateOptions, GenerateResult, Runtime } from '../runtime/types.ts';
import type { ProgressCallback, WorkerApi, WorkerConfig } from './protocol.ts';
import { guardEndpoint } from './wire.ts';

const METHODS = ['init', 'generate', 'level', 'regenerate', 'validateLevel', 'dungeon', 'regenerateRoom', 'cancel', 'validate', 'models', 'clearCache', 'dispose'] as const satisfies readonly (keyof WorkerApi)[];

/** Exposes a worker API on `endpoint` (the worker's global scope by default) behind the message guard. */
export function exposeWorkerApi(endpoint: Comlink.Endpoint = self as unknown as Comlink.Endpoint): void {
  Comlink.expose(createWorkerApi(), guardEndpoint(endpoint, METHODS));
}

/** The buffers of a result, moved rather than copied to the main thread. */
export function transferables(result: GenerateResult): ArrayBuffer[] {
  const arrays = result.kind === 'level' ? result.levels.map((l) => l.cells) : result.images.map((i) => i.data);
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/** A level or dungeon result, its grid's cells moved to the page rather than copied. */
const transferGrid = <T extends { grid: { cells: Uint8Array } }>(result: T): T => Comlink.transfer(result, [result.grid.cells.buffer as ArrayBuffer]);

export function createWorkerApi(): WorkerApi {
  let runtime: Runtime | undefined;
  const controllers = new Map<number, AbortController>();
  const rt = (): Runtime => (runtime ??= createRuntime());

  /** Runs `job` with an abort controller under `id` and a fire-and-forget progress proxy. */
  async function tracked<T>(id: number, onProgress: ProgressCallback | undefined, job: (opts: GenerateOptions) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    controllers.set(id, controller);
    try {
      return await job({
        signal: controller.signal,
        // Fire and forget: waiting for the main thread's acknowledgement would slow every step.
        // Only a function (a comlink proxy) is called: anything else a page sent is ignored.
        onProgress: typeof onProgress === 'function' ? (p) => void Promise.resolve().then(() => onProgress(p)).catch(() => undefined) : undefined,
      });
    } finally {
      controllers.delete(id);
      // Free the MessagePort comlink opened for the progress proxy.
      (onProgress as unknown as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy]?.();
    }
  }

  return {
    async init(config: WorkerConfig) {
      await runtime?.dispose();
      runtime = createRuntime(config);
    },

    async generate(id, request, onProgress) {
      const result = await tracked(id, onProgress, (opts) => rt().generate(request, opts));
      return Comlink.transfer(result, transferables(result));
    },

    async level(id, request, onProgress) {
      const result = await tracked(id, onProgress, (opts) => rt().level(request, opts));
      return transferGrid(result);
    },

    async regenerate(id, level, options, onProgress) {
      const result = await tracked(id, onProgress, (opts) => rt().regenerate(level, options, opts));
      return transferGrid(result);
    },

    validateLevel: (request) => rt().validateLevel(request),

    async dungeon(id, request, onProgress) {
      const result = await tracked(id, onProgress, (opts) => rt().dungeon(request, opts));
      return transferGrid(result);
    },

    async regenerateRoom(id, dungeon, options, onProgress) {
      const result = await tracked(id, onProgress, (opts) => rt().regenerateRoom(dungeon, options, opts));
      return transferGrid(result);
    },

    async cancel(id, reason) {
      controllers.get(id)?.abort(new AbortError(reason ? `The generation was aborted: ${reason}` : undefined));
    },

    validate: (request) => rt().validate(request),
    models: () => rt().models(),
    clearCache: () => rt().clearCache(),
    async dispose() {
      for (const c of controllers.values()) c.abort(new AbortError('The worker was disposed'));
      await runtime?.dispose();
    },
  };
}
