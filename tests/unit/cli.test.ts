/** The `asset-diffusion` command as a user runs it: through the bin shim, in a child process. */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MANIFEST, levelManifest, tempModelDir } from '../helpers/fixture.ts';
import { spawnCli } from '../helpers/cli.ts';

const cli = (args: string[]) => spawnCli(args, { ASSET_DIFFUSION_MANIFEST: FIXTURE_MANIFEST });

const outDir = () => mkdtempSync(join(tmpdir(), 'asset-diffusion-cli-'));

describe('asset-diffusion generate', () => {
  it('writes byte-identical sprite sheets for the same seed (count 4 -> a 2x2 sheet)', async () => {
    const dir = outDir();
    const [a, b] = [join(dir, 'a.png'), join(dir, 'b.png')];
    const first = await cli(['generate', 'sprite', '--count', '4', '--seed', '7', '--out', a]);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/wrote .*a\.png: 4 sprite\(s\) from tiny 0\.0\.1 on (cpu|wasm), seed 7/);
    expect((await cli(['generate', 'sprite', '--count', '4', '--seed', '7', '--out', b])).code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const png = decode(readFileSync(a));
    expect([png.width, png.height, png.channels]).toEqual([32, 32, 4]);
  });

  it.each([
    [['generate', 'sprite', '--count', '-1'], /^asset-diffusion: --count: must be an integer from 1 to 64 \(got -1\)$/],
    [['generate', 'sprite', '--count', 'many'], /^asset-diffusion: --count: must be an integer from 1 to 64 \(got "many"\)$/],
    [['generate', 'sprite', '--steps', '0'], /^asset-diffusion: --steps: must be an integer from 1 to 1000 \(got 0\)$/],
    [['generate', 'sprite', '--guidance', 'NaN'], /^asset-diffusion: --guidance: must be a number from 0 to 20 \(got "NaN"\)$/],
    [['generate', 'sprite', '--seed', '1.5'], /^asset-diffusion: --seed: must be an integer from 0 to 4294967295 \(got 1\.5\)$/],
    [['generate', 'sprite', '--class', 'wizard'], /^asset-diffusion: --class: unknown value "wizard" for model tiny; valid values: hero, /],
    [['generate', 'sprite', '--model', 'big'], /^asset-diffusion: --model: unknown value "big" for kind sprite; valid values: tiny$/],
    [['generate', 'sprite', '--width', '40'], /^asset-diffusion: --width: only applies to levels/],
    [['generate', 'sprite', '--format', 'vglc'], /^asset-diffusion: --format: vglc does not apply to sprites; valid values for sprite: png, json$/],
    [['generate', 'sprite', '--format', 'gif'], /^asset-diffusion: option '--format <format>' argument 'gif' is invalid\. Allowed choices are png, json, vglc, tmj\.$/],
    [['generate', 'sprite', '--device', 'tpu'], /^asset-diffusion: option '--device <device>' argument 'tpu' is invalid\. Allowed choices are auto, webgpu, wasm\.$/],
    [['generate', 'music'], /^asset-diffusion: command-argument value 'music' is invalid for argument 'kind'\. Allowed choices are tile, sprite, level\.$/],
    [['generate', 'tile'], /^asset-diffusion: <kind>: no model of kind tile in the manifest; kinds available: sprite$/],
    [['generate', 'sprite', '--bogus', '1'], /^asset-diffusion: unknown option '--bogus'$/],
  ])('bad input %j exits 2 with one line and writes nothing', async (args, pattern) => {
    const dir = outDir();
    const result = await cli([...args, '--out', join(dir, 'b.png')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(pattern);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing --out exits 2', async () => {
    const result = await cli(['generate', 'sprite']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("asset-diffusion: required option '--out <file>' not specified");
  });

  it('an --out folder that does not exist exits 2', async () => {
    const result = await cli(['generate', 'sprite', '--out', '/nonexistent/dir/a.png']);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr.trim()).toBe('asset-diffusion: --out: directory /nonexistent/dir does not exist');
  });

  it('a runtime failure (tampered model) exits 1 with the error name and writes nothing', async () => {
    const { manifest } = tempModelDir((m) => (m.models[0]!.sha256 = '0'.repeat(64)));
    const dir = outDir();
    const result = await cli(['generate', 'sprite', '--manifest', manifest, '--out', join(dir, 'a.png')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^asset-diffusion: ModelIntegrityError: tiny\.onnx: sha256 mismatch/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes levels as VGLC text, TMJ (with its tileset image), JSON and a PNG preview', async () => {
    const { manifest } = tempModelDir(levelManifest);
    const dir = outDir();
    const run = (format: string, file: string) => cli(['generate', 'level', '--manifest', manifest, '--seed', '5', '--format', format, '--out', join(dir, file)]);
    expect((await run('vglc', 'l.txt')).code).toBe(0);
    const lines = readFileSync(join(dir, 'l.txt'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(16);
    expect(lines.every((l) => /^[-XE?]{16}$/.test(l))).toBe(true);
    expect((await run('tmj', 'l.tmj')).code).toBe(0);
    const tmj = JSON.parse(readFileSync(join(dir, 'l.tmj'), 'utf8'));
    expect(tmj).toMatchObject({ type: 'map', width: 16, height: 16, tilewidth: 16 });
    expect(tmj.layers[0].data).toHaveLength(256);
    expect(tmj.tilesets[0].image).toBe('l.tiles.png');
    expect(existsSync(join(dir, 'l.tiles.png'))).toBe(true);
    expect((await run('json', 'l.json')).code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'l.json'), 'utf8'));
    expect(json.levels[0].text).toEqual(lines);
    expect((await run('png', 'l.png')).code).toBe(0);
    expect(decode(readFileSync(join(dir, 'l.png'))).width).toBe(16 * 8);
  });
});

describe('asset-diffusion models', () => {
  it('lists models, classes and step defaults', async () => {
    const result = await cli(['models']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tiny \(sprite 0\.0\.1\) 4x16x16\n {2}steps 4 \(1\.\.1000\), guidance 2 \(0\.\.20\)\n {2}classes: hero, animal/);
    const json = JSON.parse((await cli(['models', '--json'])).stdout);
    expect(json[0]).toMatchObject({ id: 'tiny', kind: 'sprite' });
  });
});
