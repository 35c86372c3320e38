import type { RgbaImage } from './codecs.ts';

/** Lay images out left to right, top to bottom in a near-square grid (one spritesheet frame each). */
export function composeSheet(images: RgbaImage[], columns = Math.ceil(Math.sqrt(images.length))): RgbaImage & { columns: number; rows: number } {
  const { width: w, height: h } = images[0]!;
  const rows = Math.ceil(images.length / columns);
  const sheet = new Uint8ClampedArray(columns * w * rows * h * 4);
  images.forEach((img, n) => {
    const x0 = (n % columns) * w;
    const y0 = Math.floor(n / columns) * h;
    for (let y = 0; y < h; y++) sheet.set(img.data.subarray(y * w * 4, (y + 1) * w * 4), ((y0 + y) * columns * w + x0) * 4);
  });
  return { width: columns * w, height: rows * h, data: sheet, columns, rows };
}
