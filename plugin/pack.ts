/**
 * `this.load.diffusionPack(key, url)`: a baked pack (docs/PACK-FORMAT.md) is plain PNG and JSON,
 * so it loads through Phaser's own file types with no model, worker or WebGPU. Like Phaser's
 * PackFile, the pack.json file queues the pack's files once it has been read.
 *
 * Keys: each item `name` becomes `<key>/<name>`: a sprite set is an atlas (frames "0".."n-1"), a
 * tile set a spritesheet (a tileset texture), a level a diffusion level (`getLevel`), a Tiled map
 * (`make.tilemap({ key })`) and its legend image `<key>/<name>-legend`.
 */
import * as Phaser from 'phaser';
import { AssetDiffusionError } from '../src/errors.ts';
import { packJsonProblem, type ItemRecord as PackItem, type PackGridJson as GridJson, type PackJson } from '../src/pack-format.ts';
import type { FileHost } from './types.ts';
import type { StoredLevel } from './level.ts';

const packError = (message: string): Error => new AssetDiffusionError(message, 'PackFormatError');

export class DiffusionPackFile extends Phaser.Loader.FileTypes.JSONFile {
  private readonly packKey: string;

  constructor(
    loader: Phaser.Loader.LoaderPlugin,
    private readonly host: FileHost,
    key: string,
    url: string,
  ) {
    super(loader, key, url);
    this.type = 'diffusionPack';
    this.packKey = key; // without the Loader's prefix: the files queued below get it added again
  }

  override onProcess(): void {
    this.state = Phaser.Loader.FILE_PROCESSING;
    let items: PackItem[];
    try {
      const pack = JSON.parse(this.xhrLoader!.responseText) as PackJson;
      // The same check the CLI's merge makes (src/pack-format.ts): format, version, and file paths inside the pack.
      const problem = packJsonProblem(pack);
      if (problem) throw packError(`${this.url}: ${problem}`);
      this.data = pack;
      items = pack.items;
    } catch (e) {
      const error = e instanceof AssetDiffusionError ? e : packError(`${this.url}: ${(e as Error).message}`);
      this.host.notify('error', error, { key: this.key, kind: 'pack' });
      this.onProcessError();
      return;
    }
    // Paths in pack.json are relative to the pack folder, i.e. to pack.json itself.
    const base = new URL(this.src, document.baseURI);
    for (const item of items) this.queue(item, (role) => new URL(item.files[role]!.path, base).href);
    this.onProcessComplete();
  }

  private queue(item: PackItem, url: (role: string) => string): void {
    const loader = this.loader;
    const key = `${this.packKey}/${item.name}`;
    if (item.kind === 'sprite') loader.atlas(key, url('image'), url('atlas'));
    else if (item.kind === 'tile') loader.spritesheet(key, url('image'), { frameWidth: item.tileWidth!, frameHeight: item.tileHeight!, endFrame: item.count! - 1 });
    else if (item.kind === 'level') {
      loader.image(`${key}-legend`, url('tilesetImage'));
      loader.tilemapTiledJSON(key, url('tmj'));
      loader.addFile(new PackLevelFile(loader, this.host, key, url('grid'), item.tileSize ?? 16));
    }
  }
}

/** A pack level's grid JSON, stored as a diffusion level so `getLevel(key).createTilemap()` works. */
class PackLevelFile extends Phaser.Loader.FileTypes.JSONFile {
  constructor(
    loader: Phaser.Loader.LoaderPlugin,
    private readonly host: FileHost,
    key: string,
    url: string,
    private readonly tileSize: number,
  ) {
    super(loader, key, url);
    this.type = 'diffusionPackLevel';
    this.cache = host.global.levels;
  }

  override addToCache(): void {
    const g = this.data as GridJson;
    const grid = { rows: g.height, cols: g.width, cells: Uint8Array.from(g.data.flat()), legend: g.legend };
    // A dungeon's plan, start and goal come with its grid (the bake wrote what the checker saw).
    const dungeon = g.dungeon as StoredLevel['dungeon'];
    this.host.global.addLevel(this.key, grid, { legendTexture: `${this.key}-legend`, tileSize: this.tileSize, ...(dungeon ? { dungeon } : {}) });
  }
}
