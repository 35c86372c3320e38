/**
 * asset-diffusion/phaser: the Phaser plugin. Add `plugins: diffusionPlugins(options)` to the game
 * config; scenes get `this.diffusion` and `this.load.diffusionSprites/Tiles/Level/Pack`.
 * Tested with Phaser 4 (see README); a thin layer over the worker client in src/.
 */
import type * as Phaser from 'phaser';
import { DiffusionPlugin, GLOBAL_KEY } from './global.ts';
import { DiffusionScenePlugin, SCENE_KEY, SCENE_MAPPING } from './scene.ts';
import type { DiffusionPluginOptions } from './types.ts';

/**
 * The game config's `plugins` entry: the global plugin (one worker for the game) and the scene
 * plugin mapped to `this.diffusion`. Merge with your own plugins by concatenating the arrays.
 */
export function diffusionPlugins(options: DiffusionPluginOptions = {}): { global: Phaser.Types.Core.PluginObjectItem[]; scene: Phaser.Types.Core.PluginObjectItem[] } {
  return {
    global: [{ key: GLOBAL_KEY, plugin: DiffusionPlugin, start: true, data: options }],
    scene: [{ key: SCENE_KEY, plugin: DiffusionScenePlugin, mapping: SCENE_MAPPING }],
  };
}

export { DiffusionPlugin, DiffusionScenePlugin, GLOBAL_KEY, SCENE_KEY, SCENE_MAPPING };
export { DiffusionLevel } from './level.ts';
export type { StoredLevel, TilemapOptions, LevelTilemap } from './level.ts';
export { DiffusionEvents } from './types.ts';
export type {
  DiffusionPluginOptions, AssetKind, SpriteRequest, TileRequest, TextureSource, LevelRequest, CallOptions, DiffusionProgress, CacheEvent, BackendName, ResultOf,
} from './types.ts';
// Errors a listener may want to test with instanceof (names also survive as `error.name`).
export { InvalidRequestError, ModelLoadError, ManifestError, ModelIntegrityError, BackendError, AbortError, UnplayableLevelError, AssetDiffusionError } from '../src/errors.ts';
