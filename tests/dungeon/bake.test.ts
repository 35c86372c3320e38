/** A baked pack holds dungeons: a level entry naming a dungeon model is made by runtime.dungeon and written as a level, plus its plan, start and goal. */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writePack } from '../bake/helpers.ts';
import { dungeonTiles, ROOM_COLS, ZELDA_LEGEND } from '../../src/levels/dungeon/legend.ts';
import { checkDungeon } from '../../src/levels/dungeon/reach.ts';
import type { PackGridJson } from '../../src/pack-format.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/dungeon/', import.meta.url));

describe('bake with a dungeon model', () => {
  it('writes TMJ, grid JSON with the dungeon plan, VGLC text and a preview; the grid passes the checker; width is refused', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURE, 'tiny-dungeon.onnx'), join(dir, 'tiny-dungeon.onnx'));
    writeFileSync(join(dir, 'manifest.json'), readFileSync(join(FIXTURE, 'manifest.json')));
    const pack = writePack(dir, { name: 'crawl', levels: [{ name: 'd1', model: 'tiny-dungeon', rooms: 4, seed: 2, steps: 2 }] });
    const run = await cli(['bake', pack, '--out', join(dir, 'out'), '--manifest', join(dir, 'manifest.json'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'out/pack.json'), 'utf8')).items[0];
    expect(record).toMatchObject({ kind: 'level', genre: 'dungeon', rooms: 4, playable: true });
    expect(Object.keys(record.files).sort()).toEqual(['grid', 'preview', 'tilesetImage', 'tmj', 'vglc']);
    const g = JSON.parse(readFileSync(join(dir, 'out/levels/d1.json'), 'utf8')) as PackGridJson;
    expect(g.dungeon!.plan.rooms).toHaveLength(4);
    expect(g.width).toBe(g.dungeon!.plan.gridCols * ROOM_COLS);
    const grid = { rows: g.height, cols: g.width, cells: Uint8Array.from(g.data.flat()), legend: g.legend };
    expect(checkDungeon(grid, g.dungeon!.plan as never, dungeonTiles(ZELDA_LEGEND)).playable).toBe(true);
    const tmj = JSON.parse(readFileSync(join(dir, 'out/levels/d1.tmj'), 'utf8'));
    expect(tmj.properties.find((p: { name: string }) => p.name === 'goalRow').value).toBe(g.dungeon!.goal.row);
    expect(readFileSync(join(dir, 'out/levels/d1.txt'), 'utf8').split('\n')[0]).toHaveLength(g.width);

    const bad = writePack(dir, { name: 'crawl', levels: [{ name: 'd1', model: 'tiny-dungeon', width: 40 }] }, 'bad.json');
    const refused = await cli(['bake', bad, '--out', join(dir, 'out2'), '--manifest', join(dir, 'manifest.json')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/width/);
  });
});
