import { convertIndexedToRgb, decode, encode } from 'fast-png';
import { InvalidRequestError } from './errors.ts';
import type { RgbaImage } from './models/codecs.ts';

/** RGBA8 -> PNG bytes (fast-png: pure JS, same bytes in Node and browsers). */
export function encodePng(image: RgbaImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 });
}

/**
 * PNG bytes -> straight-alpha RGBA8, from any colour type fast-png reads: grey, grey + alpha, RGB,
 * RGBA (8 or 16 bits, 16 cut to their high byte) and indexed (its tRNS alpha included).
 * A file that is not such a PNG, or one whose header declares more than `maxPixels` (checked
 * before decoding: a few hundred compressed bytes can declare gigabytes), is an
 * InvalidRequestError on `field`.
 */
export function decodePngRgba(bytes: Uint8Array, field: string, maxPixels = 1 << 22): RgbaImage {
  // IHDR is the first chunk: width and height are the big-endian words at bytes 16 and 20.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const [w, h] = [view.getUint32(16), view.getUint32(20)];
    if (w * h > maxPixels) throw new InvalidRequestError(field, `the PNG is ${w}x${h}; at most ${maxPixels} pixels are read`);
  }
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new InvalidRequestError(field, `not a readable PNG file (${(e as Error).message.slice(0, 80)})`);
  }
  const { width, height } = png;
  let values: ArrayLike<number> = png.data;
  let channels = png.channels;
  let shift = png.depth === 16 ? 8 : 0;
  if (png.palette) {
    values = convertIndexedToRgb(png);
    channels = png.palette[0]!.length;
    shift = 0;
  } else if (png.depth !== 8 && png.depth !== 16) {
    throw new InvalidRequestError(field, `${png.depth}-bit greyscale PNGs are not supported; valid: 8- or 16-bit grey, RGB, RGBA or indexed`);
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const at = (c: number): number => values[p * channels + c]! >> shift;
    const grey = channels <= 2;
    data[p * 4] = at(0);
    data[p * 4 + 1] = grey ? at(0) : at(1);
    data[p * 4 + 2] = grey ? at(0) : at(2);
    data[p * 4 + 3] = channels === 2 ? at(1) : channels === 4 ? at(3) : 255;
  }
  return { width, height, data };
}
