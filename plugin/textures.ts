/**
 * Pixels -> Phaser textures, and back (a texture as a variation's source). Canvas textures (`createCanvas` + `refresh`) work on both renderers:
 * the canvas is the source image, and on WebGL `refresh()` re-uploads it.
 */
import type * as Phaser from 'phaser';
import { InvalidRequestError } from '../src/errors.ts';
import { composeSheet } from '../src/models/sheet.ts';
import type { RgbaImage } from '../src/models/codecs.ts';
import type { TextureSource } from './types.ts';

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

/**
 * The pixels of a texture frame, read through a 2D canvas from the texture's source image (an
 * image, a canvas or a canvas texture: what the browser can draw). Unknown keys and frames, and
 * sources a canvas cannot read back (a cross-origin image without CORS, a WebGL-only render
 * texture), are InvalidRequestErrors on `from`.
 */
export function texturePixels(textures: Phaser.Textures.TextureManager, from: TextureSource): RgbaImage {
  const { texture: key, frame: name } = typeof from === 'string' ? { texture: from, frame: undefined } : from;
  if (!textures.exists(key)) throw new InvalidRequestError('from', `no texture "${key}" (load or generate it first)`);
  const texture = textures.get(key);
  if (name !== undefined && !texture.has(String(name))) throw new InvalidRequestError('from', `texture "${key}" has no frame "${name}"; frames: ${texture.getFrameNames().slice(0, 16).join(', ')}`);
  const frame = texture.get(name);
  const [w, h] = [frame.cutWidth, frame.cutHeight];
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [w, h];
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  try {
    context.drawImage(frame.source.image as CanvasImageSource, frame.cutX, frame.cutY, w, h, 0, 0, w, h);
    return { width: w, height: h, data: context.getImageData(0, 0, w, h).data };
  } catch (e) {
    throw new InvalidRequestError('from', `cannot read the pixels of texture "${key}" (${(e as Error).message}); a cross-origin image needs CORS, a render texture a snapshot`);
  }
}
