/**
 * The novelty guard: the manifest's training-room fingerprints (models/export.py) agree with the
 * runtime's own (src/levels/dungeon/known-rooms.ts), a room equal to one is sampled again, and the
 * shipped dungeon model, which copies Zelda's templates about half the time, hands back none.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, ManifestError } from '../../src/errors.ts';
import { extractRoom, GOAL_MOTIF } from '../../src/levels/dungeon/assemble.ts';
import { buildDungeon, COPY_RESAMPLES } from '../../src/levels/dungeon/generate.ts';
import { roomFingerprint } from '../../src/levels/dungeon/known-rooms.ts';
import { dungeonTiles, ROOM_COLS, ZELDA_LEGEND } from '../../src/levels/dungeon/legend.ts';
import { planDungeon } from '../../src/levels/dungeon/layout.ts';
import { roomNovelty } from '../../src/levels/dungeon/metrics.ts';
import { flipRoom, loadTrainingRooms } from '../../src/levels/dungeon/training-data.ts';
import type { WindowSampler } from '../../src/levels/outpaint.ts';
import { parseManifestText } from '../../src/models/manifest.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';

const MANIFEST_TEXT = readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8');
const manifest = parseManifestText(MANIFEST_TEXT);
const training = loadTrainingRooms();
const id = (ch: string) => ZELDA_LEGEND.findIndex((t) => t.char === ch);

describe('training-room fingerprints', () => {
  it('the shipped dungeon models list exactly the fingerprints of the training rooms, flips folded', () => {
    const expected = [...new Set(training.map((r) => roomFingerprint(r.grid)))].sort();
    expect(expected.length).toBeGreaterThan(150); // 251 distinct rooms, fewer once flips are one
    const dungeons = manifest.models.filter((m) => m.genre === 'dungeon');
    expect(dungeons.length).toBeGreaterThan(0);
    for (const m of dungeons) expect(m.knownRooms, m.id).toEqual(expected);
  });

  it('a room and its three flips share a fingerprint; one changed cell does not', () => {
    const room = training[3]!.grid;
    const print = roomFingerprint(room);
    for (const [h, v] of [[true, false], [false, true], [true, true]] as const) expect(roomFingerprint(flipRoom(room, h, v))).toBe(print);
    const cells = room.cells.slice();
    const k = 5 * ROOM_COLS + 7;
    cells[k] = cells[k] === id('F') ? id('B') : id('F');
    expect(roomFingerprint({ ...room, cells })).not.toBe(print);
  });

  it('the manifest refuses them on a model that is not a dungeon one, and malformed ones', () => {
    const json = JSON.parse(MANIFEST_TEXT);
    const smb = json.models.find((m: { id: string }) => m.id === 'level-smb');
    smb.knownRooms = ['0123456789abcdef'];
    expect(() => parseManifestText(JSON.stringify(json))).toThrow(ManifestError);
    expect(() => parseManifestText(JSON.stringify(json))).toThrow(/knownRooms.*only applies to dungeon models/);
    delete smb.knownRooms;
    json.models.find((m: { genre?: string }) => m.genre === 'dungeon').knownRooms.push('XYZ');
    expect(() => parseManifestText(JSON.stringify(json))).toThrow(/16 lower-case hex digits/);
  });
});

describe('the guard in the pipeline', () => {
  const plan = planDungeon(4, 3);
  const tiles = dungeonTiles(ZELDA_LEGEND);
  /** Known cells kept, free cells floor; from any seed but the first try's, a monster left of the middle. */
  const sampler = (firstSeed: number, calls: Array<{ seed: number; free: number }>): WindowSampler => async (w) => {
    calls.push({ seed: w.seed, free: w.mask.filter((m) => !m).length });
    return Uint8Array.from(w.cells, (v, k) => (w.mask[k] ? v : k === 5 * ROOM_COLS + 3 && w.seed !== firstSeed ? id('M') : id('F')));
  };
  const copies = async () => {
    const first = await buildDungeon(plan, ZELDA_LEGEND, 9, { sample: sampler(9, []), ensurePlayable: false, label: 0, class: 'zelda' });
    return new Set(plan.rooms.map((room) => roomFingerprint(extractRoom(first.grid, room, tiles))));
  };

  it('varies a room equal to a known one (its left half sampled again, new seed) and counts it', async () => {
    const knownRooms = await copies();
    const calls: Array<{ seed: number; free: number }> = [];
    const { grid, metadata } = await buildDungeon(plan, ZELDA_LEGEND, 9, { sample: sampler(9, calls), ensurePlayable: false, label: 0, class: 'zelda', knownRooms });
    expect(metadata.copiedRooms).toBe(plan.rooms.length);
    expect(metadata.copyResamples).toBe(plan.rooms.length);
    expect(metadata.copiesKept).toBe(0);
    const retries = calls.filter((c) => c.seed !== 9);
    expect(retries).toHaveLength(plan.rooms.length);
    // The interior is 7 x 12 free cells (the goal room's pinned stair motif apart); a retry frees its left half.
    const firsts = calls.filter((c) => c.seed === 9);
    for (const [i, r] of retries.entries()) expect(r.free).toBeLessThanOrEqual(Math.ceil(firsts[i]!.free / 2));
    for (const r of retries) expect(r.free).toBeGreaterThanOrEqual(7 * 6 - GOAL_MOTIF.join('').length);
    for (const room of plan.rooms) expect(knownRooms.has(roomFingerprint(extractRoom(grid, room, tiles)))).toBe(false);
  });

  it(`keeps the last sample after ${COPY_RESAMPLES} copies in a row, and says so`, async () => {
    const knownRooms = await copies();
    const always: WindowSampler = async (w) => Uint8Array.from(w.cells, (v, k) => (w.mask[k] ? v : id('F')));
    const { metadata } = await buildDungeon(plan, ZELDA_LEGEND, 9, { sample: always, ensurePlayable: false, label: 0, class: 'zelda', knownRooms });
    expect(metadata.copiesKept).toBe(plan.rooms.length);
    expect(metadata.copyResamples).toBe(plan.rooms.length * COPY_RESAMPLES);
    expect(metadata.samples).toBe(plan.rooms.length * (COPY_RESAMPLES + 1));
  });
});

describe('the shipped dungeon model with the guard', () => {
  const runtime = createRuntime({ cache: false });
  afterAll(() => runtime.dispose());
  const grids = training.map((r) => r.grid);
  const rooms = (d: Awaited<ReturnType<typeof runtime.dungeon>>) => d.metadata.plan.rooms.map((room) => extractRoom(d.grid, room, dungeonTiles(d.grid.legend)));

  it('hands back no training room; allowCopies turns the guard off', async () => {
    let copied = 0;
    let resampled = 0;
    for (const seed of [1, 2, 3, 4]) {
      const d = await runtime.dungeon({ model: 'level-dungeon', rooms: 6, seed });
      expect(roomNovelty(rooms(d), grids), `seed ${seed}`).toBe(1);
      expect(d.metadata.playable).toBe(true);
      copied += d.metadata.copiedRooms;
      resampled += d.metadata.copyResamples;
    }
    expect(copied).toBeGreaterThan(0); // the model copies: the guard had work to do
    expect(resampled).toBeGreaterThanOrEqual(copied);
    const raw = await runtime.dungeon({ model: 'level-dungeon', rooms: 6, seed: 1, allowCopies: true });
    expect(raw.metadata.copyResamples).toBe(0);
    expect(raw.request.allowCopies).toBe(true);
    await expect(runtime.dungeon({ model: 'level-dungeon', allowCopies: 'yes' as never })).rejects.toThrow(InvalidRequestError);
    await expect(runtime.dungeon({ model: 'level-dungeon', allowCopies: 'yes' as never })).rejects.toThrow(/allowCopies/);
  });
});
