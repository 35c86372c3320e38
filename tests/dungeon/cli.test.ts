/** `asset-diffusion generate level --model <dungeon model>` and `eval levels` on the fixture dungeon model. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCli as cli } from '../helpers/cli.ts';
import { tempDir } from '../bake/helpers.ts';

const MANIFEST = fileURLToPath(new URL('../fixtures/dungeon/manifest.json', import.meta.url));
const base = ['--model', 'tiny-dungeon', '--manifest', MANIFEST, '--steps', '2', '--no-progress'];

describe('CLI with a dungeon model', () => {
  it('generate writes the dungeon as VGLC text and TMJ (start and goal as map properties); platformer flags are refused', async () => {
    const dir = tempDir();
    const txt = await cli(['generate', 'level', ...base, '--rooms', '3', '--seed', '4', '--out', join(dir, 'd.txt')]);
    expect(txt.code, txt.stderr).toBe(0);
    expect(txt.stdout).toMatch(/1 dungeon\(s\) of 3 rooms .* 1\/1 playable/);
    const lines = readFileSync(join(dir, 'd.txt'), 'utf8').trimEnd().split('\n');
    expect(lines.length % 11).toBe(0);
    expect(lines.every((l) => l.length === lines[0]!.length && /^[FBMPOIDSW-]+$/.test(l))).toBe(true);
    const tmj = await cli(['generate', 'level', ...base, '--rooms', '3', '--seed', '4', '--out', join(dir, 'd.tmj')]);
    expect(tmj.code, tmj.stderr).toBe(0);
    const names = JSON.parse(readFileSync(join(dir, 'd.tmj'), 'utf8')).properties.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['startRow', 'startCol', 'goalRow', 'goalCol']));
    const bad = await cli(['generate', 'level', ...base, '--width', '40', '--out', join(dir, 'x.txt')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--width.*--rooms/);
  });

  it('eval levels --json reports the issue figures', async () => {
    const r = await cli(['eval', 'levels', ...base, '--count', '2', '--rooms', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const k of ['playable_raw', 'playable', 'novelty', 'kl', 'kl_baseline', 'novelty_baseline']) expect(typeof report[k], k).toBe('number');
    expect(report.playable).toBe(1);
    expect(report.training_rooms).toBe(417);
  });
});
