/**
 * The sprites and tiles of one world, generated from its seed (so a seed is a whole look, not just
 * a layout): hero, two monster classes, two item classes, and three tile classes composed into the
 * tileset. Kinds the manifest lacks get placeholder art; the HUD says which is which.
 */
import type Phaser from 'phaser';
import { deriveSeed } from '../../src/levels/generate.ts';
import type { Progress } from '../../src/runtime.ts';
import { makeTileset, placeholderSprite, spriteTexture, type TileArt } from './art.ts';
import type { Generation, ImageSet } from './generation.ts';

export const ENEMY_CLASSES = ['amorphous', 'undead'] as const;
export const PER_CLASS = 2;
export const ENEMY_KEYS = ENEMY_CLASSES.flatMap((_, i) => Array.from({ length: PER_CLASS }, (_, j) => `enemy-${i * PER_CLASS + j}`));
export const COIN_KEYS = ['coin-0', 'coin-1'];
export const ITEM_KEYS = ['item-0', 'item-1'];
export const TILESET = 'tiles';

/** One unit of loading work, for the progress bar: `fraction` goes 0..1 as its sampler steps run. */
export interface Task {
  label: string;
  fraction: number;
}

function replace(scene: Phaser.Scene, key: string): void {
  if (scene.textures.exists(key)) scene.textures.remove(key);
}

export async function loadWorldAssets(scene: Phaser.Scene, generation: Generation, seed: number, tasks: Task[]): Promise<void> {
  const task = (label: string) => {
    const t: Task = { label, fraction: 0 };
    tasks.push(t);
    const onProgress = (p: Progress): void => void (p.phase === 'sample' && (t.fraction = Math.min(0.99, p.step / p.steps)));
    return { t, onProgress };
  };
  const images = async (kind: 'sprite' | 'tile', cls: string, count: number, salt: number): Promise<ImageSet | undefined> => {
    const { t, onProgress } = task(`${cls} ${kind}s`);
    try {
      return await generation.images(kind, cls, count, deriveSeed(seed, salt), onProgress);
    } finally {
      t.fraction = 1;
    }
  };

  const [hero, enemies, coins, items, floor, wall, door] = await Promise.all([
    images('sprite', 'hero', 1, 1),
    Promise.all(ENEMY_CLASSES.map((cls, i) => images('sprite', cls, PER_CLASS, 2 + i))),
    images('sprite', 'gem', COIN_KEYS.length, 5),
    images('sprite', 'potion', ITEM_KEYS.length, 6),
    images('tile', 'floor', 1, 10),
    images('tile', 'wall', 1, 11),
    images('tile', 'door', 1, 12),
  ]);

  const sprites = (keys: readonly string[], set: ImageSet | undefined, role: 'hero' | 'enemy' | 'coin' | 'item'): void =>
    keys.forEach((key, i) => {
      replace(scene, key);
      const image = set?.images[i % set.images.length];
      if (image) spriteTexture(scene, key, image);
      else placeholderSprite(scene, key, role, i);
    });
  sprites(['hero'], hero, 'hero');
  ENEMY_CLASSES.forEach((_, i) => sprites(ENEMY_KEYS.slice(i * PER_CLASS, (i + 1) * PER_CLASS), enemies[i], 'enemy'));
  sprites(COIN_KEYS, coins, 'coin');
  sprites(ITEM_KEYS, items, 'item');

  const art: TileArt = { ground: floor?.images[0], brick: wall?.images[0], block: door?.images[0], cannon: wall?.images[0] };
  replace(scene, TILESET);
  makeTileset(scene, TILESET, art);
}
