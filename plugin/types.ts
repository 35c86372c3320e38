/**
 * Public types and keys of the Phaser plugin, and what its Loader files need from a scene's plugin
 * (`FileHost`). It imports no other plugin module but level.ts, so every one of them can import
 * it. The `declare module 'phaser'` augmentations live beside what they type: `this.diffusion` in
 * scene.ts, the `this.load.diffusion*` methods in loader.ts.
 */
import type * as Phaser from 'phaser';
import type { Device, ExecutedDevice } from '../src/backend/onnx.ts';
import type { CacheOptions } from '../src/cache/cache.ts';
import type { GenerateRequest } from '../src/runtime/request.ts';
import type { LevelRequest } from '../src/runtime/level-request.ts';
import type { DungeonRequest as RuntimeDungeonRequest } from '../src/runtime/dungeon-request.ts';
import type { GeneratedDungeon } from '../src/runtime/types.ts';
import type { ImageResult, Progress } from '../src/runtime/types.ts';
import type { GeneratedLevel } from '../src/runtime/types.ts';
import type { LevelGrid } from '../src/models/codecs.ts';
import type { WorkerClient } from '../src/worker/client.ts';
import type { StoredLevel } from './level.ts';

/** The scene plugin's key, and where Phaser injects it: `scene.diffusion` and `scene.sys.diffusion`. */
export const SCENE_KEY = 'DiffusionScenePlugin';
export const SCENE_MAPPING = 'diffusion';

export type AssetKind = 'sprite' | 'tile' | 'level' | 'dungeon';
/** What the worker returns for each kind. */
export type ResultOf<K extends AssetKind> = K extends 'level' ? GeneratedLevel : K extends 'dungeon' ? GeneratedDungeon : ImageResult;
/** A dungeon request: the runtime's without `kind` (the method says it). */
export type DungeonRequest = Omit<RuntimeDungeonRequest, 'kind'>;

/** Options of the global plugin (the game config's `plugins: diffusionPlugins(options)`). */
export interface DiffusionPluginOptions {
  /** Models manifest URL, relative to the page. Default: the package's models/manifest.json. */
  manifest?: string;
  /** 'auto' (WebGPU, else wasm; the default), 'webgpu' or 'wasm'. */
  device?: Device;
  /** IndexedDB result cache: `{ name, maxBytes }` (default 'asset-diffusion', 64 MiB), or false for none. */
  cache?: Omit<CacheOptions, 'store'> | false;
  /** Sampler steps for requests that give none: one number, or per kind. Default: the manifest's. */
  steps?: number | Partial<Record<AssetKind, number>>;
  /** onnxruntime-web wasm threads. */
  numThreads?: number;
  /** URL prefix (ending in '/') of onnxruntime-web's .wasm files, to self-host them or use a CDN of the same version. */
  wasmPaths?: string;
  /** A manifest on another origin than the page, or models on another origin than the manifest: true or the allowed origins. Default false. */
  allowCrossOrigin?: boolean | string[];
  /** A worker client to use instead of starting one (tests, custom bundling); the plugin will not terminate it. */
  client?: WorkerClient;
}

/** `from` in a sprite or tile request may name a texture (its whole source) or a texture and one of its frames. */
export type TextureSource = string | { texture: string; frame?: string | number };

/**
 * Sprite and tile requests: the runtime's request without `kind` (the method says it). `from` may
 * also be a texture key, or `{ texture, frame }`: its pixels are the variation's source.
 */
export type SpriteRequest = Omit<GenerateRequest, 'kind' | 'width' | 'from'> & { from?: GenerateRequest['from'] | TextureSource };
export type TileRequest = Omit<SpriteRequest, 'alphaThreshold' | 'palette' | 'allowFragments'>;
export type { LevelRequest };

/** The third argument of `sprites`, `tiles` and `level`. */
export interface CallOptions {
  /** Cancels this request; the scene's own signal (fired on shutdown) cancels it too. */
  signal?: AbortSignal;
  /** This request's progress (the same payloads as the 'progress' event, which still fires). */
  onProgress?: (progress: DiffusionProgress) => void;
}

/** Payload of the 'progress' event: the worker's progress plus which asset it is for. */
export type DiffusionProgress = Progress & { key: string; kind: AssetKind };

/** Event names, emitted by `this.diffusion` (requests of that scene) and by the global plugin (all). */
export const DiffusionEvents = {
  /** (progress: DiffusionProgress) — queued / model download bytes / sampler steps. */
  PROGRESS: 'progress',
  /** (device: 'webgpu' | 'wasm' | 'cpu') — once per game, when the first fresh generation reports where it ran. */
  BACKEND: 'backend',
  /** ({ key, kind, hit }) — after each request: hit = served from the IndexedDB cache (no sampler steps). */
  CACHE: 'cache',
  /** (error: Error, { key, kind }) — a named error (InvalidRequestError, ModelLoadError, ...); aborts are not reported. */
  ERROR: 'error',
} as const;

export interface CacheEvent {
  key: string;
  kind: AssetKind;
  hit: boolean;
}

export type BackendName = ExecutedDevice;

/**
 * What a Loader file uses of its scene's plugin (DiffusionScenePlugin implements it). Phaser
 * injects the scene plugin into the scene's Systems under SCENE_MAPPING; the registered Loader
 * method reads it there and passes it into each File, as rex plugins do.
 */
export interface FileHost {
  /** Fires when the scene shuts down. */
  readonly signal: AbortSignal;
  run<K extends AssetKind>(kind: K, key: string, request: object, options?: CallOptions): Promise<ResultOf<K>>;
  /** Emit on the scene's listeners and the global plugin's. */
  notify(event: string, ...args: unknown[]): void;
  readonly global: {
    /** Levels by key (the Loader's cache for level files). */
    readonly levels: Phaser.Cache.BaseCache;
    addImages(key: string, result: ImageResult): unknown;
    addLevel(key: string, grid: LevelGrid, extra?: { result?: GeneratedLevel | GeneratedDungeon; legendTexture?: string; tileSize?: number; dungeon?: StoredLevel['dungeon'] }): StoredLevel;
  };
}
