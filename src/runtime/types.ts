/**
 * The generation path's vocabulary: options, progress, results and the Runtime interface, shared
 * by the runtime, the worker protocol, the CLI and the Phaser plugin (types only).
 */
import type { Device, ExecutedDevice } from '../backend/onnx.ts';
import type { CacheOptions, ResultCache } from '../cache/cache.ts';
import type { LevelGrid, RgbaImage } from '../models/codecs.ts';
import type { Genre, Manifest, ModelEntry } from '../models/manifest.ts';
import type { CrossOriginPolicy } from '../models/source.ts';
import type { LevelMetadata } from '../levels/generate.ts';
import type { GenerateRequest, NormalizedRequest } from './request.ts';
import type { LevelRequest, NormalizedLevelRequest, NormalizedRegenerate, RegenerateOptions } from './level-request.ts';
import type { DungeonMetadata } from '../levels/dungeon/generate.ts';
import type { DungeonRequest, NormalizedDungeonRequest, RoomOptions } from './dungeon-request.ts';

export interface RuntimeOptions {
  /** Manifest location (URL or path), or an already-parsed manifest with the base its files resolve against. */
  manifest?: string | URL | { manifest: Manifest; baseUrl: string | URL };
  device?: Device;
  /** A cache instance, options for the default IndexedDB cache, or false for none. */
  cache?: ResultCache | CacheOptions | false;
  /** Largest batch per onnxruntime run (guidance doubles it); default 16. */
  maxBatch?: number;
  /** onnxruntime-web wasm threads. */
  numThreads?: number;
  /** URL prefix of onnxruntime-web's .wasm files (self-hosting, a CDN); default: where the bundler emitted them. */
  wasmPaths?: string;
  /**
   * Load a manifest from another origin than the page, or models from another origin than their
   * manifest: true, or the allowed origins (`['https://cdn.example']`). Default false.
   */
  allowCrossOrigin?: CrossOriginPolicy;
}

export type Progress =
  | { phase: 'queued'; ahead: number }
  | { phase: 'download'; model: string; loaded: number; total: number }
  | { phase: 'sample'; step: number; steps: number };

export interface GenerateOptions {
  onProgress?: (progress: Progress) => void;
  /** Cancels between sampler steps, or at once while the request waits in the queue. */
  signal?: AbortSignal;
}

interface ResultBase {
  model: string;
  version: string;
  sha256: string;
  request: NormalizedRequest;
  /** Class index per item (nullClass = unconditional). */
  labels: number[];
  /** Where the sampling ran (for a cache hit: where it ran when first generated). */
  device: ExecutedDevice;
  cached: boolean;
  ms: number;
}
export interface ImageResult extends ResultBase {
  kind: 'sprite' | 'tile';
  images: RgbaImage[];
  /** Sprites of a model with `minOpaque`: how many were fragments, sampled again (runtime/fragments.ts); absent when unguarded. */
  resampled?: number;
}
export interface LevelResult extends ResultBase {
  kind: 'level';
  levels: LevelGrid[];
}
export type GenerateResult = ImageResult | LevelResult;

export interface ModelSummary {
  id: string;
  kind: ModelEntry['kind'];
  /** Level models: platformer or dungeon; null for sprites and tiles. */
  genre: Genre | null;
  version: string;
  classes: string[];
  layout: ModelEntry['layout'];
  steps: ModelEntry['steps'];
  guidance: ModelEntry['guidance'];
  tiles: string[] | null;
  /** Level models conditioned on attributes: their names (LevelRequest.attributes); else empty. */
  attributes: string[];
}

export interface Runtime {
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /** A level of any width (16..10,000 columns), outpainted window by window (runtime/levels.ts). */
  level(request: LevelRequest, options?: GenerateOptions): Promise<GeneratedLevel<NormalizedLevelRequest>>;
  /** Redo columns [fromCol, toCol) of a level; every cell outside stays byte-identical. */
  regenerate(level: LevelGrid | GeneratedLevel, options: RegenerateOptions, opts?: GenerateOptions): Promise<GeneratedLevel<NormalizedRegenerate>>;
  /** A top-down dungeon of rooms joined by doors, with a start and a goal (runtime/dungeon.ts). */
  dungeon(request: DungeonRequest, options?: GenerateOptions): Promise<GeneratedDungeon>;
  /** Redo one room of a dungeon in place; every cell outside it stays byte-identical. */
  regenerateRoom(dungeon: GeneratedDungeon, options: RoomOptions, opts?: GenerateOptions): Promise<GeneratedDungeon>;
  /** Validate a level request without generating. */
  validateLevel(request: LevelRequest): Promise<NormalizedLevelRequest>;
  manifest(): Promise<Manifest>;
  models(): Promise<ModelSummary[]>;
  /** Validate without generating: resolves to the normalized request or throws InvalidRequestError. */
  validate(request: GenerateRequest): Promise<NormalizedRequest>;
  clearCache(): Promise<void>;
  /** Releases onnxruntime sessions. */
  dispose(): Promise<void>;
}

/** A generated (or regenerated) level: the grid, its legend and how it was made. */
export interface GeneratedLevel<R extends NormalizedLevelRequest | NormalizedRegenerate = NormalizedLevelRequest | NormalizedRegenerate> {
  kind: 'level';
  model: string;
  version: string;
  sha256: string;
  /** The level request, or for `regenerate` its normalized options. */
  request: R;
  /** rows x width tile ids (`cells[r * cols + c]`), legend included. */
  grid: LevelGrid;
  metadata: LevelMetadata;
  device: ExecutedDevice;
  cached: boolean;
  ms: number;
}

/** A generated dungeon: the whole map (rooms placed on their grid, void between) and how it was made. */
export interface GeneratedDungeon extends Omit<GeneratedLevel, 'kind' | 'request' | 'metadata'> {
  kind: 'dungeon';
  request: NormalizedDungeonRequest;
  metadata: DungeonMetadata;
}
