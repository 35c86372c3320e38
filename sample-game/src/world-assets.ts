/**
 * The sprites and tiles of one world, generated from its seed (so a seed is a whole look, not just
 * a layout): a hero, two monster classes, two item classes, and three tile classes composed into
 * the tileset. Classes or kinds the manifest lacks get placeholder art.
 */
import type Phaser from 'phaser';
import { deriveSeed } from '../../src/levels/generate.ts';
import type { Progress } from '../../src/runtime/types.ts';
import { makeTileset, placeholderSprite, type TileArt } from './art.ts';
import type { Generation } from './generation.ts';

/** A texture and frame to draw an actor with. */
export interface SpriteRef {
  key: string;
  frame?: number;
}

export interface WorldArt {
  hero: SpriteRef;
  enemies: SpriteRef[];
  coins: SpriteRef[];
  items: SpriteRef[];
  /** Which parts came from models (the rest are placeholders). */
  generated: { sprites: boolean; tiles: boolean };
}

const ENEMY_CLASSES = ['amorphous', 'undead'];
/** The tile model's material for each terrain role of the platformer. */
const TILE_CLASSES = { ground: 'dirt_sand', brick: 'brick_wall', block: 'metal_wall' } as const;
const PER_CLASS = 2;
export const TILESET = 'tiles';

/** One unit of loading work, for the progress bar: `fraction` goes 0..1 as its sampler steps run. */
export interface Task {
  label: string;
  fraction: number;
}

export async function loadWorldAssets(scene: Phaser.Scene, generation: Generation, seed: number, tasks: Task[]): Promise<WorldArt> {
  /** `count` frames of one class under `key`, or placeholder textures when there is no model for it. */
  const sprites = async (kind: 'sprite' | 'tile', key: string, cls: string, count: number, salt: number, role: Role): Promise<{ refs: SpriteRef[]; made: boolean }> => {
    const task: Task = { label: `${cls} ${kind}s`, fraction: 0 };
    tasks.push(task);
    const onProgress = (p: Progress): void => void (p.phase === 'sample' && (task.fraction = Math.min(0.99, p.step / p.steps)));
    try {
      if (await generation.images(scene, kind, key, cls, count, deriveSeed(seed, salt), onProgress)) {
        return { refs: Array.from({ length: count }, (_, frame) => ({ key, frame })), made: true };
      }
      return { refs: Array.from({ length: count }, (_, i) => placeholder(scene, `${key}-placeholder-${i}`, role, i)), made: false };
    } finally {
      task.fraction = 1;
    }
  };

  const [hero, enemies, coins, items, ground, brick, block] = await Promise.all([
    // Two heroes though one is drawn: every sprite request then has one batch shape, so WebGPU
    // compiles its shaders once (fixed shapes, DESIGN.md) instead of per request.
    sprites('sprite', 'hero', 'hero', 2, 1, 'hero'),
    Promise.all(ENEMY_CLASSES.map((cls, i) => sprites('sprite', `enemies-${cls}`, cls, PER_CLASS, 2 + i, 'enemy'))),
    sprites('sprite', 'coins', 'gem', 2, 5, 'coin'),
    sprites('sprite', 'items', 'potion', 2, 6, 'item'),
    sprites('tile', 'tile-ground', TILE_CLASSES.ground, 1, 10, 'tile'),
    sprites('tile', 'tile-brick', TILE_CLASSES.brick, 1, 11, 'tile'),
    sprites('tile', 'tile-block', TILE_CLASSES.block, 1, 12, 'tile'),
  ]);

  const frame = (r: { refs: SpriteRef[]; made: boolean }): TileArt['ground'] => (r.made ? scene.textures.getFrame(r.refs[0]!.key, 0) : undefined);
  const art: TileArt = { ground: frame(ground), brick: frame(brick), block: frame(block), cannon: frame(brick) };
  if (scene.textures.exists(TILESET)) scene.textures.remove(TILESET);
  makeTileset(scene, TILESET, art);
  for (const t of [ground, brick, block]) if (t.made) scene.diffusion.remove(t.refs[0]!.key); // now part of the tileset

  return {
    hero: hero.refs[0]!,
    enemies: enemies.flatMap((e) => e.refs),
    coins: coins.refs,
    items: items.refs,
    generated: { sprites: hero.made, tiles: ground.made },
  };
}

type Role = 'hero' | 'enemy' | 'coin' | 'item' | 'tile';

function placeholder(scene: Phaser.Scene, key: string, role: Role, i: number): SpriteRef {
  if (role !== 'tile' && !scene.textures.exists(key)) placeholderSprite(scene, key, role, i);
  return { key };
}
