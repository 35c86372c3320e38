/**
 * Issue 20, inputs: every refusal is exit 2 with one named line (no raw EISDIR / ENAMETOOLONG /
 * ENOENT), no silent fallback, every read capped (no hang on /dev/zero or a FIFO) and every
 * tensor checked against a stated limit before it is allocated. The CLI runs in-process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ManifestError } from '../../src/errors.ts';
import { MAX_GUIDANCE, MAX_MANIFEST_BYTES, parseManifest } from '../../src/models/manifest.ts';
import { MAX_CONSTRAINTS, normalizeLevelRequest } from '../../src/runtime/level-request.ts';
import { MAX_REQUEST_ELEMENTS, normalizeRequest } from '../../src/runtime/request.ts';
import { isOneLineRefusal, runCli } from '../helpers/cli.ts';
import { FIXTURE_MANIFEST, fixtureManifestJson, levelManifest, tempModelDir } from '../helpers/fixture.ts';
import { allKindsManifest, writePack } from '../bake/helpers.ts';

const env = { ASSET_DIFFUSION_MANIFEST: FIXTURE_MANIFEST };
const tmp = () => mkdtempSync(join(tmpdir(), 'asset-diffusion-in-'));
const fifo = (dir: string): string => {
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  return path;
};
const level = tempModelDir(levelManifest).manifest;
const REAL_MANIFEST = fileURLToPath(new URL('../../models/manifest.json', import.meta.url));
const HAVE_LEVEL_MODEL = existsSync(fileURLToPath(new URL('../../models/level-smb.onnx', import.meta.url)));

/** One refusal: exit 2, one line matching `pattern`, nothing written into `dir`. */
async function refused(args: string[], pattern: RegExp, dir = tmp(), e: Record<string, string | undefined> = env): Promise<void> {
  const before = readdirSync(dir).sort();
  const r = await runCli(args, e);
  expect(isOneLineRefusal(r), `${r.code}: ${r.stderr}`).toBe(true);
  expect(r.stderr).toMatch(pattern);
  expect(readdirSync(dir).sort()).toEqual(before);
}

describe('--out that is not a file: exit 2, one line, refused before any model runs', () => {
  it.each([
    ['.', /^asset-diffusion: --out: .* is a directory; valid: a file path/],
    ['', /^asset-diffusion: --out: must be a file path \(got ""\)$/],
    ['DIR', /^asset-diffusion: --out: .*\/sub is a directory/],
    ['LONG', /^asset-diffusion: --out: file name too long \(.*\.\.\. \(\d+ characters\)\); valid: names of at most 255 bytes/],
    // A FIFO, not /dev/null: the old code, run as root, renamed its file over /dev/null.
    ['FIFO', /^asset-diffusion: --out: .*fifo is not a regular file/],
  ])('generate --out %j', async (out, pattern) => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    const path = out === 'DIR' ? join(dir, 'sub') : out === 'LONG' ? join(dir, `${'a'.repeat(300)}.png`) : out === 'FIFO' ? fifo(dir) : out;
    await refused(['generate', 'sprite', '--out', path], pattern, dir);
  });

  it('a TMJ whose tileset name would be too long is refused up front (the map alone would fit)', async () => {
    const dir = tmp();
    await refused(['generate', 'level', '--manifest', level, '--out', join(dir, `${'a'.repeat(250)}.tmj`)], /--out: file name too long/, dir);
  });

  it.each([[''], ['.'], ['LONG']])('bake and merge --out %j', async (out) => {
    const dir = tmp();
    const config = writePack(dir, { sprites: [{ name: 'a', count: 1, steps: 1 }] });
    const path = out === 'LONG' ? join(dir, 'b'.repeat(250)) : out;
    const pattern = out === 'LONG' ? /--out: file name too long/ : out === '' ? /--out: must be a folder path/ : /--out: .* is not empty and holds no baked pack\.json/;
    await refused(['bake', config, '--out', path, '--manifest', allKindsManifest(), '--no-progress'], pattern, dir);
  });
});

describe('the manifest: missing, unreadable, empty or too large is exit 2 in every command', () => {
  const big = (): string => {
    const dir = tmp();
    const m = fixtureManifestJson();
    (m.models[0] as Record<string, unknown>).card = 'x'.repeat(MAX_MANIFEST_BYTES);
    writeFileSync(join(dir, 'big.json'), JSON.stringify(m));
    return join(dir, 'big.json');
  };
  const cases: Array<[string, () => string | undefined, RegExp, boolean?]> = [
    ['--manifest missing', () => '/nonexistent/manifest.json', /--manifest: cannot read \/nonexistent\/manifest\.json \(no such file\)/],
    ['--manifest a folder', () => tmp(), /--manifest: .* is a directory; valid: a regular file/],
    ['--manifest ""', () => '', /--manifest: must be a file path \(got ""\)/],
    ['--manifest over 1 MiB', big, /--manifest: .*big\.json is \d+ bytes; the limit is 1048576 bytes/],
    ['--manifest /dev/zero', () => '/dev/zero', /--manifest: \/dev\/zero is a device; valid: a regular file/],
    ['--manifest a FIFO', () => fifo(tmp()), /--manifest: .*fifo is a FIFO; valid: a regular file/],
    ['$ASSET_DIFFUSION_MANIFEST missing', () => undefined, /--manifest: cannot read \/nonexistent\/env\.json \(no such file\)/, true],
  ];
  for (const [name, path, pattern, viaEnv] of cases) {
    it(`${name}: generate, bake, models and eval levels`, async () => {
      const p = path();
      const e = viaEnv ? { ASSET_DIFFUSION_MANIFEST: '/nonexistent/env.json' } : env;
      const flag = viaEnv ? [] : ['--manifest', p!];
      const dir = tmp();
      const config = writePack(dir, { sprites: [{ name: 'a', count: 1, steps: 1 }] });
      await refused(['generate', 'sprite', ...flag, '--out', join(dir, 'a.png')], pattern, dir, e);
      await refused(['bake', config, '--out', join(dir, 'pack'), ...flag], pattern, dir, e);
      await refused(['models', ...flag], pattern, dir, e);
      await refused(['eval', 'levels', ...flag], pattern, dir, e);
    });
  }
});

describe('every read is capped: no hang, no memory bomb', () => {
  it('--constraints @/dev/zero, @FIFO, @folder, @missing', async () => {
    const dir = tmp();
    const base = ['generate', 'level', '--manifest', level, '--out', join(dir, 'l.txt'), '--constraints'];
    await refused([...base, '@/dev/zero'], /^asset-diffusion: --constraints: \/dev\/zero is a device; valid: a regular file$/, dir);
    await refused([...base, `@${fifo(dir)}`], /--constraints: .*fifo is a FIFO/, dir);
    await refused([...base, `@${dir}`], /--constraints: .* is a directory/, dir);
    await refused([...base, '@/nonexistent.json'], /--constraints: cannot read \/nonexistent\.json \(no such file\)/, dir);
  });

  it('bake /dev/zero, a FIFO, a folder, a config over 1 MiB', async () => {
    const dir = tmp();
    const args = (config: string) => ['bake', config, '--out', join(dir, 'pack'), '--manifest', allKindsManifest()];
    await refused(args('/dev/zero'), /^asset-diffusion: <pack\.json>: \/dev\/zero is a device; valid: a regular file$/, dir);
    await refused(args(fifo(dir)), /<pack\.json>: .*fifo is a FIFO/, dir);
    await refused(args(dir), /<pack\.json>: .* is a directory/, dir);
    const huge = writePack(tmp(), `{"name": "p", "sprites": [${'{"name":"a"},'.repeat(90_000)}{"name":"b"}]}`);
    await refused(args(huge), /<pack\.json>: .* is \d+ bytes; the limit is 1048576 bytes/, dir);
  });

  it.skipIf(!HAVE_LEVEL_MODEL)('eval levels --data: a level file that is a FIFO, a device link or too large; a data folder that is a file', async () => {
    const make = (write: (folder: string) => void): string => {
      const data = tmp();
      const folder = join(data, 'vglc/Super Mario Bros/Processed');
      mkdirSync(folder, { recursive: true });
      mkdirSync(join(data, 'vglc/Super Mario Bros 2 (Japan)/Processed'), { recursive: true });
      write(folder);
      return data;
    };
    // The SMB-legend model (the data is read before any level is sampled).
    const args = (data: string) => ['eval', 'levels', '--manifest', REAL_MANIFEST, '--data', data, '--count', '1', '--width', '16'];
    const withFifo = make((f) => execFileSync('mkfifo', [join(f, 'a.txt')]));
    await refused(args(withFifo), /^asset-diffusion: --data: .*a\.txt is a FIFO; valid: a regular file$/);
    const withZero = make((f) => execFileSync('ln', ['-s', '/dev/zero', join(f, 'b.txt')]));
    await refused(args(withZero), /--data: .*b\.txt is a device/);
    const withHuge = make((f) => writeFileSync(join(f, 'c.txt'), 'X'.repeat(1024 * 1024 + 1)));
    await refused(args(withHuge), /--data: .*c\.txt is 1048577 bytes; the limit is 1048576 bytes/);
    const notDir = make((f) => writeFileSync(join(f, '..', '..', '..', 'vglc', 'x'), ''));
    writeFileSync(join(notDir, 'file'), '');
    await refused(args(join(notDir, 'file')), /--data: .* not found/);
  });
});

describe('tensors are checked against a stated limit before anything is allocated', () => {
  it('a manifest layout of 4096x4096 is refused by the manifest schema (each side at most 1024, one item at most 2^22 elements)', async () => {
    const { manifest } = tempModelDir((m) => Object.assign(m.models[0]!, { layout: { channels: 4, height: 4096, width: 4096 } }));
    const dir = tmp();
    await refused(['generate', 'sprite', '--manifest', manifest, '--count', '64', '--out', join(dir, 'a.png')], /--manifest: manifest\.json: models\[0\]\.layout\.height: Too big: expected number to be <=1024/, dir);
    // A level model's channels are its legend: 8 tiles x 1024 x 1024 is twice the item cap.
    const { manifest: wide } = tempModelDir((m) => {
      levelManifest(m);
      const tiles = m.models[0]!.tiles as unknown[];
      Object.assign(m.models[0]!, { layout: { channels: 8, height: 1024, width: 1024 }, tiles: [...tiles, ...['a', 'b', 'c', 'd'].map((char) => ({ char, name: char, solid: false, tags: [] }))] });
    });
    await refused(['generate', 'level', '--manifest', wide, '--out', join(dir, 'a.txt')], /layout: channels x height x width must be at most 4194304/, dir);
  });

  it('a layout within the item cap times a large count is refused on --count, naming the limit', async () => {
    const { manifest } = tempModelDir((m) => Object.assign(m.models[0]!, { layout: { channels: 4, height: 1024, width: 512 } }));
    const dir = tmp();
    await refused(['generate', 'sprite', '--manifest', manifest, '--count', '64', '--out', join(dir, 'a.png')], /--count: 64 items of model tiny \(4x1024x512 each\) exceed the 16777216-element tensor limit; valid: at most 8$/, dir);
    const m = parseManifest(JSON.parse(JSON.stringify({ ...fixtureManifestJson(), models: [{ ...fixtureManifestJson().models[0], layout: { channels: 4, height: 1024, width: 512 } }] })));
    expect(() => normalizeRequest(m, { kind: 'sprite', count: 8 })).not.toThrow();
    expect(() => normalizeRequest(m, { kind: 'sprite', count: 9 })).toThrow(InvalidRequestError);
    expect(MAX_REQUEST_ELEMENTS).toBe(1 << 24);
  });
});

describe('caps that are enforced exactly', () => {
  const m = parseManifest(JSON.parse(JSON.stringify((() => {
    const j = fixtureManifestJson();
    levelManifest(j);
    return j;
  })())));
  const pins = (n: number) => Array.from({ length: n }, (_, i) => ({ row: i % 16, col: Math.floor(i / 16), tile: '-' }));

  it('1,024 single-cell pins pass; 1,025 are refused in the API, the CLI and a pack, with the same message', async () => {
    expect(normalizeLevelRequest(m, { width: 100, constraints: pins(MAX_CONSTRAINTS) }).request.constraints).toHaveLength(1024);
    expect(() => normalizeLevelRequest(m, { width: 100, constraints: pins(1025) })).toThrow(/^constraints: has 1025 entries; valid: at most 1024/);
    const dir = tmp();
    writeFileSync(join(dir, 'c.json'), JSON.stringify(pins(1025)));
    await refused(['generate', 'level', '--manifest', level, '--width', '100', '--constraints', `@${join(dir, 'c.json')}`, '--out', join(dir, 'l.txt')], /^asset-diffusion: --constraints: has 1025 entries; valid: at most 1024/, dir);
    for (const n of [1025, 10_001]) {
      const config = writePack(dir, { levels: [{ name: 'l', width: 100, constraints: pins(n) }] }, `p${n}.json`);
      await refused(['bake', config, '--out', join(dir, 'pack'), '--manifest', allKindsManifest()], new RegExp(`^asset-diffusion: levels\\[0\\]\\.constraints: has ${n} entries; valid: at most 1024`), dir);
    }
  });

  it('a manifest may not declare guidance above 100 (1e308 was accepted, and then sampled)', async () => {
    const { manifest } = tempModelDir((j) => Object.assign(j.models[0]!, { guidance: { default: 2, min: 0, max: 1e308 } }));
    const dir = tmp();
    await refused(['generate', 'sprite', '--manifest', manifest, '--guidance', '1e308', '--out', join(dir, 'a.png')], /--manifest: manifest\.json: models\[0\]\.guidance\.max: Too big: expected number to be <=100/, dir);
    expect(MAX_GUIDANCE).toBe(100);
    const j = fixtureManifestJson();
    Object.assign(j.models[0]!, { guidance: { default: 2, min: 0, max: 100 } });
    expect(() => normalizeRequest(parseManifest(j), { kind: 'sprite', guidance: 100.5 })).toThrow(/guidance: must be a number from 0 to 100/);
  });

  it.each([
    ['steps max 1001', { steps: { default: 4, min: 1, max: 1001 } }, /steps\.max: Too big/],
    ['1,025 classes', { classes: Array.from({ length: 1025 }, (_, i) => `c${i}`), nullClass: 1025 }, /classes: Too big/],
    ['a 65-character class', { classes: ['x'.repeat(65)], nullClass: 1 }, /classes\[0\]: Too big/],
    ['a 65-character id', { id: 'a'.repeat(65) }, /id: Too big/],
  ])('a manifest declaring %s is refused', (_name, patch, pattern) => {
    const j = fixtureManifestJson();
    Object.assign(j.models[0]!, patch);
    expect(() => parseManifest(j)).toThrow(ManifestError);
    expect(() => parseManifest(j)).toThrow(pattern);
  });
});
