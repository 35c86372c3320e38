/**
 * Pixels -> Phaser textures. Canvas textures (`createCanvas` + `refresh`) work on both renderers:
 * the canvas is the source image, and on WebGL `refresh()` re-uploads it.
 */
import type * as Phaser from 'phaser';
import { composeSheet } from '../src/models/sheet.ts';
import type { RgbaImage } from '../src/models/codecs.ts';

/**
 * A near-square sheet with one numbered frame per image (0..n-1), the layout the CLI and baked
 * packs use, so `add.sprite(x, y, key, 3)` and `addTilesetImage(name, key)` both work.
 */
export function addSheetTexture(textures: Phaser.Textures.TextureManager, key: string, images: RgbaImage[], customData: object = {}): Phaser.Textures.Texture {
  const sheet = composeSheet(images);
  const texture = textures.createCanvas(key, sheet.width, sheet.height);
  if (!texture) throw new Error(`texture key "${key}" is already in use`); // createCanvas only logs and returns null
  // ImageData refuses a view over a SharedArrayBuffer; composeSheet allocates a plain one.
  texture.context.putImageData(new ImageData(sheet.data as Uint8ClampedArray<ArrayBuffer>, sheet.width, sheet.height), 0, 0);
  const { width: w, height: h } = images[0]!;
  images.forEach((_, i) => texture.add(i, 0, (i % sheet.columns) * w, Math.floor(i / sheet.columns) * h, w, h));
  texture.refresh();
  Object.assign(texture.customData, { diffusion: { frameWidth: w, frameHeight: h, count: images.length, columns: sheet.columns, ...customData } });
  return texture;
}
