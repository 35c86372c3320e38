/**
 * The game's one doorway to asset generation. Everything generated (level chunks, sprites, tiles)
 * goes through here, in the worker, so the main thread never samples. It also keeps the numbers
 * the HUD and loading bar show: backend, cache hits, bytes and sampler steps.
 *
 * Stand-in: until the Phaser plugin (plugin/, issue 5) lands this talks to the worker client the
 * plugin wraps, with the same request shapes; swapping it for `this.diffusion` is local to this file.
 */
import { createWorkerClient, type WorkerClient } from '../../src/worker/client.ts';
import type { GenerateRequest } from '../../src/request.ts';
import type { GenerateOptions, ModelSummary, Progress } from '../../src/runtime.ts';
import type { LevelRequest } from '../../src/levels/request.ts';
import type { GeneratedLevel } from '../../src/levels/api.ts';
import type { RgbaImage } from '../../src/models/codecs.ts';
import type { GameOptions } from './options.ts';

export type Backend = 'webgpu' | 'wasm' | 'cpu';

export interface ImageSet {
  images: RgbaImage[];
  cached: boolean;
}

/** The models this game can use, by kind; a missing kind is drawn procedurally instead. */
export interface Models {
  level?: ModelSummary;
  sprite?: ModelSummary;
  tile?: ModelSummary;
}

export interface GenerationStats {
  backend: Backend | undefined;
  hits: number;
  misses: number;
  manifest: string;
}

type Listener = (progress: Progress) => void;

/** The trained models when they exist, else the tiny test fixture (a clone before training). */
async function findManifest(): Promise<string> {
  const real = '/models/manifest.json';
  const response = await fetch(real, { method: 'HEAD' }).catch(() => undefined);
  const isJson = response?.ok && (response.headers.get('content-type') ?? '').includes('json');
  return isJson ? real : '/tests/fixtures/tiny/manifest.json';
}

export class Generation {
  readonly stats: GenerationStats;
  private listeners = new Set<Listener>();

  private constructor(
    private client: WorkerClient,
    readonly models: Models,
    private options: GameOptions,
    manifest: string,
  ) {
    this.stats = { backend: undefined, hits: 0, misses: 0, manifest };
  }

  static async create(options: GameOptions): Promise<Generation> {
    const manifest = options.manifest ?? (await findManifest());
    const client = createWorkerClient({ manifest, device: options.device, cache: { name: options.cacheName } });
    const list = await client.models();
    const models: Models = {};
    for (const kind of ['level', 'sprite', 'tile'] as const) {
      const found = list.find((m) => m.kind === kind);
      if (found) models[kind] = found;
    }
    return new Generation(client, models, options, manifest);
  }

  /** Progress of every request (model bytes, queue, sampler steps), for the loading bar. */
  onProgress(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Progress goes to the caller's callback (one request) and to every listener (the loading bar). */
  private opts(signal?: AbortSignal, onProgress?: Listener): GenerateOptions {
    return { signal, onProgress: (p) => (onProgress?.(p), this.listeners.forEach((l) => l(p))) };
  }

  private record(device: Backend, cached: boolean): void {
    this.stats.backend = device;
    if (cached) this.stats.hits++;
    else this.stats.misses++;
  }

  /** Sprites or tiles of one class; `count` images from one seed. */
  async images(kind: 'sprite' | 'tile', cls: string, count: number, seed: number, onProgress?: Listener): Promise<ImageSet | undefined> {
    const model = this.models[kind];
    if (!model || !model.classes.includes(cls)) return undefined;
    const request: GenerateRequest = { model: model.id, class: cls, count, seed, steps: this.stepsFor(model) };
    const result = await this.client.generate(request, this.opts(undefined, onProgress));
    if (result.kind === 'level') throw new Error('expected images');
    this.record(result.device, result.cached);
    return { images: result.images, cached: result.cached };
  }

  async level(request: LevelRequest, signal?: AbortSignal, onProgress?: Listener): Promise<GeneratedLevel> {
    const model = this.models.level!;
    const result = await this.client.level({ ...request, model: model.id, steps: this.stepsFor(model) }, this.opts(signal, onProgress));
    this.record(result.device, result.cached);
    return result;
  }

  private stepsFor(model: ModelSummary): number {
    const steps = this.options.steps ?? model.steps.default;
    return Math.min(model.steps.max, Math.max(model.steps.min, steps));
  }

  async destroy(): Promise<void> {
    this.listeners.clear();
    await this.client.terminate();
  }
}
