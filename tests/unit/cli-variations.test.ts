/** `generate --from --strength` and `eval variations` end to end on the tiny fixture model (16x16 sprites, 8-colour palette). */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePngRgba, encodePng } from '../../src/png.ts';
import { parseManifest } from '../../src/models/manifest.ts';
import { normalizeSource } from '../../src/runtime/variation.ts';
import { FIXTURE_MANIFEST, fixtureManifestJson } from '../helpers/fixture.ts';
import { isOneLineRefusal, runCli, spawnCli } from '../helpers/cli.ts';

const env = { ASSET_DIFFUSION_MANIFEST: FIXTURE_MANIFEST };
const tiny = parseManifest(fixtureManifestJson()).models[0]!;

function source(dir: string, w = 16, h = 16): string {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([(p * 7) & 255, (p * 13) & 255, 255 - (p & 255), p % 5 ? 255 : 0], p * 4);
  const path = join(dir, `src-${w}x${h}.png`);
  writeFileSync(path, encodePng({ width: w, height: h, data }));
  return path;
}

/** Frame i of a near-square sheet of 16x16 frames, as RGBA bytes. */
function frame(sheet: { width: number; data: ArrayLike<number> }, i: number, columns: number): number[] {
  const out: number[] = [];
  const [x0, y0] = [(i % columns) * 16, Math.floor(i / columns) * 16];
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16 * 4; x++) out.push(sheet.data[((y0 + y) * sheet.width + x0) * 4 + x]!);
  return out;
}

describe('asset-diffusion generate --from', () => {
  it('strength 0 writes the palette-snapped source; 0.3 writes the same bytes for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-var-'));
    const from = source(dir);
    const zero = await spawnCli(['generate', 'sprite', '--from', from, '--strength', '0', '--count', '4', '--out', join(dir, 'z.png')], env);
    expect(zero).toMatchObject({ code: 0 });
    const sheet = decode(readFileSync(join(dir, 'z.png')));
    const decoded = decode(readFileSync(from));
    const snapped = Array.from(normalizeSource(tiny, { width: 16, height: 16, data: decoded.data as Uint8Array }).image.data);
    for (let i = 0; i < 4; i++) expect(frame(sheet, i, 2)).toEqual(snapped);

    const args = ['generate', 'sprite', '--from', from, '--strength', '0.3', '--count', '4', '--seed', '1'];
    const a = await spawnCli([...args, '--out', join(dir, 'a.png')], env);
    expect(a.stdout).toMatch(/4 sprite\(s\) from tiny .* variations of .*src-16x16\.png at strength 0\.3 \(2 of the 4 steps run\)/);
    expect((await spawnCli([...args, '--out', join(dir, 'b.png')], env)).code).toBe(0);
    expect(readFileSync(join(dir, 'a.png')).equals(readFileSync(join(dir, 'b.png')))).toBe(true);
  });

  it.each([
    [(d: string) => ['generate', 'sprite', '--from', source(d, 32, 32)], /^asset-diffusion: --from: is 32x32; expected a 16x16 RGBA image/],
    [(d: string) => ['generate', 'sprite', '--from', source(d), '--strength', '2'], /^asset-diffusion: --strength: must be a number from 0 to 1 \(got 2\)$/],
    [(d: string) => ['generate', 'sprite', '--from', source(d), '--strength', 'half'], /^asset-diffusion: --strength: must be a number from 0 to 1 \(got "half"\)$/],
    [() => ['generate', 'sprite', '--strength', '0.5'], /^asset-diffusion: --strength: only applies with `from`/],
    [(d: string) => ['generate', 'sprite', '--from', join(d, 'missing.png')], /^asset-diffusion: --from: cannot read .*missing\.png \(no such file\)$/],
    [(d: string) => (writeFileSync(join(d, 'x.png'), 'not a png'), ['generate', 'sprite', '--from', join(d, 'x.png')]), /^asset-diffusion: --from: not a readable PNG file/],
    [(d: string) => ['generate', 'level', '--from', source(d)], /^asset-diffusion: --from: only applies to sprites and tiles$/],
  ])('bad input %# exits 2 with one line and writes nothing', async (args, pattern) => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-var-'));
    const result = await runCli([...args(dir), '--out', join(dir, 'v.png')], env);
    expect(isOneLineRefusal(result)).toBe(true);
    expect(result.stderr.trim()).toMatch(pattern);
    expect(readdirSync(dir).filter((f) => f === 'v.png')).toEqual([]);
  });
});

describe('decodePngRgba', () => {
  it('reads RGB, grey + alpha and indexed PNGs as RGBA; refuses a header that declares too many pixels before decoding', async () => {
    const { encode } = await import('fast-png');
    const rgb = decodePngRgba(encode({ width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]), channels: 3 }), 'from');
    expect(Array.from(rgb.data)).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    const ga = decodePngRgba(encode({ width: 1, height: 1, data: Uint8Array.from([9, 0]), channels: 2 }), 'from');
    expect(Array.from(ga.data)).toEqual([9, 9, 9, 0]);
    const indexed = decodePngRgba(encode({ width: 2, height: 1, data: Uint8Array.from([1, 0]), depth: 8, channels: 1, palette: [[10, 20, 30], [40, 50, 60]] }), 'from');
    expect(Array.from(indexed.data)).toEqual([40, 50, 60, 255, 10, 20, 30, 255]);
    const bomb = encodePng({ width: 16, height: 16, data: new Uint8ClampedArray(1024) });
    const header = new DataView(bomb.buffer, bomb.byteOffset);
    [16, 20].forEach((at) => header.setUint32(at, 100_000)); // IHDR width and height
    expect(() => decodePngRgba(bomb, 'from')).toThrow(/^from: the PNG is 100000x100000; at most 4194304 pixels are read$/);
  });
});

describe('asset-diffusion eval variations', () => {
  it('prints the distance per strength as JSON, 0 at strength 0, and writes the sheet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-var-'));
    const r = await runCli(['eval', 'variations', 'sprite', '--sources', '2', '--seeds', '2', '--strengths', '0,0.5,1', '--sheet', join(dir, 's.png'), '--json', '--no-progress'], env);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.curve.map((p: { strength: number; steps: number }) => [p.strength, p.steps])).toEqual([[0, 0], [0.5, 2], [1, 4]]);
    expect(report.curve[0]).toMatchObject({ l1: 0, changed: 0 });
    expect(report.curve[2].l1).toBeGreaterThan(0);
    // 2 sources x 2 rows (0.3, 0.6) of source + 4 variations, each 16x16 frame scaled 4x in a 3-pixel margin.
    const sheet = decode(readFileSync(join(dir, 's.png')));
    expect([sheet.width, sheet.height]).toEqual([5 * 70, 4 * 70]);
  });
});
