/**
 * runtime.dungeon / runtime.regenerateRoom end to end on the fixture dungeon model
 * (tests/fixtures/dungeon: untrained tiny-dungeon, the real 10 x 11 x 16 layout and Zelda legend),
 * plus the manifest's genre contract: the default level model stays the platformer one.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, ManifestError } from '../../src/errors.ts';
import { parseManifest } from '../../src/models/manifest.ts';
import { extractRoom } from '../../src/levels/dungeon/assemble.ts';
import { dungeonTiles, ROOM_COLS, ROOM_ROWS } from '../../src/levels/dungeon/legend.ts';
import { checkDungeon } from '../../src/levels/dungeon/reach.ts';
import { toTmj, toVglc, levelPreviewPng } from '../../src/levels/export.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { resolveModel } from '../../src/runtime/request.ts';
import { normalizeLevelRequest } from '../../src/runtime/level-request.ts';

const DIR = fileURLToPath(new URL('../fixtures/dungeon/', import.meta.url));
const MANIFEST = `${DIR}manifest.json`;
const manifestJson = () => JSON.parse(readFileSync(MANIFEST, 'utf8'));

describe('runtime.dungeon on the fixture model', () => {
  const runtime = createRuntime({ manifest: MANIFEST, cache: false });
  afterAll(() => runtime.dispose());

  it('makes a playable dungeon of N rooms, the same for the same seed, with every room joined', async () => {
    const a = await runtime.dungeon({ rooms: 5, seed: 7, steps: 2 });
    expect(a.kind).toBe('dungeon');
    expect(a.metadata.plan.rooms).toHaveLength(5);
    expect(a.metadata.playable).toBe(true);
    expect(a.metadata.samples).toBeGreaterThanOrEqual(5);
    const tiles = dungeonTiles(a.grid.legend);
    expect(checkDungeon(a.grid, a.metadata.plan, tiles).playable).toBe(true);
    const b = await runtime.dungeon({ rooms: 5, seed: 7, steps: 2 });
    expect(Buffer.from(b.grid.cells).equals(Buffer.from(a.grid.cells))).toBe(true);
    // Exports take the dungeon map as they take a level.
    expect(toVglc(a.grid).split('\n')[0]).toHaveLength(a.grid.cols);
    expect((toTmj(a.grid, 'legend.png') as { width: number }).width).toBe(a.grid.cols);
    expect(levelPreviewPng(a.grid, 4, a.metadata.path).subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
  });

  it('regenerateRoom redoes one room and leaves every other cell alone', async () => {
    const a = await runtime.dungeon({ rooms: 4, seed: 3, steps: 2 });
    const b = await runtime.regenerateRoom(a, { room: 1, seed: 99 });
    const room = a.metadata.plan.rooms[1]!;
    for (let k = 0; k < a.grid.cells.length; k++) {
      const r = Math.floor(k / a.grid.cols);
      const c = k % a.grid.cols;
      if (Math.floor(r / ROOM_ROWS) !== room.row || Math.floor(c / ROOM_COLS) !== room.col) expect(b.grid.cells[k]).toBe(a.grid.cells[k]);
    }
    const tiles = dungeonTiles(a.grid.legend);
    expect(extractRoom(b.grid, room, tiles).cells).not.toEqual(extractRoom(a.grid, room, tiles).cells);
    expect(b.metadata.playable).toBe(true);
  });

  it('bad requests are named errors that list what is valid', async () => {
    await expect(runtime.dungeon({ rooms: 1 })).rejects.toThrow(/rooms/);
    await expect(runtime.dungeon({ rooms: 1 })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(runtime.dungeon({ model: 'nope' })).rejects.toThrow(/tiny-dungeon/);
    await expect(runtime.dungeon({ rooms: 3, width: 40 } as never)).rejects.toThrow(/width/);
    const a = await runtime.dungeon({ rooms: 3, seed: 1, steps: 1 });
    await expect(runtime.regenerateRoom(a, { room: 3 })).rejects.toThrow(/room/);
  });
});

describe('the manifest genre', () => {
  const platformer = () => {
    const smb = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/plugin/manifest.json', import.meta.url)), 'utf8')).models.find((m: { kind: string }) => m.kind === 'level');
    return { ...smb, id: 'zz-smb' }; // sorts after the dungeon model: order must not decide the default
  };

  it('a level model without genre is a platformer; the default level model skips dungeons', () => {
    const m = parseManifest({ schemaVersion: 1, models: [...manifestJson().models, platformer()] });
    expect(resolveModel(m, { kind: 'level' }).id).toBe('zz-smb');
    expect(resolveModel(m, { kind: 'level' }, 'dungeon').id).toBe('tiny-dungeon');
    expect(() => normalizeLevelRequest(m, { model: 'tiny-dungeon' })).toThrow(/runtime\.dungeon/);
  });

  it('genre on an image model is refused, naming the field', () => {
    const tile = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/plugin/manifest.json', import.meta.url)), 'utf8')).models[0];
    expect(() => parseManifest({ schemaVersion: 1, models: [{ ...tile, genre: 'dungeon' }] })).toThrow(ManifestError);
    expect(() => parseManifest({ schemaVersion: 1, models: [{ ...tile, genre: 'dungeon' }] })).toThrow(/models\[0\]\.genre/);
  });
});
