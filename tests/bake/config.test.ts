/** Pack config validation and item rendering, in-process (no child process, no files). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { parseManifestText, type Manifest } from '../../src/models/manifest.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { fnv1a32, parseShard, validatePack } from '../../src/cli/pack/config.ts';
import { chunkSeed, makeItem } from '../../src/cli/pack/render.ts';
import { allKindsManifest, SMALL_PACK } from './helpers.ts';

const manifestPath = allKindsManifest();
const manifest: Manifest = parseManifestText(readFileSync(manifestPath, 'utf8'), 'manifest.json');

/** The shipped models: the example pack must resolve against what a user gets. */
const shipped = (): Manifest => parseManifestText(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'), 'models/manifest.json');

describe('pack config', () => {
  it('the example pack (packs/example.json) is valid: 4 sprite sets, 2 tile sets, 1 level', () => {
    const example = JSON.parse(readFileSync(new URL('../../packs/example.json', import.meta.url), 'utf8'));
    const v = validatePack(example, shipped());
    expect(v.items.map((i) => `${i.kind}:${i.params.name}:${i.model.id}`)).toEqual([
      'sprite:hero:sprite-fast', 'sprite:skeleton:sprite-fast', 'sprite:potions:sprite-fast', 'sprite:gems:sprite-fast',
      'tile:floor:tile-fast', 'tile:wall:tile-fast', 'level:level-1:level-smb-fast',
    ]);
    expect(v.config.levels[0]).toMatchObject({ width: 96, ensurePlayable: true, class: 'smb', tileSize: 16 });
  });

  it('fills every default; the normalized config validates to itself (same hash)', () => {
    const v = validatePack(SMALL_PACK, manifest);
    expect(v.config.sprites[0]).toEqual({
      name: 'hero', model: 'tiny', class: 'hero', count: 3, seed: (3 ^ fnv1a32('hero')) >>> 0, steps: 2, guidance: 2, sampler: 'ddim', eta: 0, alphaThreshold: 0.5,
    });
    const again = validatePack(JSON.parse(JSON.stringify(v.config)), manifest);
    expect(again.configSha256).toBe(v.configSha256);
    expect(again.items.map((i) => i.paramsHash)).toEqual(v.items.map((i) => i.paramsHash));
  });

  it('default seeds do not move when items are added or reordered', () => {
    const a = validatePack(SMALL_PACK, manifest);
    const b = validatePack({ ...SMALL_PACK, sprites: [{ name: 'extra' }, ...[...SMALL_PACK.sprites].reverse()] }, manifest);
    const hash = (v: typeof a, name: string) => v.items.find((i) => i.params.name === name)!.paramsHash;
    for (const name of ['hero', 'potions', 'floor', 'level-1']) expect(hash(b, name)).toBe(hash(a, name));
    // A different model (sha256) or parameter gives another hash.
    const c = validatePack({ ...SMALL_PACK, sprites: [{ ...SMALL_PACK.sprites[0], steps: 3 }] }, manifest);
    expect(hash(c, 'hero')).not.toBe(hash(a, 'hero'));
  });

  it.each(([
    [{ ...SMALL_PACK, colour: 1 }, 'colour: unknown field; valid fields: name, seed, sprites, tiles, levels'],
    [{ ...SMALL_PACK, seed: -1 }, 'seed: must be an integer from 0 to 4294967295 (got -1)'],
    [{ ...SMALL_PACK, name: 'Big Pack' }, 'name: must be 1..64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit (got "Big Pack")'],
    [{ sprites: {} }, 'sprites: must be an array (got object)'],
    [{ sprites: [{ count: 2 }] }, 'sprites[0].name: must be 1..64 characters'],
    [{ sprites: [{ name: 'a', steps: 'many' }] }, 'sprites[0].steps: must be an integer from 1 to 1000 (got "many")'],
    [{ sprites: [{ name: 'a', guidance: 99 }] }, 'sprites[0].guidance: must be a number from 0 to 20 (got 99)'],
    [{ sprites: [{ name: 'a', sampler: 'euler' }] }, 'sprites[0].sampler: unknown value "euler"; valid values: ddim, dpmpp2m'],
    [{ sprites: [{ name: 'a', palette: 1 }] }, 'sprites[0].palette: must be an integer from 2 to 256 (got 1)'],
    [{ tiles: [{ name: 'a', palette: 8 }] }, 'tiles[0].palette: unknown field; valid fields: name, model, class, seed, steps, guidance, sampler, eta, count'],
    [{ levels: [{ name: 'a', width: 20000 }] }, 'levels[0].width: must be an integer from 16 to 10000 (got 20000)'],
    [{ levels: [{ name: 'a', tileSize: 1 }] }, 'levels[0].tileSize: must be an integer from 4 to 128 (got 1)'],
    [{ levels: [{ name: 'a', constraints: [{ row: 99, col: 0, tile: 'X' }] }] }, 'levels[0].constraints[0].row: '],
    [{ levels: [{ name: 'a', ensurePlayable: 'yes' }] }, 'levels[0].ensurePlayable: must be true or false (got "yes")'],
    [[], '(root): must be an object (got an array)'],
  ] as Array<[unknown, string]>).map(([config, message]) => [message, config] as const))('%s', (message, config) => {
    expect(() => validatePack(config, manifest)).toThrow(message);
  });

  it('--shard i/n', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(parseShard(undefined)).toBeNull();
    for (const bad of ['3/3', '0/0', '-1/2', 'a/b', '1', '0/300']) expect(() => parseShard(bad)).toThrow(/^--shard: must be i\/n/);
  });
});

describe('pack items', () => {
  it('a set larger than one request (70 > 64) is made in chunks with their own seeds, one atlas frame each', async () => {
    const v = validatePack({ sprites: [{ name: 'crowd', class: 'hero', count: 70, steps: 1, guidance: 1, seed: 9 }] }, manifest);
    const runtime = createRuntime({ manifest: manifestPath, cache: false });
    try {
      const item = await makeItem(runtime, v.items[0]!);
      const atlas = JSON.parse(new TextDecoder().decode(item.files[1]![1]));
      expect(Object.keys(atlas.frames)).toHaveLength(70);
      const png = decode(item.files[0]![1]);
      expect([png.width, png.height]).toEqual([9 * 16, 8 * 16]);
      expect(item.record.labels).toHaveLength(70);
      // Frame 64 starts the second chunk: the same as frame 0 of a request seeded chunkSeed(9, 1).
      const second = await runtime.generate({ kind: 'sprite', class: 'hero', count: 1, steps: 1, guidance: 1, seed: chunkSeed(9, 1) });
      const frame = atlas.frames['64'].frame;
      const pixel = (x: number, y: number) => Array.from(png.data.subarray(((frame.y + y) * png.width + frame.x + x) * 4, ((frame.y + y) * png.width + frame.x + x) * 4 + 4));
      const own = second.kind === 'sprite' ? second.images[0]! : undefined;
      expect(pixel(5, 7)).toEqual(Array.from(own!.data.subarray((7 * 16 + 5) * 4, (7 * 16 + 5) * 4 + 4)));
    } finally {
      await runtime.dispose();
    }
  });
});
