import { encode } from 'fast-png';
import type { RgbaImage } from './models/codecs.ts';

/** RGBA8 -> PNG bytes (fast-png: pure JS, same bytes in Node and browsers). */
export function encodePng(image: RgbaImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 });
}
