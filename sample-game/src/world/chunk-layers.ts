/**
 * Draws the level as one small Tilemap per chunk, placed side by side, so a new chunk costs one
 * layer build (24 columns) instead of rebuilding an ever-growing map; far-behind layers are
 * destroyed to keep an endless run's memory flat.
 */
import Phaser from 'phaser';
import { FRAME_GROUND_TOP, TILE_PX } from '../art.ts';
import { TILESET } from '../world-assets.ts';
import type { Columns } from './columns.ts';
import { SOLID, SPAWNS, TILE } from './tiles.ts';

interface Drawn {
  start: number;
  count: number;
  map: Phaser.Tilemaps.Tilemap;
  layer: Phaser.Tilemaps.TilemapLayer;
  collider: Phaser.Physics.Arcade.Collider[];
}

export const COLLIDING = [...SOLID, FRAME_GROUND_TOP];

export class ChunkLayers {
  private drawn: Drawn[] = [];

  constructor(
    private scene: Phaser.Scene,
    private columns: Columns,
    /** Adds the colliders a new layer needs (hero, enemies) and returns them for cleanup. */
    private collide: (layer: Phaser.Tilemaps.TilemapLayer) => Phaser.Physics.Arcade.Collider[],
  ) {}

  /** The map index for a cell: legend id, grass-topped ground, or -1 (sky; spawns become objects). */
  private frame(row: number, col: number): number {
    const id = this.columns.at(row, col);
    if (id === TILE.empty || SPAWNS.has(id)) return -1;
    if (id === TILE.ground && !SOLID.has(this.columns.at(row - 1, col)) && row > 0) return FRAME_GROUND_TOP;
    return id;
  }

  add(start: number, count: number): void {
    const data: number[][] = [];
    for (let r = 0; r < this.columns.rows; r++) data.push(Array.from({ length: count }, (_, c) => this.frame(r, start + c)));
    const map = this.scene.make.tilemap({ data, tileWidth: TILE_PX, tileHeight: TILE_PX });
    const tileset = map.addTilesetImage(TILESET, TILESET, TILE_PX, TILE_PX, 0, 0)!;
    // Phaser 4 types say a GPU layer may come back; only when asked for (the last argument), so cast.
    const layer = map.createLayer(0, tileset, start * TILE_PX, 0) as Phaser.Tilemaps.TilemapLayer;
    map.setCollision(COLLIDING, true, true, layer);
    this.drawn.push({ start, count, map, layer, collider: this.collide(layer) });
  }

  /** The layer holding world column `col`, if drawn. */
  layerAt(col: number): Phaser.Tilemaps.TilemapLayer | undefined {
    return this.drawn.find((d) => col >= d.start && col < d.start + d.count)?.layer;
  }

  /** Changes one cell (a bumped ? block) in the world and on screen. */
  set(row: number, col: number, id: number): void {
    this.columns.set(row, col, id);
    const d = this.drawn.find((x) => col >= x.start && col < x.start + x.count);
    d?.layer.putTileAt(id, col - d.start, row);
  }

  /** Destroys layers that end before `col`; returns the first column still drawn. */
  dropBefore(col: number): number {
    while (this.drawn.length > 1 && this.drawn[0]!.start + this.drawn[0]!.count < col) {
      const d = this.drawn.shift()!;
      d.collider.forEach((c) => c.destroy());
      d.map.destroy();
    }
    return this.drawn[0]?.start ?? 0;
  }
}
