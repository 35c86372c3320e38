/**
 * What images (runtime.ts) and levels (levels.ts) share between validation and decoding: class
 * labels drawn from a seed, the sampler settings, the cache look-up around a job, and the job runner
 * (queue -> session -> sample, with progress and abort).
 */
import type { DenoiserSession, ExecutedDevice } from '../backend/onnx.ts';
import type { ResultCache } from '../cache/cache.ts';
import type { DenoiserRun } from '../core/guidance.ts';
import { createRng } from '../core/rng.ts';
import { now } from '../clock.ts';
import { throwIfAborted } from '../errors.ts';
import type { ModelEntry } from '../models/manifest.ts';
import { cacheKey, type CacheableRequest } from './cache-key.ts';
import type { JobQueue } from './queue.ts';
import type { SampleOptions } from './sample.ts';
import type { GenerateOptions, Progress } from './types.ts';

/** Labels draw from their own stream ("labe"), not the noise's. */
const LABEL_STREAM_SALT = 0x6c616265;

/**
 * Class index per item: the class asked for, the unconditional label for a model without
 * classes, else one drawn per item from the seed's label stream. Item 0 of seed S gets the same
 * class from `generate` and from `level`.
 */
export function labelsFor(model: ModelEntry, cls: string | null, seed: number, count: number): number[] {
  if (cls !== null) return Array(count).fill(model.classes.indexOf(cls));
  if (model.classes.length === 0) return Array(count).fill(model.nullClass);
  return Array.from({ length: count }, (_, i) => createRng(seed ^ LABEL_STREAM_SALT, i).int(model.classes.length));
}

/** How a request samples: the fields of `sampleBatch`'s options that come from the model and the request. */
export type SamplingSettings = { steps: number; guidance: number; sampler: SampleOptions['sampler']; eta: number };

export function samplingOptions(model: ModelEntry, s: SamplingSettings): Pick<SampleOptions, 'item' | 'nullClass' | 'steps' | 'guidance' | 'sampler' | 'eta' | 'attributeCount' | 'draw'> {
  const { channels, height, width } = model.layout;
  const draw = model.draw && model.palette ? { palette: model.palette, temperature: model.draw.temperature } : undefined;
  return { item: [channels, height, width], nullClass: model.nullClass, steps: s.steps, guidance: s.guidance, sampler: s.sampler, eta: s.eta, attributeCount: model.attributes?.length ?? 0, ...(draw && { draw }) };
}

/** A result that the cache can serve: flagged and timed again on a hit. */
interface Timed {
  cached: boolean;
  ms: number;
}

/**
 * The cache around a job: a hit comes back flagged `cached` with this call's time; a miss runs
 * `make` and stores what it returns (timed from `started`).
 */
export async function cachedResult<T extends Timed>(
  cache: ResultCache | undefined,
  model: ModelEntry,
  request: CacheableRequest,
  started: number,
  signal: AbortSignal | undefined,
  make: () => Promise<T>,
): Promise<T> {
  const key = cache ? await cacheKey(model.sha256, request) : '';
  const hit = cache ? await cache.get<T>(key) : undefined;
  if (hit) return { ...hit, cached: true, ms: now() - started };
  throwIfAborted(signal);
  const result = await make();
  result.ms = now() - started;
  // Awaited: IndexedDB clones the value when the write runs, and callers may transfer the buffers right after.
  await cache?.put(key, result);
  return result;
}

export interface JobContext {
  queue: JobQueue;
  session(model: ModelEntry, baseUrl: URL, onProgress?: (p: Progress) => void): Promise<DenoiserSession>;
}

/**
 * One generation job: waits its turn in the queue (reporting its position), loads the model's
 * session (download progress), then runs `body` with a step callback that checks the abort
 * signal and reports sampler steps against `plannedSteps` (the total grows when the body takes
 * more: ensurePlayable retries).
 */
export function runJob<T>(
  ctx: JobContext,
  model: ModelEntry,
  baseUrl: URL,
  plannedSteps: number,
  opts: GenerateOptions,
  body: (run: DenoiserRun, onStep: () => void) => Promise<T>,
): Promise<{ value: T; device: ExecutedDevice }> {
  return ctx.queue.run(
    async () => {
      const session = await ctx.session(model, baseUrl, opts.onProgress);
      let done = 0;
      let total = plannedSteps;
      const onStep = (): void => {
        throwIfAborted(opts.signal);
        total = Math.max(total, ++done);
        opts.onProgress?.({ phase: 'sample', step: done, steps: total });
      };
      throwIfAborted(opts.signal);
      return { value: await body(session.run, onStep), device: session.device };
    },
    { signal: opts.signal, onPosition: (ahead) => opts.onProgress?.({ phase: 'queued', ahead }) },
  );
}
