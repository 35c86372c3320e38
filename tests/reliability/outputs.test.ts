/**
 * Issue 20, "a user's file replaced or lost on failure": multi-file outputs commit together or
 * not at all, --out through a symbolic link writes through it, and a re-bake never deletes a file
 * the pack did not write (it refuses, exit 2). The CLI runs in-process (tests/helpers/cli.ts).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { commitFiles } from '../../src/cli/files.ts';
import { isOneLineRefusal, runCli } from '../helpers/cli.ts';
import { FIXTURE_MANIFEST, levelManifest, tempModelDir } from '../helpers/fixture.ts';
import { allKindsManifest, treeHashes, writePack } from '../bake/helpers.ts';

/** A one-shot rename fault for one destination: every other fs call is the real one. */
const fault = vi.hoisted(() => ({ failRenameTo: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const rename: typeof real.rename = (from, to) => {
    if (fault.failRenameTo === undefined || String(to) !== fault.failRenameTo) return real.rename(from, to);
    fault.failRenameTo = undefined; // once: the rollback's own renames go through
    return Promise.reject(Object.assign(new Error('EIO: simulated'), { code: 'EIO' }));
  };
  return { ...real, default: { ...real, rename }, rename };
});

const env = { ASSET_DIFFUSION_MANIFEST: FIXTURE_MANIFEST };
const tmp = (p = 'asset-diffusion-out-') => mkdtempSync(join(tmpdir(), p));
const level = tempModelDir(levelManifest).manifest;

describe('multi-file outputs commit together or not at all', () => {
  it('a TMJ map whose tileset cannot be written leaves the old map and tileset as they were (exit 2, one line)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'l.tmj'), 'old map');
    mkdirSync(join(dir, 'l.tiles.png')); // the tileset's name is taken by a folder
    const r = await runCli(['generate', 'level', '--manifest', level, '--seed', '1', '--out', join(dir, 'l.tmj')]);
    expect(isOneLineRefusal(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^asset-diffusion: --out: .*l\.tiles\.png is a directory/);
    expect(readFileSync(join(dir, 'l.tmj'), 'utf8')).toBe('old map');
  });

  it('commitFiles puts back every file it had replaced when a later rename fails, and leaves no temporary file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.tmj'), 'old a');
    writeFileSync(join(dir, 'b.png'), 'old b');
    fault.failRenameTo = join(dir, 'b.png');
    try {
      await expect(commitFiles([[join(dir, 'a.tmj'), 'new a'], [join(dir, 'b.png'), 'new b']])).rejects.toThrow(/EIO/);
    } finally {
      fault.failRenameTo = undefined;
    }
    expect(readFileSync(join(dir, 'a.tmj'), 'utf8')).toBe('old a');
    expect(readFileSync(join(dir, 'b.png'), 'utf8')).toBe('old b');
    expect(readdirSync(dir).sort()).toEqual(['a.tmj', 'b.png']);
  });

  it('commitFiles never moves a folder aside: a target that is a folder is refused before anything is renamed', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.tmj'), 'old a');
    mkdirSync(join(dir, 'b.png'));
    await expect(commitFiles([[join(dir, 'a.tmj'), 'new a'], [join(dir, 'b.png'), 'new b']])).rejects.toThrow(/b\.png is not a regular file/);
    expect(readFileSync(join(dir, 'a.tmj'), 'utf8')).toBe('old a');
    expect(readdirSync(dir).sort()).toEqual(['a.tmj', 'b.png']);
  });

  it('--count 3 --format tmj: one map, one tile layer per level (level-0..2, own seed), only the first visible', async () => {
    const dir = tmp();
    const r = await runCli(['generate', 'level', '--manifest', level, '--seed', '4', '--count', '3', '--steps', '1', '--out', join(dir, 'l.tmj')]);
    expect(r.code, r.stderr).toBe(0);
    const map = JSON.parse(readFileSync(join(dir, 'l.tmj'), 'utf8'));
    expect(map.layers.map((l: { name: string }) => l.name)).toEqual(['level-0', 'level-1', 'level-2']);
    expect(map.layers.map((l: { visible: boolean }) => l.visible)).toEqual([true, false, false]);
    expect(map.layers.map((l: { id: number }) => l.id)).toEqual([1, 2, 3]);
    expect(map.nextlayerid).toBe(4);
    const seeds = map.layers.map((l: { properties: Array<{ name: string; value: unknown }> }) => l.properties.find((p) => p.name === 'seed')!.value);
    expect(seeds).toEqual([4, 5, 6]);
    for (const l of map.layers) expect(l.data).toHaveLength(map.width * map.height);
    // Each layer is its own level: the layers equal three single-level runs.
    const one = await runCli(['generate', 'level', '--manifest', level, '--seed', '5', '--steps', '1', '--out', join(dir, 'one.tmj')]);
    expect(one.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'one.tmj'), 'utf8')).layers[0].data).toEqual(map.layers[1].data);
    expect(existsSync(join(dir, 'l.tiles.png'))).toBe(true);
  });
});

describe('--out through a symbolic link writes through it', () => {
  it('generate: the link stays a link and the file it points to gets the new bytes', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'real.png'), 'old');
    symlinkSync('real.png', join(dir, 'link.png'));
    const r = await runCli(['generate', 'sprite', '--seed', '1', '--out', join(dir, 'link.png')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link.png')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.png'))).toBe('real.png');
    expect(readFileSync(join(dir, 'real.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('generate: a link to a missing file is refused with one line', async () => {
    const dir = tmp();
    symlinkSync(join(dir, 'gone', 'x.png'), join(dir, 'dangling.png'));
    const r = await runCli(['generate', 'sprite', '--out', join(dir, 'dangling.png')], env);
    expect(isOneLineRefusal(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/--out: .*dangling\.png is a symbolic link to a missing file/);
  });

  it('bake: a link to a pack folder stays a link; the folder it points to is re-baked', async () => {
    const manifest = allKindsManifest();
    const dir = tmp();
    const config = writePack(dir, { name: 'p', sprites: [{ name: 'hero', class: 'hero', count: 1, steps: 1 }] });
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'packlink'));
    const r = await runCli(['bake', config, '--out', join(dir, 'packlink'), '--manifest', manifest, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'packlink')).isSymbolicLink()).toBe(true);
    expect(Object.keys(treeHashes(join(dir, 'real'))).sort()).toEqual(['pack.json', 'sprites/hero.json', 'sprites/hero.png']);
  });
});

describe('re-baking never deletes a file the pack did not write: it refuses (exit 2)', () => {
  const manifest = allKindsManifest();
  const bakeOnce = async () => {
    const dir = tmp();
    const config = writePack(dir, { name: 'p', sprites: [{ name: 'hero', class: 'hero', count: 1, steps: 1 }] });
    const out = join(dir, 'out');
    expect((await runCli(['bake', config, '--out', out, '--manifest', manifest, '--no-progress'])).code).toBe(0);
    return { dir, config, out };
  };

  it('a file the user added to the pack folder is kept and named', async () => {
    const { config, out } = await bakeOnce();
    writeFileSync(join(out, 'README.txt'), 'mine');
    mkdirSync(join(out, 'sprites', 'extra'));
    writeFileSync(join(out, 'sprites', 'extra', 'art.png'), 'mine too');
    const before = treeHashes(out);
    const r = await runCli(['bake', config, '--out', out, '--manifest', manifest, '--no-progress']);
    expect(isOneLineRefusal(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/--out: .* holds files the pack did not write .*\(README\.txt, sprites\/extra\/art\.png\)/);
    expect(treeHashes(out)).toEqual(before);
  });

  it('a baked file the user edited is kept too (merge refuses the same way)', async () => {
    const { dir, config, out } = await bakeOnce();
    writeFileSync(join(out, 'sprites', 'hero.json'), '{"edited": true}');
    const before = treeHashes(out);
    const r = await runCli(['bake', config, '--out', out, '--manifest', manifest, '--no-progress']);
    expect(isOneLineRefusal(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/\(sprites\/hero\.json\)/);
    const shard = join(dir, 'shard');
    expect((await runCli(['bake', config, '--out', shard, '--manifest', manifest, '--no-progress'])).code).toBe(0);
    const m = await runCli(['merge', shard, '--out', out]);
    expect(isOneLineRefusal(m), m.stderr).toBe(true);
    expect(treeHashes(out)).toEqual(before);
  });

  it('an unchanged pack folder is re-baked in place (items skipped)', async () => {
    const { config, out } = await bakeOnce();
    const before = treeHashes(out);
    const r = await runCli(['bake', config, '--out', out, '--manifest', manifest, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ generated: 0, skipped: 1 });
    expect(treeHashes(out)).toEqual(before);
  });

  it('merge refuses a shard whose pack.json points outside the pack (../), and writes nothing', async () => {
    const { dir, out } = await bakeOnce();
    const pack = JSON.parse(readFileSync(join(out, 'pack.json'), 'utf8'));
    pack.items[0].files.image.path = '../../escaped.png';
    writeFileSync(join(out, 'pack.json'), JSON.stringify(pack));
    const r = await runCli(['merge', out, '--out', join(dir, 'merged')]);
    expect(isOneLineRefusal(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/files\.image: needs a path inside the pack/);
    expect(existsSync(join(dir, 'merged'))).toBe(false);
    expect(existsSync(join(dir, '..', 'escaped.png'))).toBe(false);
  });
});
