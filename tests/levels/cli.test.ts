/**
 * `asset-diffusion generate level` and `eval levels` as a user runs them (the bin shim, a child
 * process) on the real level models (the default is the student, level-smb-fast); skipped where models/level-smb.onnx is absent.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.ts';

const HAVE_MODEL = existsSync(fileURLToPath(new URL('../../models/level-smb.onnx', import.meta.url)));

/** On the package's models/manifest.json. */
const cli = (args: string[]) => spawnCli(args, { ASSET_DIFFUSION_MANIFEST: undefined });

const outDir = () => mkdtempSync(join(tmpdir(), 'asset-diffusion-levels-'));

describe.skipIf(!HAVE_MODEL)('asset-diffusion generate level', () => {
  it('--width 300 --format vglc writes 14 lines of 300 characters in the training legend', async () => {
    const dir = outDir();
    const out = join(dir, 'l.txt');
    const r = await cli(['generate', 'level', '--width', '300', '--seed', '5', '--steps', '2', '--format', 'vglc', '--out', out]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^wrote .*l\.txt: 1 level\(s\) of 300 columns from level-smb-fast .* seed 5, 2 steps, [01]\/1 playable/);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toHaveLength(14);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[-XS?QE<>[\]oBb]{300}$/);
    const again = join(dir, 'again.txt');
    expect((await cli(['generate', 'level', '--width', '300', '--seed', '5', '--steps', '2', '--out', again])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('--format tmj writes a Tiled map and its tileset; png a preview; json grid + metadata', async () => {
    const dir = outDir();
    const args = ['generate', 'level', '--width', '40', '--seed', '2', '--steps', '1', '--ensure-playable'];
    expect((await cli([...args, '--out', join(dir, 'l.tmj')])).code).toBe(0);
    const tmj = JSON.parse(readFileSync(join(dir, 'l.tmj'), 'utf8'));
    expect(tmj).toMatchObject({ type: 'map', orientation: 'orthogonal', width: 40, height: 14, tilewidth: 16 });
    expect(tmj.layers[0].data).toHaveLength(560);
    expect(tmj.tilesets[0]).toMatchObject({ image: 'l.tiles.png', tilecount: 13 });
    expect(existsSync(join(dir, 'l.tiles.png'))).toBe(true);
    expect((await cli([...args, '--out', join(dir, 'l.png')])).code).toBe(0);
    const png = decode(readFileSync(join(dir, 'l.png')));
    expect([png.width, png.height]).toEqual([40 * 8, 14 * 8]);
    expect((await cli([...args, '--out', join(dir, 'l.json')])).code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'l.json'), 'utf8'));
    expect(json.levels[0]).toMatchObject({ rows: 14, cols: 40, metadata: { seed: 2, playable: true } });
    expect(json.levels[0].data).toHaveLength(14);
    expect(json.legend).toHaveLength(13);
  });

  it.each([
    [['--width', '10001'], /^asset-diffusion: --width: must be an integer from 16 to 10000 \(got 10001\)$/],
    [['--width', '40', '--constraints', '[{"row":0,"col":40,"tile":"X"}]'], /^asset-diffusion: --constraints\[0\]\.col: must be an integer from 0 to 39 \(got 40\)$/],
    [['--constraints', '[{"row":0,"col":1,"tile":"%"}]'], /^asset-diffusion: --constraints\[0\]\.tile: unknown tile "%"; valid values: - X S \? Q E < > \[ \] o B b/],
    [['--constraints', 'not json'], /^asset-diffusion: --constraints: not valid JSON/],
    [['--ensure-playable', '--constraints', '[{"rect":{"row":0,"col":9,"rows":14,"cols":1},"tile":"X"}]'], /^asset-diffusion: --constraints: column 9 is pinned solid or deadly across the whole height/],
    [['--flat-start', 'x'], /^asset-diffusion: --flat-start: must be an integer/],
    [['--palette', '4'], /^asset-diffusion: --palette: only applies to sprites$/],
  ])('bad input %j exits 2 with one line and writes nothing', async (args, pattern) => {
    const dir = outDir();
    const r = await cli(['generate', 'level', ...args, '--out', join(dir, 'l.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.skipIf(!HAVE_MODEL)('asset-diffusion eval levels', () => {
  it('--json prints one object with the harness figures and the settings', async () => {
    const r = await cli(['eval', 'levels', '--count', '2', '--width', '32', '--seed', '3', '--steps', '1', '--eta', '0.5', '--json', '--no-progress']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ model: 'level-smb-fast', count: 2, width: 32, seed: 3, steps: 1, eta: 0.5, training_levels: 37 });
    expect(report.context).toBeGreaterThan(0);
    for (const key of ['playable_raw', 'playable', 'novelty', 'broken_structures']) {
      expect(report[key], key).toBeGreaterThanOrEqual(0); // fractions (JSON turns NaN into null, which fails here)
      expect(report[key], key).toBeLessThanOrEqual(1);
    }
    for (const key of ['kl', 'ms_per_level']) expect(report[key], key).toBeGreaterThan(0);
    expect(report.kl_baseline).toBeCloseTo(0.071, 3);
    expect(report.playable).toBe(1 - report.failures.length / 2);
  });

  it('without --json prints a table with the targets; a bad --data exits 2', async () => {
    const r = await cli(['eval', 'levels', '--count', '1', '--width', '16', '--steps', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^eval levels: 1 levels of 16 columns/);
    expect(r.stdout).toMatch(/\nplayable_raw +[\d.]+ +>= 0\.95/);
    expect(r.stderr).toMatch(/eval levels: 1\/1 levels/);
    const bad = await cli(['eval', 'levels', '--count', '1', '--data', '/nonexistent']);
    expect(bad.code).toBe(2);
    const eta = await cli(['eval', 'levels', '--count', '1', '--eta', '2']);
    expect([eta.code, eta.stderr.trim()]).toEqual([2, "asset-diffusion: --eta: must be a number from 0 to 1 (got 2)"]);
    expect(bad.stderr.trim()).toMatch(/^asset-diffusion: --data: \/nonexistent\/vglc\/Super Mario Bros\/Processed not found/);
  });
});
