/**
 * The global plugin: one worker client for the whole game (made on first use, so a game that only
 * loads baked packs never starts a worker or downloads a model), terminated when the game goes.
 * It turns results into textures and levels; requests go to the worker client, which validates,
 * caches and samples.
 */
import * as Phaser from 'phaser';
import { createWorkerClient, type WorkerClient } from '../src/worker/client.ts';
import { legendTileset } from '../src/levels/export.ts';
import type { GeneratedLevel } from '../src/runtime/types.ts';
import type { GeneratedDungeon } from '../src/runtime/types.ts';
import type { ImageResult } from '../src/runtime/types.ts';
import type { LevelGrid } from '../src/models/codecs.ts';
import { extendLevelRequest, type ExtendLevelRequest } from '../src/runtime/extend.ts';
import { addSheetTexture, texturePixels } from './textures.ts';
import type { StoredLevel } from './level.ts';
import { DiffusionEvents, type AssetKind, type BackendName, type CallOptions, type DiffusionPluginOptions, type DiffusionProgress, type LevelRequest, type ResultOf, type TextureSource } from './types.ts';
import { registerFileTypes } from './loader.ts';

export const GLOBAL_KEY = 'DiffusionPlugin';
/** Legend tiles are this many pixels unless a pack says otherwise (the exporters' default). */
const LEGEND_TILE = 16;

type Emit = (event: string, ...args: unknown[]) => void;

export interface RunOptions extends CallOptions {
  /** The requesting scene's emitter, so its listeners hear about its own requests. */
  emit?: Emit;
}

/** Options of the scene-free level calls: `key` names the request in events (default 'level'). */
export interface LevelCallOptions extends CallOptions {
  key?: string;
}

export class DiffusionPlugin extends Phaser.Plugins.BasePlugin {
  /** Every request's events, whichever scene made it (a HUD scene can listen here). */
  readonly events = new Phaser.Events.EventEmitter();
  /** Where the first fresh generation ran; null until then (a fully cached game never picks one). */
  backend: BackendName | null = null;
  /** Levels by key; a Phaser cache so the Loader skips keys that already exist. */
  levels!: Phaser.Cache.BaseCache;
  private options: DiffusionPluginOptions = {};
  private ownClient: WorkerClient | undefined;

  constructor(pluginManager: Phaser.Plugins.PluginManager) {
    super(pluginManager);
    registerFileTypes(pluginManager);
  }

  override init(data?: DiffusionPluginOptions): void {
    this.options = data ?? {};
    this.levels = this.game.cache.addCustom('diffusion-levels');
  }

  /** The worker client (started on first use). */
  get client(): WorkerClient {
    if (this.options.client) return this.options.client;
    this.ownClient ??= createWorkerClient({
      manifest: this.options.manifest,
      device: this.options.device,
      cache: this.options.cache,
      numThreads: this.options.numThreads,
      wasmPaths: this.options.wasmPaths,
      allowCrossOrigin: this.options.allowCrossOrigin,
    });
    return this.ownClient;
  }

  /** True while this plugin's own worker is running. */
  get workerRunning(): boolean {
    return this.ownClient !== undefined;
  }

  /**
   * A level that belongs to no scene and is stored under no key (`this.diffusion.level` stores
   * one): for worlds streamed chunk by chunk, whose chunks outlive scene restarts.
   */
  level(request: LevelRequest, options: LevelCallOptions = {}): Promise<ResultOf<'level'>> {
    return this.run('level', options.key ?? 'level', request, options);
  }

  /**
   * Continue `level` to the right by `request.columns` columns (outpainting, src/runtime/extend.ts):
   * its last `context` columns (default 8) are pinned and the rest sampled, so the result's first
   * `context` columns are `level`'s last. `ensurePlayable` holds only where the checker can start
   * in those columns. Not tied to a scene, like `level`.
   */
  async extendLevel(level: LevelGrid, request: ExtendLevelRequest, options: LevelCallOptions = {}): Promise<ResultOf<'level'>> {
    return this.level(extendLevelRequest(level, request), options);
  }

  /** Every request goes through here (the scene plugin's too): steps default, events, backend and cache bookkeeping. */
  async run<K extends AssetKind>(kind: K, key: string, request: object, opts: RunOptions = {}): Promise<ResultOf<K>> {
    const emit: Emit = (event, ...args) => {
      this.events.emit(event, ...args);
      opts.emit?.(event, ...args);
    };
    const steps = typeof this.options.steps === 'number' ? this.options.steps : this.options.steps?.[kind];
    const req: Record<string, unknown> = { ...(steps === undefined ? {} : { steps }), ...request, kind };
    const call = {
      signal: opts.signal,
      onProgress: (p: object) => {
        const progress = { ...p, key, kind } as DiffusionProgress;
        opts.onProgress?.(progress);
        emit(DiffusionEvents.PROGRESS, progress);
      },
    };
    try {
      // A texture as a variation's source: its pixels, read here (the worker has no textures).
      if (isTextureSource(req.from)) req.from = texturePixels(this.game.textures, req.from);
      // Loader configs arrive untyped; the worker validates them and names any bad field.
      const result = kind === 'level' ? await this.client.level(req as never, call) : kind === 'dungeon' ? await this.client.dungeon(req as never, call) : await this.client.generate(req as never, call);
      emit(DiffusionEvents.CACHE, { key, kind, hit: result.cached });
      if (!result.cached && this.backend === null) {
        this.backend = result.device;
        emit(DiffusionEvents.BACKEND, result.device);
      }
      return result as ResultOf<K>;
    } catch (e) {
      // An abort is the caller's own doing (scene shutdown, their signal), not an error to report.
      if ((e as Error)?.name !== 'AbortError') emit(DiffusionEvents.ERROR, e, { key, kind });
      throw e;
    }
  }

  /** Sprite or tile result -> a sheet texture with frames 0..count-1. */
  addImages(key: string, result: ImageResult): Phaser.Textures.Texture {
    return addSheetTexture(this.game.textures, key, result.images, { kind: result.kind, model: result.model, seed: result.request.seed, labels: result.labels });
  }

  /** Store a level under `key` with its legend texture (`${key}-legend`), unless a legend texture is given. */
  addLevel(key: string, grid: LevelGrid, extra: { result?: GeneratedLevel | GeneratedDungeon; legendTexture?: string; tileSize?: number; dungeon?: StoredLevel['dungeon'] } = {}): StoredLevel {
    const tileSize = extra.tileSize ?? LEGEND_TILE;
    let legendTexture = extra.legendTexture;
    if (!legendTexture) {
      legendTexture = `${key}-legend`;
      if (!this.game.textures.exists(legendTexture)) addSheetTexture(this.game.textures, legendTexture, grid.legend.map((_, i) => tileImage(grid, i, tileSize)));
    }
    const stored: StoredLevel = { grid, legendTexture, tileSize, result: extra.result, ...(extra.dungeon ? { dungeon: extra.dungeon } : {}) };
    this.levels.add(key, stored);
    return stored;
  }

  /** Free what `key` names: its texture, or its level and legend texture. True if anything was there. */
  remove(key: string): boolean {
    const level = this.levels.get(key) as StoredLevel | undefined;
    let found = false;
    if (level) {
      this.levels.remove(key);
      if (level.legendTexture === `${key}-legend`) this.game.textures.remove(level.legendTexture);
      found = true;
    }
    if (this.game.textures.exists(key)) {
      this.game.textures.remove(key);
      found = true;
    }
    return found;
  }

  /** Called by Phaser's PluginManager when the game is destroyed. */
  override destroy(): void {
    // Rejects pending requests with an AbortError and stops the worker thread.
    void this.ownClient?.terminate();
    this.ownClient = undefined;
    this.events.removeAllListeners();
    super.destroy();
  }
}

const isTextureSource = (from: unknown): from is TextureSource =>
  typeof from === 'string' || (typeof from === 'object' && from !== null && typeof (from as { texture?: unknown }).texture === 'string');

/** One legend square as its own image, so the legend texture gets the same numbered frames as a sheet. */
function tileImage(grid: LevelGrid, id: number, size: number) {
  return legendTileset([grid.legend[id]!], size);
}
