/**
 * The roguelike mode's art: floor and wall materials from the tile model (classes of
 * models/manifest.json's tile model), hero, monsters and items from the sprite model, composed
 * into one tileset whose frames are terrain roles. A class or model the manifest lacks gets
 * placeholder art, as in the platformer.
 */
import type Phaser from 'phaser';
import { deriveSeed } from '../../src/levels/generate.ts';
import type { TileInfo } from '../../src/models/manifest.ts';
import { TILE_PX, canvas, placeholderSprite, tile } from './art.ts';
import type { Generation } from './generation.ts';
import type { SpriteRef } from './world-assets.ts';

export const DUNGEON_TILESET = 'dungeon-tiles';
/** Tileset frames by terrain role. */
export const FRAME = { floor: 0, wall: 1, door: 2, stair: 3, element: 4, block: 5 } as const;

export interface DungeonArt {
  hero: SpriteRef;
  monsters: SpriteRef[];
  items: SpriteRef[];
}

/** Frame for a legend tile, by its tags (void draws nothing). */
export function frameOf(_id: number, t: TileInfo): number {
  if (t.tags.includes('void')) return -1;
  if (t.tags.includes('wall')) return FRAME.wall;
  if (t.tags.includes('door')) return FRAME.door;
  if (t.tags.includes('stair')) return FRAME.stair;
  if (t.tags.includes('block')) return FRAME.block;
  if (t.tags.includes('element') && t.solid) return FRAME.element;
  return FRAME.floor;
}

export async function loadDungeonArt(scene: Phaser.Scene, generation: Generation, seed: number): Promise<DungeonArt> {
  const make = async (kind: 'sprite' | 'tile', key: string, cls: string, count: number, salt: number, role: 'hero' | 'enemy' | 'item' | 'tile'): Promise<SpriteRef[] | null> => {
    if (await generation.images(scene, kind, key, cls, count, deriveSeed(seed, salt))) return Array.from({ length: count }, (_, frame) => ({ key, frame }));
    if (role === 'tile') return null;
    return Array.from({ length: count }, (_, i) => {
      const k = `${key}-placeholder-${i}`;
      if (!scene.textures.exists(k)) placeholderSprite(scene, k, role, i);
      return { key: k };
    });
  };
  const [hero, monsters, items, floor, wall] = await Promise.all([
    make('sprite', 'dg-hero', 'hero', 2, 21, 'hero'),
    make('sprite', 'dg-monsters', 'undead', 2, 22, 'enemy'),
    make('sprite', 'dg-items', 'potion', 2, 23, 'item'),
    make('tile', 'dg-floor', 'stone_floor', 1, 24, 'tile'),
    make('tile', 'dg-wall', 'brick_wall', 1, 25, 'tile'),
  ]);
  const frame = (r: SpriteRef[] | null) => (r ? scene.textures.getFrame(r[0]!.key, 0) : undefined);
  const [c, g] = canvas(TILE_PX * 6, TILE_PX, true);
  const at = (f: number) => f * TILE_PX;
  tile(g, at(FRAME.floor), frame(floor), '#6a6a72');
  tile(g, at(FRAME.wall), frame(wall), '#8a4a32');
  tile(g, at(FRAME.door), frame(floor), '#6a6a72');
  g.fillStyle = 'rgba(200,150,40,0.55)';
  g.fillRect(at(FRAME.door) + 3, 3, TILE_PX - 6, TILE_PX - 6);
  tile(g, at(FRAME.stair), frame(floor), '#6a6a72');
  g.fillStyle = '#202020';
  for (let i = 0; i < 4; i++) g.fillRect(at(FRAME.stair) + 4 + i * 3, 6 + i * 6, TILE_PX - 8 - i * 6, 4);
  g.fillStyle = '#2850c0';
  g.fillRect(at(FRAME.element), 0, TILE_PX, TILE_PX);
  g.fillStyle = 'rgba(255,255,255,0.3)';
  for (let i = 0; i < 4; i++) g.fillRect(at(FRAME.element) + 4 + i * 7, 8 + (i % 2) * 10, 6, 2);
  tile(g, at(FRAME.block), frame(wall), '#8a4a32');
  g.fillStyle = 'rgba(0,0,0,0.35)';
  g.fillRect(at(FRAME.block), 0, TILE_PX, TILE_PX);
  if (scene.textures.exists(DUNGEON_TILESET)) scene.textures.remove(DUNGEON_TILESET);
  scene.textures.addCanvas(DUNGEON_TILESET, c);
  return { hero: hero![0]!, monsters: monsters!, items: items! };
}
