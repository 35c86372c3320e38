/**
 * A generated (or baked) level in a scene: the tile grid and its legend, and a helper that turns
 * it into a Phaser Tilemap whose solid legend tiles collide.
 */
import type * as Phaser from 'phaser';
import type { GeneratedLevel } from '../src/runtime/types.ts';
import type { GeneratedDungeon } from '../src/runtime/types.ts';
import type { DungeonMetadata } from '../src/levels/dungeon/generate.ts';

/** What a scene needs of a dungeon: its rooms and doors, the start and goal cells, a path between them. */
export type DungeonLayout = Pick<DungeonMetadata, 'plan' | 'start' | 'goal' | 'path'>;
import type { LevelGrid } from '../src/models/codecs.ts';
import type { TileInfo } from '../src/models/manifest.ts';

/** What the plugin keeps per level key (in a Phaser custom cache, so the Loader sees key conflicts). */
export interface StoredLevel {
  grid: LevelGrid;
  /** Texture with one square per legend id (tile i at x = i * tileSize): the default tileset. */
  legendTexture: string;
  tileSize: number;
  /** The runtime's result (model, seed, metadata, playability); absent for a baked pack's level. */
  result?: GeneratedLevel | GeneratedDungeon;
  /** A dungeon's plan, start and goal (from its result, or a baked pack's grid file). */
  dungeon?: DungeonLayout;
}

export interface TilemapOptions {
  /** Tileset texture; default the level's legend texture (a coloured square per tile). */
  tileset?: string;
  tileWidth?: number;
  tileHeight?: number;
  x?: number;
  y?: number;
  /**
   * Tileset index for a legend tile, or -1 for no tile. Default: the legend id, and -1 for the
   * empty tile so the camera background shows through.
   */
  tileIndex?: (id: number, tile: TileInfo) => number;
}

export interface LevelTilemap {
  map: Phaser.Tilemaps.Tilemap;
  layer: Phaser.Tilemaps.TilemapLayer;
  tileset: Phaser.Tilemaps.Tileset;
  /** Tileset indices that collide (the legend's solid tiles). */
  solid: number[];
}

// Void (the space between a dungeon's rooms) draws nothing either, though it blocks like a wall.
const isEmpty = (t: TileInfo): boolean => (!t.solid && (t.tags.includes('empty') || t.name === 'empty')) || t.tags.includes('void');
const defaultIndex = (id: number, tile: TileInfo): number => (isEmpty(tile) ? -1 : id);

export class DiffusionLevel {
  constructor(
    private readonly scene: Phaser.Scene,
    readonly key: string,
    private readonly stored: StoredLevel,
  ) {}

  get grid(): LevelGrid {
    return this.stored.grid;
  }
  get legend(): TileInfo[] {
    return this.stored.grid.legend;
  }
  get width(): number {
    return this.stored.grid.cols;
  }
  get height(): number {
    return this.stored.grid.rows;
  }
  get result(): GeneratedLevel | GeneratedDungeon | undefined {
    return this.stored.result;
  }
  /** For a dungeon: its room plan, start cell and goal cell; undefined for platformer levels. */
  get dungeon(): DungeonLayout | undefined {
    return this.stored.dungeon ?? (this.stored.result?.kind === 'dungeon' ? this.stored.result.metadata : undefined);
  }
  /** Legend id at a cell (row 0 is the top). */
  tileAt(row: number, col: number): number {
    return this.stored.grid.cells[row * this.stored.grid.cols + col]!;
  }

  /** One Tilemap with one layer of the whole level; `layer.setCollision` covers the solid legend tiles. */
  createTilemap(options: TilemapOptions = {}): LevelTilemap {
    const { grid } = this.stored;
    const key = options.tileset ?? this.stored.legendTexture;
    const tileWidth = options.tileWidth ?? this.stored.tileSize;
    const tileHeight = options.tileHeight ?? tileWidth;
    const index = options.tileIndex ?? defaultIndex;
    const ids = grid.legend.map((t, id) => index(id, t));
    const data = Array.from({ length: grid.rows }, (_, r) => Array.from(grid.cells.subarray(r * grid.cols, (r + 1) * grid.cols), (id) => ids[id]!));
    const map = this.scene.make.tilemap({ data, tileWidth, tileHeight });
    const tileset = map.addTilesetImage(key, key, tileWidth, tileHeight, 0, 0);
    if (!tileset) throw new Error(`tileset texture "${key}" not found`);
    const layer = map.createLayer(0, tileset, options.x ?? 0, options.y ?? 0);
    if (!layer) throw new Error(`could not create a layer for level "${this.key}"`);
    const solid = [...new Set(grid.legend.flatMap((t, id) => (t.solid && ids[id]! >= 0 ? [ids[id]!] : [])))];
    layer.setCollision(solid);
    return { map, layer: layer as Phaser.Tilemaps.TilemapLayer, tileset, solid };
  }
}
