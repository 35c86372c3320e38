/**
 * `this.diffusion` in every scene: generation calls that produce textures and levels, events for
 * this scene's requests, and cleanup: on shutdown the scene's pending requests are aborted (their
 * results would land in a scene that is gone) and its listeners removed (a restart adds them again).
 */
import * as Phaser from 'phaser';
import { InvalidRequestError, toAbortError } from '../src/errors.ts';
import type { ModelSummary } from '../src/runtime/types.ts';
import type { WorkerClient } from '../src/worker/client.ts';
import { DiffusionPlugin, GLOBAL_KEY } from './global.ts';
import { DiffusionLevel, type StoredLevel } from './level.ts';
import { SCENE_KEY, SCENE_MAPPING, type AssetKind, type BackendName, type CallOptions, type DungeonRequest, type FileHost, type LevelRequest, type ResultOf, type SpriteRequest, type TileRequest } from './types.ts';

export { SCENE_KEY, SCENE_MAPPING };

/** Phaser makes one per scene and injects it as `scene.diffusion` (and `scene.sys.diffusion`, where the Loader files find it). */
export class DiffusionScenePlugin extends Phaser.Plugins.ScenePlugin implements FileHost {
  private readonly emitter = new Phaser.Events.EventEmitter();
  private controller = new AbortController();

  override boot(): void {
    const events = this.systems!.events;
    events.on(Phaser.Scenes.Events.START, this.onStart, this);
    events.on(Phaser.Scenes.Events.SHUTDOWN, this.onShutdown, this);
    events.once(Phaser.Scenes.Events.DESTROY, this.destroy, this);
  }

  /** The game's global plugin (owner of the worker). */
  get global(): DiffusionPlugin {
    const plugin = this.pluginManager?.get(GLOBAL_KEY);
    if (!(plugin instanceof DiffusionPlugin)) throw new Error('asset-diffusion: the global plugin is missing; add `plugins: diffusionPlugins(options)` to the game config');
    return plugin;
  }
  get client(): WorkerClient {
    return this.global.client;
  }
  /** 'webgpu' | 'wasm' | 'cpu' once a fresh generation has run in this game, else null. */
  get backend(): BackendName | null {
    return this.global.backend;
  }
  /** Fires when this scene shuts down. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  on(event: string, fn: (...args: any[]) => void, context?: unknown): this {
    this.emitter.on(event, fn, context);
    return this;
  }
  once(event: string, fn: (...args: any[]) => void, context?: unknown): this {
    this.emitter.once(event, fn, context);
    return this;
  }
  off(event: string, fn?: (...args: any[]) => void, context?: unknown): this {
    this.emitter.off(event, fn, context);
    return this;
  }

  /** A spritesheet texture under `key`: one frame per sprite, frames 0..count-1. */
  async sprites(key: string, request: SpriteRequest = {}, options: CallOptions = {}): Promise<Phaser.Textures.Texture> {
    this.claimTexture(key);
    const result = await this.run('sprite', key, request, options);
    return this.global.addImages(key, result);
  }

  /** A tileset texture under `key` (frames 0..count-1): `map.addTilesetImage(name, key)`. */
  async tiles(key: string, request: TileRequest = {}, options: CallOptions = {}): Promise<Phaser.Textures.Texture> {
    this.claimTexture(key);
    const result = await this.run('tile', key, request, options);
    return this.global.addImages(key, result);
  }

  /** A level under `key` (any width; outpainted in the worker). `.createTilemap()` builds the map. */
  async level(key: string, request: LevelRequest = {}, options: CallOptions = {}): Promise<DiffusionLevel> {
    if (this.global.levels.exists(key)) throw new InvalidRequestError('key', `level "${key}" already exists; remove("${key}") first`);
    const result = await this.run('level', key, request, options);
    return new DiffusionLevel(this.scene!, key, this.global.addLevel(key, result.grid, { result }));
  }

  /**
   * A top-down dungeon under `key`: rooms joined by doors, a start and a goal (`level.dungeon`).
   * `.createTilemap()` builds the map as for a level; void between rooms draws nothing.
   */
  async dungeon(key: string, request: DungeonRequest = {}, options: CallOptions = {}): Promise<DiffusionLevel> {
    if (this.global.levels.exists(key)) throw new InvalidRequestError('key', `level "${key}" already exists; remove("${key}") first`);
    const result = await this.run('dungeon', key, request, options);
    return new DiffusionLevel(this.scene!, key, this.global.addLevel(key, result.grid, { result }));
  }

  /** A level made by `level()`, `load.diffusionLevel` or `load.diffusionPack`, or undefined. */
  getLevel(key: string): DiffusionLevel | undefined {
    const stored = this.global.levels.get(key) as StoredLevel | undefined;
    return stored && new DiffusionLevel(this.scene!, key, stored);
  }

  /** Free a generated texture or level (and its legend texture). True if `key` named one. */
  remove(key: string): boolean {
    return this.global.remove(key);
  }

  models(): Promise<ModelSummary[]> {
    return this.client.models();
  }

  /** Emit on this scene's listeners and the global plugin's. */
  notify(event: string, ...args: unknown[]): void {
    this.global.events.emit(event, ...args);
    this.emitter.emit(event, ...args);
  }

  /** One request for this scene: cancelled by its shutdown or the caller's signal; events to both emitters. */
  async run<K extends AssetKind>(kind: K, key: string, request: object, options: CallOptions = {}): Promise<ResultOf<K>> {
    const sceneSignal = this.controller.signal;
    const signal = options.signal ? AbortSignal.any([sceneSignal, options.signal]) : sceneSignal;
    const emit = (event: string, ...args: unknown[]): void => void this.emitter.emit(event, ...args);
    // Settle on abort at once: the worker only sees the cancel message between sampler steps (and
    // on wasm, not until its current job yields), and a stopped scene must not wait for that.
    const aborted = new Promise<never>((_, reject) => {
      const fail = (): void => reject(toAbortError(signal.reason));
      if (signal.aborted) fail();
      else signal.addEventListener('abort', fail, { once: true });
    });
    const result = await Promise.race([this.global.run(kind, key, request, { signal, emit, onProgress: options.onProgress }), aborted]);
    // The worker may have answered just as the scene stopped: do not add textures to a scene that is gone.
    if (signal.aborted) throw toAbortError(signal.reason);
    return result;
  }

  private claimTexture(key: string): void {
    if (this.game!.textures.exists(key)) throw new InvalidRequestError('key', `texture "${key}" already exists; remove("${key}") first`);
  }

  private onStart(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }

  private onShutdown(): void {
    this.controller.abort(new Error(`scene "${this.systems?.settings.key}" shut down`));
    this.emitter.removeAllListeners();
  }

  override destroy(): void {
    this.onShutdown();
    this.systems?.events.off(Phaser.Scenes.Events.START, this.onStart, this);
    this.systems?.events.off(Phaser.Scenes.Events.SHUTDOWN, this.onShutdown, this);
    super.destroy();
  }
}

declare module 'phaser' {
  interface Scene {
    /** asset-diffusion: generate sprites, tiles and levels (installed by `diffusionPlugins()`). */
    diffusion: DiffusionScenePlugin;
  }
}
