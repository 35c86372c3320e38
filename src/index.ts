/**
 * asset-diffusion: the public entry. Grouped re-exports; everything else is internal.
 */

// Generation: the one path (validate -> cache -> queue -> sample -> decode)
export { generate, createRuntime, defaultManifestUrl } from './runtime/runtime.ts';
export type { Runtime, RuntimeOptions, GenerateOptions, GenerateResult, ImageResult, LevelResult, Progress, ModelSummary } from './runtime/types.ts';
export { normalizeRequest, canonicalRequest, SAMPLERS, MAX_COUNT } from './runtime/request.ts';
export type { GenerateRequest, NormalizedRequest } from './runtime/request.ts';
export { normalizeSource, DEFAULT_STRENGTH } from './runtime/variation.ts';
export type { SourceImage } from './runtime/variation.ts';

// Errors (names survive the worker boundary; reviveError rebuilds the classes)
export {
  AssetDiffusionError,
  InvalidRequestError,
  ModelLoadError,
  ManifestError,
  ModelIntegrityError,
  BackendError,
  AbortError,
  UnplayableLevelError,
  reviveError,
} from './errors.ts';

// Models: manifest, loading, encodings
export { parseManifest, parseManifestText, KINDS } from './models/manifest.ts';
export type { Manifest, ModelEntry, TileInfo, Kind } from './models/manifest.ts';
export { loadBytes, verifyModelBytes, sha256Hex } from './models/source.ts';
export type { ByteProgress, LoadOptions } from './models/source.ts';
export { decodeImages, encodeImages, decodeLevels, encodeLevels } from './models/codecs.ts';
export type { RgbaImage, LevelGrid, ImageDecodeOptions } from './models/codecs.ts';
export { quantisePalette } from './models/palette.ts';
export { composeSheet } from './models/sheet.ts';
export { encodePng, decodePngRgba } from './png.ts';

// Levels: long levels (runtime.level / regenerate), playability, structures, exporters
export { normalizeLevelRequest, MIN_LEVEL_WIDTH, MAX_LEVEL_WIDTH, DEFAULT_FLAT_START } from './runtime/level-request.ts';
export type { LevelRequest, NormalizedLevelRequest, LevelConstraint, TileRef, RegenerateOptions, NormalizedRegenerate } from './runtime/level-request.ts';
export type { GeneratedLevel } from './runtime/types.ts';
export type { LevelMetadata, LevelTimings } from './levels/generate.ts';
export { checkPlayability, SMB_PHYSICS, WALKING_PHYSICS } from './levels/playability.ts';
export type { Cell, PlayabilityResult } from './levels/playability.ts';
export { findBrokenStructures, repairStructures } from './levels/structure.ts';
export { SMB_LEGEND, parseVglc } from './levels/legend.ts';
export { ATTRIBUTE_NAMES, ATTRIBUTE_LEVELS, measureAttributes, rawAttributes, normaliseAttribute } from './levels/attributes.ts';
export type { LevelAttributes, NormalizedAttributes } from './runtime/level-attributes.ts';
export { toRows, toVglc, toTmj, levelPreview, levelPreviewPng, legendTileset } from './levels/export.ts';

// Dungeons (top-down rooms joined by doors: runtime.dungeon / regenerateRoom; docs/DUNGEONS.md)
export { normalizeDungeonRequest, MIN_ROOMS, MAX_ROOMS, DEFAULT_ROOMS } from './runtime/dungeon-request.ts';
export type { DungeonRequest, NormalizedDungeonRequest, RoomOptions } from './runtime/dungeon-request.ts';
export type { GeneratedDungeon } from './runtime/types.ts';
export type { DungeonMetadata } from './levels/dungeon/generate.ts';
export type { DungeonPlan, RoomPlan } from './levels/dungeon/layout.ts';
export { checkDungeon } from './levels/dungeon/reach.ts';
export { ZELDA_LEGEND } from './levels/dungeon/legend.ts';

// Cache
export { createCache, approximateBytes } from './cache/cache.ts';
export type { ResultCache, CacheOptions, CacheStats } from './cache/cache.ts';
export { cacheKey } from './runtime/cache-key.ts';
export { memoryStore, idbStore } from './cache/stores.ts';
export type { KeyValueStore } from './cache/stores.ts';

// Core maths (pure; useful for custom pipelines and tests)
export { sampleDdim, sampleDpmpp2m, samplers } from './core/samplers.ts';
export type { Denoise, SamplerOptions, SamplerName, StepInfo, Inpaint } from './core/samplers.ts';
export { guidedDenoiser } from './core/guidance.ts';
export type { DenoiserFeeds, DenoiserRun } from './core/guidance.ts';
export { rectifiedFlow, timeGrid } from './core/schedule.ts';
export { noiseTo, variationGrid, variationSteps } from './core/variation.ts';
export { createRng } from './core/rng.ts';
export type { Rng } from './core/rng.ts';

// Backend (the one onnxruntime module)
export { createBackend, DEVICES } from './backend/onnx.ts';
export type { Backend, Device, ExecutedDevice, BackendOptions } from './backend/onnx.ts';

// Logging
export { setLogger } from './log.ts';
export type { Logger } from './log.ts';
