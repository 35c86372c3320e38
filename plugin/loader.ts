/**
 * Loader file types, so generation runs inside `preload` and counts toward the Loader's progress:
 * each `this.load.diffusion*(key, request)` is one File whose "download" is a worker request.
 * Between file completions the Loader's 'progress' event also moves with model bytes and sampler
 * steps, so an ordinary progress bar fills smoothly instead of jumping per file.
 */
import * as Phaser from 'phaser';
import type { Progress } from '../src/runtime/types.ts';
import { SCENE_MAPPING, type AssetKind, type DungeonRequest, type FileHost, type LevelRequest, type ResultOf, type SpriteRequest, type TileRequest } from './types.ts';
import { DiffusionPackFile } from './pack.ts';

const { FILE_LOADING, FILE_LOADED } = Phaser.Loader;
const TYPES: Record<AssetKind, string> = { sprite: 'diffusionSprites', tile: 'diffusionTiles', level: 'diffusionLevel', dungeon: 'diffusionDungeon' };
const isLevel = (kind: AssetKind): boolean => kind === 'level' || kind === 'dungeon';

/** Fractions of the generation files in flight, per Loader. */
const inflight = new WeakMap<Phaser.Loader.LoaderPlugin, Map<GenerationFile<AssetKind>, number>>();

function reportProgress(loader: Phaser.Loader.LoaderPlugin): void {
  const fractions = inflight.get(loader);
  if (!fractions || loader.totalToLoad === 0) return;
  // Phaser's own measure (files done / files queued) plus the part of each running generation.
  const done = 1 - (loader.list.size + loader.inflight.size) / loader.totalToLoad;
  let partial = 0;
  for (const f of fractions.values()) partial += f;
  loader.progress = Math.min(1, done + partial / loader.totalToLoad);
  loader.emit(Phaser.Loader.Events.PROGRESS, loader.progress);
}

/** The scene plugin Phaser injected into this Loader's scene (its Systems, under SCENE_MAPPING). */
export function fileHost(loader: Phaser.Loader.LoaderPlugin): FileHost {
  const host = (loader.systems as unknown as Record<string, FileHost | undefined>)[SCENE_MAPPING];
  if (!host) throw new Error('asset-diffusion: no diffusion scene plugin in this scene; add `plugins: diffusionPlugins(options)` to the game config');
  return host;
}

export class GenerationFile<K extends AssetKind> extends Phaser.Loader.File {
  private sawDownload = false;

  constructor(
    loader: Phaser.Loader.LoaderPlugin,
    private readonly host: FileHost,
    readonly kind: K,
    key: string,
    readonly request: object = {},
  ) {
    // `cache` is read by File in Phaser 3 and 4 alike; only Phaser 4's typings list it (hence no literal here).
    const config: Phaser.Types.Loader.FileConfig & { cache: unknown } = {
      type: TYPES[kind],
      key,
      // Never fetched (load() is replaced); Phaser wants a URL string for its bookkeeping.
      url: `diffusion:${kind}/${key}`,
      // Textures for images (as Phaser's ImageFile does), so existing keys are skipped, not regenerated.
      cache: isLevel(kind) ? host.global.levels : (loader.textureManager as unknown as Phaser.Cache.BaseCache),
    };
    super(loader, config);
  }

  override load(): void {
    this.state = FILE_LOADING;
    const loader = this.loader;
    const fractions = inflight.get(loader) ?? new Map();
    inflight.set(loader, fractions.set(this, 0));
    const onProgress = (p: Progress): void => {
      const f = this.fraction(p);
      if (f <= (fractions.get(this) ?? 0)) return;
      fractions.set(this, f);
      this.percentComplete = f;
      loader.emit(Phaser.Loader.Events.FILE_PROGRESS, this, f);
      reportProgress(loader);
    };
    const signal = this.host.signal;
    this.host.run(this.kind, this.key, this.request, { onProgress }).then(
      (result) => this.finish(fractions, result),
      (error) => {
        if (signal.aborted) return; // the scene shut down; the Loader was reset with it
        (this as { error?: unknown }).error = error;
        this.finish(fractions, undefined);
      },
    );
  }

  private finish(fractions: Map<GenerationFile<AssetKind>, number>, result: ResultOf<K> | undefined): void {
    fractions.delete(this);
    this.data = result;
    this.state = FILE_LOADED;
    this.loader.nextFile(this, result !== undefined);
  }

  /** Model bytes fill the first half when this file had to download a model; sampler steps the rest. */
  private fraction(p: Progress): number {
    if (p.phase === 'download') {
      this.sawDownload = true;
      return p.total > 0 ? (0.5 * p.loaded) / p.total : 0;
    }
    if (p.phase === 'sample') return this.sawDownload ? 0.5 + (0.5 * p.step) / p.steps : p.step / p.steps;
    return 0;
  }

  override addToCache(): void {
    if (isLevel(this.kind)) {
      const result = this.data as ResultOf<'level' | 'dungeon'>;
      this.host.global.addLevel(this.key, result.grid, { result });
    } else {
      this.host.global.addImages(this.key, this.data as ResultOf<'sprite'>);
    }
  }
}

/** Installs `load.diffusionSprites/Tiles/Level/Pack` on every scene's Loader (Phaser copies these at Loader creation). */
export function registerFileTypes(pluginManager: Phaser.Plugins.PluginManager): void {
  for (const kind of ['sprite', 'tile', 'level', 'dungeon'] as const) {
    pluginManager.registerFileType(TYPES[kind], function (this: Phaser.Loader.LoaderPlugin, key: string, request?: object) {
      this.addFile(new GenerationFile(this, fileHost(this), kind, key, request));
      return this;
    });
  }
  pluginManager.registerFileType('diffusionPack', function (this: Phaser.Loader.LoaderPlugin, key: string, url: string) {
    this.addFile(new DiffusionPackFile(this, fileHost(this), key, url));
    return this;
  });
}

declare module 'phaser' {
  namespace Loader {
    interface LoaderPlugin {
      /** Generate a spritesheet texture (one frame per sprite, frames 0..count-1) as part of preload. */
      diffusionSprites(key: string, request?: SpriteRequest): this;
      /** Generate a tileset texture (usable by `map.addTilesetImage(name, key)`) as part of preload. */
      diffusionTiles(key: string, request?: TileRequest): this;
      /** Generate a level; afterwards `this.diffusion.getLevel(key).createTilemap()`. */
      diffusionLevel(key: string, request?: LevelRequest): this;
      /** Generate a top-down dungeon (a dungeon model); afterwards `this.diffusion.getLevel(key)` (`.dungeon` has start and goal). */
      diffusionDungeon(key: string, request?: DungeonRequest): this;
      /** Load a baked pack (docs/PACK-FORMAT.md): no model or worker involved. */
      diffusionPack(key: string, url: string): this;
    }
  }
}
