/** `asset-diffusion bake` and `merge` as a user runs them: the bin shim in a child process. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { allKindsManifest, cli, SMALL_PACK, tempDir, treeHashes, writePack } from './helpers.ts';

let manifest: string;
beforeAll(() => {
  manifest = allKindsManifest();
});

const bake = (pack: string, out: string, ...more: string[]) => cli(['bake', pack, '--out', out, '--manifest', manifest, ...more]);
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('asset-diffusion bake', () => {
  it('bakes the same pack twice into byte-identical files: atlas PNG + JSON, tileset PNG + JSON, TMJ, grid JSON, VGLC', async () => {
    const dir = tempDir();
    const pack = writePack(dir, SMALL_PACK);
    const first = await bake(pack, join(dir, 'p1'), '--json');
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ ok: true, pack: 'small', generated: 5, skipped: 0 });
    expect(['cpu', 'wasm']).toContain(summary.device);
    expect((await bake(pack, join(dir, 'p2'))).code).toBe(0);
    const a = treeHashes(join(dir, 'p1'));
    expect(a).toEqual(treeHashes(join(dir, 'p2')));
    expect(Object.keys(a)).toEqual([
      'levels/level-1.json', 'levels/level-1.png', 'levels/level-1.tiles.png', 'levels/level-1.tmj', 'levels/level-1.txt',
      'pack.json', 'sprites/hero.json', 'sprites/hero.png', 'sprites/potions.json', 'sprites/potions.png',
      'tiles/floor.json', 'tiles/floor.png', 'tiles/wall.json', 'tiles/wall.png',
    ]);
    // No staging or backup folders left next to --out.
    expect(readdirSync(dir).sort()).toEqual(['p1', 'p2', 'pack.json']);

    const p1 = join(dir, 'p1');
    // Sprite atlas: Phaser JSON Hash, one frame per sprite, frames inside the PNG.
    const atlas = json(join(p1, 'sprites/potions.json'));
    const png = decode(readFileSync(join(p1, 'sprites/potions.png')));
    expect(Object.keys(atlas.frames)).toEqual(['0', '1', '2', '3', '4']);
    expect(atlas.meta).toMatchObject({ image: 'potions.png', size: { w: png.width, h: png.height } });
    expect([png.width, png.height, png.channels]).toEqual([48, 32, 4]);
    for (const f of Object.values(atlas.frames) as Array<{ frame: { x: number; y: number; w: number; h: number } }>) {
      expect(f.frame.w).toBe(16);
      expect(f.frame.x + f.frame.w).toBeLessThanOrEqual(png.width);
      expect(f.frame.y + f.frame.h).toBeLessThanOrEqual(png.height);
    }
    // Tileset: image + TSJ-style JSON.
    const tileset = json(join(p1, 'tiles/floor.json'));
    expect(tileset).toMatchObject({ type: 'tileset', image: 'floor.png', tilewidth: 16, tileheight: 16, tilecount: 4, columns: 2, seamless: true });
    const tilePng = decode(readFileSync(join(p1, 'tiles/floor.png')));
    expect([tilePng.width, tilePng.height]).toEqual([tileset.imagewidth, tileset.imageheight]);
    // Level: TMJ referencing its tileset image, grid JSON and VGLC agreeing.
    const tmj = json(join(p1, 'levels/level-1.tmj'));
    expect(tmj).toMatchObject({ type: 'map', width: 40, height: 16, tilewidth: 16 });
    expect(tmj.tilesets[0].image).toBe('level-1.tiles.png');
    const grid = json(join(p1, 'levels/level-1.json'));
    expect(grid.data).toHaveLength(16);
    expect(grid.data[0]).toHaveLength(40);
    expect(tmj.layers[0].data).toEqual(grid.data.flat().map((t: number) => t + 1));
    const vglc = readFileSync(join(p1, 'levels/level-1.txt'), 'utf8').trimEnd().split('\n');
    expect(vglc.map((row) => [...row].map((ch) => grid.legend.findIndex((t: { char: string }) => t.char === ch)))).toEqual(grid.data);

    // The manifest: every file with its sha256, model sha256s, a config that re-makes the pack.
    const manifestJson = json(join(p1, 'pack.json'));
    expect(manifestJson).toMatchObject({ format: 'asset-diffusion-pack', formatVersion: 1, name: 'small', shard: null });
    expect(Object.keys(manifestJson.models).sort()).toEqual(['tile-tiny', 'tiny', 'tiny-level']);
    expect(manifestJson.items.map((i: { name: string }) => i.name)).toEqual(['hero', 'potions', 'floor', 'wall', 'level-1']);
    for (const item of manifestJson.items) for (const f of Object.values(item.files) as Array<{ path: string; sha256: string }>) expect(a[f.path]).toBe(f.sha256);
    expect(manifestJson.items[1]).toMatchObject({ count: 5, frameWidth: 16, labels: ['potion', 'potion', 'potion', 'potion', 'potion'] });
    expect(JSON.stringify(manifestJson)).not.toMatch(/"(device|ms|seconds|time|date)"/);
    const again = writePack(dir, manifestJson.config, 'normalized.json');
    expect((await bake(again, join(dir, 'p3'))).code).toBe(0);
    expect(treeHashes(join(dir, 'p3'))).toEqual(a);
  });

  it('2 shards + merge give the same files as a single run', async () => {
    const dir = tempDir();
    const pack = writePack(dir, SMALL_PACK);
    expect((await bake(pack, join(dir, 'single'))).code).toBe(0);
    const s0 = await bake(pack, join(dir, 's0'), '--shard', '0/2', '--json');
    const s1 = await bake(pack, join(dir, 's1'), '--shard', '1/2', '--json');
    expect(JSON.parse(s0.stdout).items.map((i: { index: number }) => i.index)).toEqual([0, 2, 4]);
    expect(JSON.parse(s1.stdout).items.map((i: { index: number }) => i.index)).toEqual([1, 3]);
    expect(json(join(dir, 's1', 'pack.json')).shard).toEqual({ index: 1, count: 2 });

    const missing = await cli(['merge', join(dir, 's0'), '--out', join(dir, 'bad')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('asset-diffusion: merge: items 1, 3 are in none of the given folders (5 items in the pack); bake the missing shards first');
    expect(existsSync(join(dir, 'bad'))).toBe(false);

    const merged = await cli(['merge', join(dir, 's1'), join(dir, 's0'), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(treeHashes(join(dir, 'merged'))).toEqual(treeHashes(join(dir, 'single')));
  });

  it('resumes: unchanged items are skipped, a changed item is remade, the result equals a fresh bake', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect((await bake(writePack(dir, SMALL_PACK), out)).code).toBe(0);
    const again = JSON.parse((await bake(join(dir, 'pack.json'), out, '--json')).stdout);
    expect(again).toMatchObject({ generated: 0, skipped: 5, device: null });

    const changed = structuredClone(SMALL_PACK);
    changed.tiles[1]!.count = 3;
    const changedPath = writePack(dir, changed, 'changed.json');
    const resumed = JSON.parse((await bake(changedPath, out, '--json')).stdout);
    expect(resumed.items.map((i: { status: string }) => i.status)).toEqual(['skipped', 'skipped', 'skipped', 'generated', 'skipped']);
    expect((await bake(changedPath, join(dir, 'fresh'))).code).toBe(0);
    expect(treeHashes(out)).toEqual(treeHashes(join(dir, 'fresh')));
    expect(json(join(out, 'tiles/wall.json')).tilecount).toBe(3);
  });

  it('a bake killed mid-item leaves --out untouched and no half-written file in it; the next run resumes', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const pack = writePack(dir, SMALL_PACK);
    // A first, complete bake of another config, then a bake of SMALL_PACK killed (SIGKILL) after 3 files:
    // item 0's two files and the first file of item 1.
    // Another pack seed moves every default item seed (all but the level, whose seed is explicit).
    const other = { ...structuredClone(SMALL_PACK), name: 'other', seed: 4 };
    expect((await bake(writePack(dir, other, 'other.json'), out)).code).toBe(0);
    const before = treeHashes(out);
    const killed = await cli(['bake', pack, '--out', out, '--manifest', manifest, '--json'], { ASSET_DIFFUSION_BAKE_TEST_DIE_AFTER_FILES: '3' });
    expect(killed.signal ?? killed.code).toBe('SIGKILL');
    expect(treeHashes(out)).toEqual(before);
    expect(existsSync(join(dir, '.out.partial'))).toBe(true);

    const resumed = JSON.parse((await bake(pack, out, '--json')).stdout);
    // hero: finished before the kill (in the staging folder); the level: unchanged in the old --out.
    expect(resumed.items.map((i: { status: string }) => i.status)).toEqual(['skipped', 'generated', 'generated', 'generated', 'skipped']);
    expect(existsSync(join(dir, '.out.partial'))).toBe(false);
    expect((await bake(pack, join(dir, 'fresh'))).code).toBe(0);
    expect(treeHashes(out)).toEqual(treeHashes(join(dir, 'fresh')));
  });

  it('--device wasm writes the same bytes as the default device', async () => {
    const dir = tempDir();
    const pack = writePack(dir, { sprites: [SMALL_PACK.sprites[0]], levels: SMALL_PACK.levels });
    expect((await bake(pack, join(dir, 'a'))).code).toBe(0);
    const wasm = await bake(pack, join(dir, 'w'), '--device', 'wasm', '--json');
    expect(JSON.parse(wasm.stdout).device).toBe('wasm');
    expect(treeHashes(join(dir, 'w'))).toEqual(treeHashes(join(dir, 'a')));
  });
});

describe('asset-diffusion bake: bad input exits 2 with the JSON path and writes nothing', () => {
  const bad = (edit: (p: any) => void) => {
    const p = structuredClone(SMALL_PACK) as any;
    edit(p);
    return p;
  };
  it.each([
    ['unknown field', bad((p) => (p.sprites[1].colour = 'red')), /^asset-diffusion: sprites\[1\]\.colour: unknown field; valid fields: name, model, class/],
    ['wrong type', bad((p) => (p.sprites[0].count = '3')), /^asset-diffusion: sprites\[0\]\.count: must be an integer from 1 to 256 \(got "3"\)$/],
    ['count out of range', bad((p) => (p.sprites[1].count = 0)), /^asset-diffusion: sprites\[1\]\.count: must be an integer from 1 to 256 \(got 0\)$/],
    ['count too big', bad((p) => (p.tiles[0].count = 1000)), /^asset-diffusion: tiles\[0\]\.count: must be an integer from 1 to 256 \(got 1000\)$/],
    ['unknown class', bad((p) => (p.tiles[1].class = 'lava')), /^asset-diffusion: tiles\[1\]\.class: unknown value "lava" for model tile-tiny; valid values: floor, wall, water, tree, door$/],
    ['unknown model', bad((p) => (p.sprites[0].model = 'big')), /^asset-diffusion: sprites\[0\]\.model: unknown value "big" for kind sprite; valid values: tiny$/],
    ['steps out of the model range', bad((p) => (p.sprites[0].steps = 0)), /^asset-diffusion: sprites\[0\]\.steps: must be an integer from 1 to 1000 \(got 0\)$/],
    ['level too narrow', bad((p) => (p.levels[0].width = 8)), /^asset-diffusion: levels\[0\]\.width: must be an integer from 16 to 10000 \(got 8\)$/],
    ['bad constraint tile', bad((p) => (p.levels[0].constraints = [{ row: 1, col: 2, tile: 'Z' }])), /^asset-diffusion: levels\[0\]\.constraints\[0\]\.tile: unknown tile "Z"; valid values: - X E \?/],
    ['duplicate name', bad((p) => (p.tiles[0].name = 'hero')), /^asset-diffusion: tiles\[0\]\.name: duplicate name "hero" \(also sprites\[0\]\.name\)/],
    ['empty pack', { name: 'x' }, /^asset-diffusion: \(root\): the pack has no items/],
    ['malformed JSON', '{"sprites": [', /^asset-diffusion: <pack\.json>: .* is not valid JSON/],
  ])('%s', async (_what, pack, pattern) => {
    const dir = tempDir();
    const path = writePack(dir, pack);
    const result = await bake(path, join(dir, 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(pattern);
    expect(readdirSync(dir)).toEqual(['pack.json']);
  });

  it('a bad --shard and an --out that is not a pack folder exit 2', async () => {
    const dir = tempDir();
    const path = writePack(dir, SMALL_PACK);
    const shard = await bake(path, join(dir, 'out'), '--shard', '2/2');
    expect(shard).toMatchObject({ code: 2 });
    expect(shard.stderr.trim()).toBe('asset-diffusion: --shard: must be i/n with 0 <= i < n <= 256, e.g. 0/2 (got "2/2")');
    const notPack = await bake(path, dir);
    expect(notPack.code).toBe(2);
    expect(notPack.stderr.trim()).toMatch(/--out: .* is not empty and holds no baked pack\.json; refusing to replace it$/);
    expect(readdirSync(dir)).toEqual(['pack.json']);
  });
});
