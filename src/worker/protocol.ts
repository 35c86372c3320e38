/**
 * The worker's typed interface (types only, as in comlink's own examples): the main thread calls
 * these through `Comlink.wrap`, results come back as transferables, progress through a
 * `Comlink.proxy` callback, and cancellation as a `cancel(id)` message (AbortSignal cannot be cloned).
 */
import type { Device } from '../backend/onnx.ts';
import type { CacheOptions } from '../cache/cache.ts';
import type { GenerateRequest, NormalizedRequest } from '../runtime/request.ts';
import type { GenerateResult, ModelSummary, Progress } from '../runtime/types.ts';
import type { GeneratedLevel } from '../runtime/types.ts';
import type { LevelGrid } from '../models/codecs.ts';
import type { LevelRequest, NormalizedLevelRequest, NormalizedRegenerate, RegenerateOptions } from '../runtime/level-request.ts';
import type { DungeonRequest, RoomOptions } from '../runtime/dungeon-request.ts';
import type { GeneratedDungeon } from '../runtime/types.ts';

export interface WorkerConfig {
  /** Absolute manifest URL (a relative one would resolve against the worker script, not the page). */
  manifest?: string;
  device?: Device;
  cache?: CacheOptions | false;
  maxBatch?: number;
  numThreads?: number;
  /** Absolute URL prefix of onnxruntime-web's .wasm files (RuntimeOptions.wasmPaths). */
  wasmPaths?: string;
  /** Cross-origin manifest or models (RuntimeOptions.allowCrossOrigin). */
  allowCrossOrigin?: boolean | string[];
}

export type ProgressCallback = (progress: Progress) => void;

export interface WorkerApi {
  /** Must be called once before anything else; calling it again replaces the runtime. */
  init(config: WorkerConfig): Promise<void>;
  /** `id` is chosen by the client so it can `cancel(id)` later. */
  generate(id: number, request: GenerateRequest, onProgress?: ProgressCallback): Promise<GenerateResult>;
  /** A level of any width (runtime.level); cancellable by `id` like generate. */
  level(id: number, request: LevelRequest, onProgress?: ProgressCallback): Promise<GeneratedLevel<NormalizedLevelRequest>>;
  /** Redo columns of a level (runtime.regenerate). */
  regenerate(id: number, level: LevelGrid | GeneratedLevel, options: RegenerateOptions, onProgress?: ProgressCallback): Promise<GeneratedLevel<NormalizedRegenerate>>;
  validateLevel(request: LevelRequest): Promise<NormalizedLevelRequest>;
  /** A dungeon of rooms (runtime.dungeon); cancellable by `id`. */
  dungeon(id: number, request: DungeonRequest, onProgress?: ProgressCallback): Promise<GeneratedDungeon>;
  /** Redo one room of a dungeon (runtime.regenerateRoom). */
  regenerateRoom(id: number, dungeon: GeneratedDungeon, options: RoomOptions, onProgress?: ProgressCallback): Promise<GeneratedDungeon>;
  cancel(id: number, reason?: string): Promise<void>;
  validate(request: GenerateRequest): Promise<NormalizedRequest>;
  models(): Promise<ModelSummary[]>;
  clearCache(): Promise<void>;
  dispose(): Promise<void>;
}
