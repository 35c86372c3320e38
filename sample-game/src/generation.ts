/**
 * The game's one doorway to asset generation, on the Phaser plugin (plugin/): sprites and tiles
 * come from `scene.diffusion` as textures, level chunks from the global plugin's `level` and
 * `extendLevel` (they outlive any one scene). Generation runs in the plugin's worker, so the main thread never samples. This file
 * also keeps what the HUD and the loading bar show, from the plugin's events: backend, cache hits,
 * model bytes and sampler steps.
 */
import type Phaser from 'phaser';
import { DiffusionEvents, DiffusionPlugin, GLOBAL_KEY, type CacheEvent, type DiffusionProgress } from '../../plugin/index.ts';
import type { ModelSummary, Progress } from '../../src/runtime/types.ts';
import type { LevelRequest } from '../../src/runtime/level-request.ts';
import type { ExtendLevelRequest } from '../../src/runtime/extend.ts';
import type { LevelGrid } from '../../src/models/codecs.ts';
import type { GeneratedLevel } from '../../src/runtime/types.ts';

export type Backend = 'webgpu' | 'wasm' | 'cpu';

/** The models this game can use, by kind; a missing kind is drawn procedurally instead. */
export interface Models {
  level?: ModelSummary;
  /** A top-down dungeon model (manifest genre "dungeon"), for the roguelike mode. */
  dungeon?: ModelSummary;
  sprite?: ModelSummary;
  tile?: ModelSummary;
}

export interface GenerationStats {
  backend: Backend | undefined;
  hits: number;
  misses: number;
  /** The manifest in use; undefined: none on this site (no models, nothing generated). */
  manifest: string | undefined;
}

type Listener = (progress: Progress) => void;

/** Where a site keeps its models (the dev server and `npm run build` serve models/ there). */
export const SITE_MANIFEST = '/models/manifest.json';

/**
 * The site's models manifest, or undefined when it has none (a clone whose models are not trained
 * or exported yet): the game then plays with a procedural level and placeholder art and says so.
 */
export async function findManifest(): Promise<string | undefined> {
  const response = await fetch(SITE_MANIFEST, { method: 'HEAD' }).catch(() => undefined);
  const isJson = response?.ok && (response.headers.get('content-type') ?? '').includes('json');
  return isJson ? SITE_MANIFEST : undefined;
}

let chunkKeys = 0;

export class Generation {
  readonly stats: GenerationStats;
  private listeners = new Set<Listener>();

  private constructor(
    private plugin: DiffusionPlugin,
    readonly models: Models,
    private steps: number | undefined,
    manifest: string | undefined,
  ) {
    this.stats = { backend: undefined, hits: 0, misses: 0, manifest };
    plugin.events.on(DiffusionEvents.PROGRESS, (p: DiffusionProgress) => this.listeners.forEach((l) => l(p)));
    plugin.events.on(DiffusionEvents.CACHE, (e: CacheEvent) => void (e.hit ? this.stats.hits++ : this.stats.misses++));
    plugin.events.on(DiffusionEvents.BACKEND, (device: Backend) => void (this.stats.backend = device));
  }

  static async create(game: Phaser.Game, manifest: string | undefined, steps: number | undefined): Promise<Generation> {
    const plugin = game.plugins.get(GLOBAL_KEY) as DiffusionPlugin;
    // No manifest, no models: the worker is never started and every kind is drawn without one.
    const list = manifest === undefined ? [] : await plugin.client.models();
    const models: Models = {};
    for (const kind of ['level', 'sprite', 'tile'] as const) {
      const found = list.find((m) => m.kind === kind && m.genre !== 'dungeon');
      if (found) models[kind] = found;
    }
    const dungeon = list.find((m) => m.genre === 'dungeon');
    if (dungeon) models.dungeon = dungeon;
    return new Generation(plugin, models, steps, manifest);
  }

  /** Progress of every request (model bytes, queue, sampler steps), for the loading bar. */
  onProgress(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A sheet texture under `key` (frames 0..count-1) of one class, made by the scene's plugin;
   * false when the manifest has no such model or class (the caller draws a placeholder).
   */
  async images(scene: Phaser.Scene, kind: 'sprite' | 'tile', key: string, cls: string, count: number, seed: number, onProgress?: Listener): Promise<boolean> {
    const model = this.models[kind];
    if (!model || !model.classes.includes(cls)) return false;
    scene.diffusion.remove(key); // a previous world's texture
    const request = { model: model.id, class: cls, count, seed, steps: this.stepsFor(model) };
    await (kind === 'sprite' ? scene.diffusion.sprites(key, request, { onProgress }) : scene.diffusion.tiles(key, request, { onProgress }));
    return true;
  }

  /** The first level chunk, from the global plugin: chunks outlive the scene that asked for them. */
  level(request: LevelRequest, signal?: AbortSignal, onProgress?: Listener): Promise<GeneratedLevel> {
    const model = this.models.level!;
    return this.plugin.level({ ...request, model: model.id, steps: this.stepsFor(model) }, { key: `level-chunk-${chunkKeys++}`, signal, onProgress });
  }

  /** A later chunk: the continuation of `world` (the plugin pins its last columns). */
  extend(world: LevelGrid, request: ExtendLevelRequest, signal?: AbortSignal, onProgress?: Listener): Promise<GeneratedLevel> {
    const model = this.models.level!;
    return this.plugin.extendLevel(world, { ...request, model: model.id, steps: this.stepsFor(model) }, { key: `level-chunk-${chunkKeys++}`, signal, onProgress });
  }

  private stepsFor(model: ModelSummary): number {
    const steps = this.steps ?? model.steps.default;
    return Math.min(model.steps.max, Math.max(model.steps.min, steps));
  }
}
